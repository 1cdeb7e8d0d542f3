import Foundation
import Testing

/// The upload pages against the real `bando serve` over real sockets: a multipart upload large
/// enough to be streamed to disk, its import in the background followed through `status.json`,
/// and the size limit of `--max-upload-mb`.
@Suite struct UploadEndToEndTests {
    typealias Jar = AuthEndToEndTests.Jar
    static let password = "e2e-password-1"

    /// A multipart/form-data body of text fields and one `file` part.
    func multipart(boundary: String, fields: [(String, String)], fileName: String, file: [UInt8]) -> [UInt8] {
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\nContent-Type: application/geo+json\r\n\r\n".utf8)
        body += file + Array("\r\n--\(boundary)--\r\n".utf8)
        return body
    }

    /// Three points in the demo province, each with a long note: about 1.5 MB, above the server's
    /// in-memory threshold, so both the body and its file part arrive as temporary files.
    static let largeGeoJSON: [UInt8] = {
        let note = String(repeating: "Ghi chú dài về điểm quan trắc. ", count: 16_000)
        let features = (0..<3).map { index in
            "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[\(106.2 + Double(index) * 0.05),21.3]},"
                + "\"properties\":{\"tên\":\"Điểm \(index + 1)\",\"ghi chú\":\"\(note)\"}}"
        }
        return Array("{\"type\":\"FeatureCollection\",\"features\":[\(features.joined(separator: ","))]}".utf8)
    }()

    @Test func anEditorUploadsImportsAndFollowsTheStatus() throws {
        let server = try ServerProcess(); defer { server.stop() }
        var jar = Jar(port: server.port)
        #expect(try jar.signIn("stnmt.editor", Self.password).status == 303)
        let form = try jar.get("/upload")
        #expect(form.status == 200 && form.text.contains("data-max-bytes=\"\(200 << 20)\""))
        let csrf = Jar.csrf(form)

        let boundary = "----bando-e2e-\(UUID().uuidString)"
        let body = multipart(boundary: boundary, fields: [("csrf", csrf), ("title", "")], fileName: "diem-quan-trac-e2e.geojson",
                             file: Self.largeGeoJSON)
        #expect(body.count > 1 << 20)
        let client = try RawClient(port: server.port, timeout: 30)
        try client.send("POST /upload HTTP/1.1\r\nHost: x\r\n\(jar.header)Content-Type: multipart/form-data; boundary=\(boundary)\r\nContent-Length: \(body.count)\r\n\r\n")
        try client.send(body)
        let staged = try client.readResponse()
        #expect(staged.status == 303, "\(staged.text)")
        let location = try #require(staged.header("Location"))
        #expect(location.hasPrefix("/uploads/"))
        let token = String(location.dropFirst("/uploads/".count))
        let folder = URL(fileURLWithPath: server.database).deletingLastPathComponent().path + "/data/uploads/\(token)"
        let storedSize = (try? FileManager.default.attributesOfItem(atPath: folder + "/diem-quan-trac-e2e.geojson")[.size] as? Int) ?? nil
        #expect(storedSize == Self.largeGeoJSON.count)

        let preview = try jar.get(location)
        #expect(preview.status == 200 && preview.text.contains("Điểm 1") && preview.text.contains("EPSG:4326"))
        var visitor = Jar(port: server.port)
        #expect(try visitor.get(location).status == 404)

        let title = "Điểm quan trắc e2e"
        let encodedTitle = title.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let started = try jar.post("\(location)/import", "csrf=\(csrf)&srid=4326&encoding=&title=\(encodedTitle)")
        #expect(started.status == 303 && started.header("Location") == "\(location)/status")

        var status: [String: Any] = [:]
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let reply = try jar.get("\(location)/status.json")
            #expect(reply.status == 200)
            status = (try JSONSerialization.jsonObject(with: Data(reply.text.utf8)) as? [String: Any]) ?? [:]
            if let state = status["state"] as? String, state == "done" || state == "failed" { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(status["state"] as? String == "done", "\(status)")
        #expect(status["features"] as? Int == 3 && status["version"] as? Int == 1)
        let slug = try #require(status["layer"] as? String)
        #expect(slug.hasPrefix("diem-quan-trac-e2e"))

        let page = try jar.get("\(location)/status")
        #expect(page.status == 200 && page.text.contains("/layers/\(slug)/versions/1"))
        #expect(!FileManager.default.fileExists(atPath: folder), "the staged folder is gone")
        #expect(try jar.get("/layers/\(slug)").status == 200)
        #expect(try visitor.get("/layers/\(slug)").status == 404, "pending: invisible to the public")
        let actions = try SQLite3.run(server.database, "SELECT action || ' ' || target FROM audit_log WHERE username = 'stnmt.editor' AND action IN ('layer.upload', 'layer.import') ORDER BY id").output
        #expect(actions == "layer.upload diem-quan-trac-e2e.geojson\nlayer.import \(slug)\n")
        let versions = try SQLite3.run(server.database, "SELECT v.status FROM layer_versions v JOIN layers l ON l.id = v.layer_id WHERE l.slug = '\(slug)'").output
        #expect(versions == "pending\n")
    }

    @Test func anOversizeUploadIsRefusedWith413() throws {
        let server = try ServerProcess(extraArguments: ["--max-upload-mb", "1"]); defer { server.stop() }
        var jar = Jar(port: server.port)
        #expect(try jar.signIn("stnmt.editor", Self.password).status == 303)
        let form = try jar.get("/upload")
        #expect(form.text.contains("data-max-bytes=\"\(1 << 20)\"") && form.text.contains("1 MB"))

        let client = try RawClient(port: server.port)
        try client.send("POST /upload HTTP/1.1\r\nHost: x\r\n\(jar.header)Content-Type: multipart/form-data; boundary=b\r\nContent-Length: \(3 << 20)\r\n\r\n")
        let refused = try client.readResponse()
        #expect(refused.status == 413)
        #expect(refused.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(refused.text.contains("dung lượng tối đa cho một lần tải lên là 1 MB"))
        #expect(refused.text.contains("the limit for one upload is 1 MB"))

        let bad = try BandoBinary.run(["serve", "--db", server.database, "--port", "0", "--max-upload-mb", "0"])
        #expect(bad.0 != 0 && bad.2.contains("upload limit"))
    }
}
