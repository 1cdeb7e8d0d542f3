import Foundation
import Testing
@testable import HTTP

/// The status of the HTTPError `body` throws, nil when it succeeds.
func statusOf(_ body: () throws -> Void) -> Int? {
    do {
        try body()
        return nil
    } catch let error as HTTPError {
        return error.status
    } catch {
        return -1
    }
}

@Suite struct BodyParsingTests {
    func formRequest(_ body: String, type: String = "application/x-www-form-urlencoded") throws -> Request {
        try Request(method: .POST, target: "/f", headers: ["Content-Type": type], body: .bytes(Array(body.utf8)))
    }

    @Test func formFieldsAreDecodedInOrder() throws {
        let fields = try formRequest("name=H%C3%A0+N%E1%BB%99i&tag=a&tag=b&empty=&flag").formFields()
        #expect(fields.map(\.name) == ["name", "tag", "tag", "empty", "flag"])
        #expect(fields.map(\.value) == ["Hà Nội", "a", "b", "", ""])
    }

    @Test func badFormEncodingIs400AndWrongTypeIs415() throws {
        #expect(statusOf { _ = try formRequest("a=%zz").formFields() } == 400)
        #expect(statusOf { _ = try formRequest("a=%E1%BB").formFields() } == 400)
        #expect(statusOf { _ = try formRequest("a=1", type: "text/plain").formFields() } == 415)
    }

    static func multipartBody(boundary: String, fileBytes: [UInt8]) -> [UInt8] {
        var body = Array("preamble to ignore\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nBản đồ\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"roads \\\"v2\\\".geojson\"\r\nContent-Type: application/geo+json\r\n\r\n".utf8)
        body += fileBytes
        body += Array("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n--\(boundary)--\r\nepilogue".utf8)
        return body
    }

    @Test func multipartPartsFromMemory() throws {
        let boundary = "----BandoBoundary7MA4YWxk"
        let file = Array("{\"type\":\"FeatureCollection\",\"features\":[]}\r\n--almost".utf8)
        let request = try Request(method: .POST, target: "/up",
                                  headers: ["Content-Type": "multipart/form-data; boundary=\"\(boundary)\""],
                                  body: .bytes(Self.multipartBody(boundary: boundary, fileBytes: file)))
        let parts = try request.multipartParts()
        #expect(parts.map(\.name) == ["title", "upload", "empty"])
        #expect(parts[0].bytes.map { String(decoding: $0, as: UTF8.self) } == "Bản đồ")
        #expect(parts[1].filename == "roads \"v2\".geojson")
        #expect(parts[1].contentType == "application/geo+json")
        #expect(parts[1].bytes == file)
        #expect(parts[2].bytes == [])
    }

    @Test func multipartStreamsFromAFileAndSpillsLargeParts() throws {
        let folder = try TemporaryFolder()
        let boundary = "xyzBOUNDARYxyz"
        let big = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let bodyBytes = Self.multipartBody(boundary: boundary, fileBytes: big)
        try folder.write("body", bodyBytes)
        var request = try Request(method: .POST, target: "/up",
                                  headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"],
                                  body: .file(path: folder.path + "/body", size: bodyBytes.count))
        request.bodyStorage = BodyStorage(memoryThreshold: 64 * 1024, temporaryDirectory: folder.path)
        let parts = try request.multipartParts()
        #expect(parts.count == 3)
        guard case .file(let path, let size) = parts[1].body else {
            Issue.record("the large part should be a file")
            return
        }
        #expect(size == big.count)
        #expect(FileManager.default.contents(atPath: path).map { Array($0) } == big)
        #expect(parts[0].bytes.map { String(decoding: $0, as: UTF8.self) } == "Bản đồ")
        request.bodyStorage.removeAll()
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test(arguments: [
        "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end",
        "--b\r\nNo-Disposition: x\r\n\r\nv\r\n--b--",
        "--b\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--b--",
        "--bXX\r\n",
        "",
    ])
    func malformedMultipartIs400(_ body: String) throws {
        let request = try Request(method: .POST, target: "/", headers: ["Content-Type": "multipart/form-data; boundary=b"],
                                  body: .bytes(Array(body.utf8)))
        #expect(statusOf { _ = try request.multipartParts() } == 400)
    }

    @Test func multipartNeedsABoundary() throws {
        let request = try Request(method: .POST, target: "/", headers: ["Content-Type": "multipart/form-data"], body: .bytes([]))
        #expect(statusOf { _ = try request.multipartParts() } == 415)
    }
}

@Suite struct CookieTests {
    @Test func parsesCookieHeaders() {
        let cookies = Cookie.parse(["sid=abc123; theme=\"dark\"; broken; =nameless", "sid=second; lang=vi"])
        #expect(cookies == ["sid": "abc123", "theme": "dark", "lang": "vi"])
    }

    @Test func formatsSetCookie() {
        #expect(Cookie(name: "sid", value: "abc").headerValue == "sid=abc; Path=/; HttpOnly; SameSite=Lax")
        let full = Cookie(name: "sid", value: "a b;c", path: "/admin", maxAge: 3600, httpOnly: false, secure: true, sameSite: "Strict")
        #expect(full.headerValue == "sid=a%20b%3Bc; Path=/admin; Max-Age=3600; Secure; SameSite=Strict")
        let gone = Cookie(name: "sid", value: "", maxAge: 0, sameSite: nil)
        #expect(gone.headerValue == "sid=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly")
        var response = Response.redirect(to: "/")
        response.setCookie(Cookie(name: "a", value: "1"))
        response.setCookie(Cookie(name: "b", value: "2"))
        #expect(response.headers.values("set-cookie").count == 2)
        #expect(response.status == 303)
        #expect(response.headers["Location"] == "/")
    }

    @Test func requestCarriesParsedCookies() throws {
        let request = try Request(method: .GET, target: "/", headers: ["Cookie": "sid=xyz"])
        #expect(request.cookies["sid"] == "xyz")
    }
}
