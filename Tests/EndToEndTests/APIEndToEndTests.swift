import Foundation
import Testing

/// The JSON API against the real `bando serve`, driven by curl as another system would drive it:
/// a token made with `bando token create`, a multipart upload over HTTP Basic, the import polled
/// until its version is pending, another account's token publishing it, the published data read
/// back; and the API's OpenAPI definition checked by openapi-spec-validator from PyPI.
@Suite struct APIEndToEndTests {
    static func token(_ server: ServerProcess, _ user: String, _ scopes: String) throws -> String {
        let made = try BandoBinary.run(["token", "create", "--db", server.database, "--user", user, "--scopes", scopes,
                                        "--expires-days", "1", "--name", "Nền tảng tích hợp"])
        try #require(made.0 == 0, "token create: \(made.2)")
        return made.1.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `curl ARGS URL`: the status line's code, the headers and the body.
    static func curl(_ arguments: [String], _ url: String) throws -> (status: Int, headers: String, body: String) {
        let (code, output, errors) = try OGCClientsEndToEndTests.run("/usr/bin/curl", ["-sS", "-D", "-", "--max-time", "60"] + arguments + [url])
        try #require(code == 0, "curl \(url): \(errors)")
        var parts = output.components(separatedBy: "\r\n\r\n")[...]
        // A large body goes after the server's `100 Continue`: the interim answer comes first.
        while parts.count > 1, parts.first?.hasPrefix("HTTP/1.1 1") == true { parts = parts.dropFirst() }
        let head = parts.first ?? ""
        let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return (status, head, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func anotherSystemUploadsWithCurlAndAnApproverPublishesThroughTheAPI() throws {
        let server = try ServerProcess(); defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)/api/v1"
        let editor = try Self.token(server, "stnmt.editor", "read,upload")
        let approver = try Self.token(server, "stnmt.approver", "read,approve")
        let file = server.database + ".tram-quan-trac.geojson"
        try Data(UploadEndToEndTests.largeGeoJSON).write(to: URL(fileURLWithPath: file))

        // QGIS and other clients that cannot set headers send Basic with the username and the token.
        let accepted = try Self.curl(["-u", "stnmt.editor:" + editor, "-F", "file=@\(file)", "-F", "title=Trạm quan trắc tự động"],
                                     base + "/layers")
        #expect(accepted.status == 202, "\(accepted.headers) \(accepted.body)")
        let location = try #require(accepted.headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("location:") }?
            .dropFirst("location:".count).trimmingCharacters(in: .whitespaces))
        var state: [String: Any] = [:]
        for _ in 0..<120 {
            state = try Self.json(Self.curl(["-H", "Authorization: Bearer " + editor], "http://127.0.0.1:\(server.port)" + location).body)
            if state["state"] as? String == "done" || state["state"] as? String == "failed" { break }
            Thread.sleep(forTimeInterval: 0.25)
        }
        #expect(state["state"] as? String == "done" && state["status"] as? String == "pending" && state["featureCount"] as? Int == 3,
                "\(state)")
        let slug = try #require(state["layer"] as? String)
        let version = try #require(state["version"] as? Int)

        // Nobody outside the agency sees it yet; the uploader may not publish their own work.
        #expect(try Self.curl([], base + "/layers/\(slug)").status == 404)
        let own = try Self.curl(["-X", "POST", "-H", "Authorization: Bearer " + editor], base + "/layers/\(slug)/versions/\(version)/publish")
        #expect(own.status == 403 && own.headers.lowercased().contains("content-type: application/problem+json"))
        let published = try Self.curl(["-X", "POST", "-H", "Authorization: Bearer " + approver],
                                      base + "/layers/\(slug)/versions/\(version)/publish")
        #expect(published.status == 200, "\(published.body)")
        let decided = try Self.json(published.body)
        #expect(decided["status"] as? String == "published")

        let features = try Self.json(Self.curl(["-u", "stnmt.approver:" + approver], base + "/layers/\(slug)/features").body)
        let names = ((features["features"] as? [[String: Any]]) ?? []).compactMap { ($0["properties"] as? [String: Any])?["tên"] as? String }
        #expect(names.sorted() == ["Điểm 1", "Điểm 2", "Điểm 3"], "\(features.keys)")
        let audit = try SQLite3.run(server.database, "SELECT detail FROM audit_log WHERE action = 'layer.publish' ORDER BY id DESC LIMIT 1")
        #expect(audit.output.contains("Nền tảng tích hợp"), "the decision is audited with the token's name: \(audit.output)")
    }

    @Test func theAPIDefinitionValidatesOffline() throws {
        let python = try OGCClientsEndToEndTests.clientsPython()
        let server = try ServerProcess(); defer { server.stop() }
        let definition = server.database + ".api-v1.json"
        let fetched = try Self.curl(["-o", definition], "http://127.0.0.1:\(server.port)/api/v1/openapi.json")
        #expect(fetched.status == 200)
        let (valid, said, complaint) = try OGCClientsEndToEndTests.run(python, ["-m", "openapi_spec_validator", definition])
        #expect(valid == 0 && said.contains("OK"), "openapi-spec-validator: \(said) \(complaint)")
    }
}
