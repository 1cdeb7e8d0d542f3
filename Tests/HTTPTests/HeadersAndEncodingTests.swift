import Foundation
import Glibc
import Testing
@testable import HTTP

@Suite struct HeadersAndEncodingTests {
    /// Names compare ignoring ASCII case only, on native strings, substrings and bridged text alike.
    @Test func namesCompareIgnoringASCIICaseOnly() {
        let pairs: [(String, String, Bool)] = [
            ("Content-Type", "content-type", true), ("ETAG", "ETag", true), ("Vary", "Varz", false),
            ("X-Tên", "x-tên", true), ("X-TÊN", "x-tên", false), ("", "", true), ("A", "AB", false),
            ("[", "{", false), ("@", "`", false),
        ]
        for (a, b, same) in pairs {
            #expect(HTTPHeaders.sameName(a, b) == same, "\(a) / \(b)")
            #expect(HTTPHeaders.sameName(a[...], b) == same, "\(a) / \(b) as a substring")
            let bridged = String(decoding: Array(b.utf8), as: UTF8.self) as NSString as String
            #expect(HTTPHeaders.sameName(a, bridged) == same, "\(a) / \(b) bridged")
        }
        let keepAlive = "Connection: keep-alive, Upgrade".split(separator: ":")[1]
        let headers: HTTPHeaders = ["Connection": String(keepAlive)]
        #expect(headers.hasToken("UPGRADE", in: "connection"))
    }

    @Test func headersAreOrderedAndCaseInsensitive() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain"]
        headers.add("Set-Cookie", "a=1")
        headers.add("set-cookie", "b=2")
        #expect(headers["CONTENT-TYPE"] == "text/plain")
        #expect(headers.values("Set-Cookie") == ["a=1", "b=2"])
        headers["SET-COOKIE"] = "c=3"
        #expect(headers.values("set-cookie") == ["c=3"])
        headers["content-type"] = nil
        #expect(headers["Content-Type"] == nil)
        #expect(headers.map(\.name) == ["Set-Cookie"])
    }

    @Test func gzipRoundTripsAndHonoursAcceptEncoding() throws {
        let text = Array(String(repeating: "Thửa đất số 12, tờ bản đồ 4. ", count: 100).utf8)
        let packed = try #require(Gzip.compress(text))
        #expect(packed.prefix(2) == [0x1F, 0x8B])
        #expect(packed.count < text.count / 5)
        #expect(Gzip.decompress(packed) == text)
        #expect(Gzip.accepts("gzip, deflate, br"))
        #expect(Gzip.accepts("br;q=1.0, GZIP;q=0.5"))
        #expect(!Gzip.accepts("gzip;q=0"))
        #expect(!Gzip.accepts("identity"))
        #expect(Gzip.accepts("*"))
        #expect(!Gzip.accepts(nil))
        #expect(Gzip.isCompressible(contentType: "application/json; charset=utf-8"))
        #expect(Gzip.isCompressible(contentType: "application/geo+json"), "GeoJSON downloads are compressed")
        #expect(!Gzip.isCompressible(contentType: "image/png"))
    }

    func wire(_ response: Response, _ request: Request?, closeAfter: Bool = false) throws -> String {
        let outgoing = try ResponseEncoder.encode(response, for: request, closeAfter: closeAfter)
        var fds: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        #expect(outgoing.write(to: fds[0]) == .done)
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = read(fds[1], &buffer, buffer.count)
        return String(decoding: buffer[0..<max(0, n)], as: UTF8.self)
    }

    @Test func encoderAddsFramingAndDropsBodyForHeadAnd304() throws {
        let get = try Request(method: .GET, target: "/")
        let text = try wire(.text("hi"), get)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(text.contains("\r\nContent-Length: 2\r\n"))
        #expect(text.contains("\r\nDate: "))
        #expect(text.hasSuffix("\r\n\r\nhi"))
        let head = try wire(.text("hi"), try Request(method: .HEAD, target: "/"))
        #expect(head.contains("Content-Length: 2\r\n"))
        #expect(head.hasSuffix("\r\n\r\n"))
        let notModified = try wire(Response(status: 304, headers: ["ETag": "\"x\""]), get)
        #expect(!notModified.contains("Content-Length"))
        #expect(notModified.hasPrefix("HTTP/1.1 304 Not Modified\r\n"))
        let closing = try wire(.text("bye"), get, closeAfter: true)
        #expect(closing.contains("Connection: close\r\n"))
    }

    @Test func headerValuesCannotSplitTheResponse() throws {
        var response = Response.text("x")
        response.headers["X-Evil"] = "a\r\nSet-Cookie: pwned=1"
        let text = try wire(response, try Request(method: .GET, target: "/"))
        #expect(!text.contains("\r\nSet-Cookie"))
    }

    @Test func dateHeaderIsCachedAndWellFormed() {
        let first = String(decoding: HTTPDate.now(), as: UTF8.self)
        #expect(first.count == 29)
        #expect(first.hasSuffix(" GMT"))
        #expect(HTTPDate.format(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    @Test func errorPageEscapesTheMessage() {
        let response = HTTPError(404, "<script>alert(1)</script>").defaultResponse
        guard case .bytes(let bytes) = response.body else {
            Issue.record("expected bytes")
            return
        }
        let html = String(decoding: bytes, as: UTF8.self)
        #expect(html.contains("&lt;script&gt;"))
        #expect(!html.contains("<script>"))
        #expect(response.status == 404)
    }
}
