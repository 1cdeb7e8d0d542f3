import Foundation
import Glibc
import Testing
@testable import HTTP

@Suite struct ServerTests {
    static func router() -> Router {
        let router = Router()
        router.get("/hello") { _ in .text("hello") }
        router.get("/big") { _ in .text(String(repeating: "Bando ban do ", count: 400)) }
        router.get("/large") { _ in
            Response(status: 200, headers: ["Content-Type": "application/octet-stream"],
                     body: .bytes((0..<4_000_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }))
        }
        router.post("/echo-size") { request in
            switch request.body {
            case .none: .text("none")
            case .bytes(let bytes): .text("bytes:\(bytes.count)")
            case .file(let path, let size): .text("file:\(size):\(path)")
            }
        }
        return router
    }

    @Test func routeAnswers200WithFraming() throws {
        try withServer(handler: Self.router().handler) { port, _ in
            let client = try RawClient(port: port)
            try client.send(get("/hello"))
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "hello")
            #expect(response.headers["Content-Length"] == "5")
            #expect(response.headers["Date"]?.hasSuffix("GMT") == true)
        }
    }

    @Test func unknownPathIs404() throws {
        try withServer(handler: Self.router().handler) { port, _ in
            let client = try RawClient(port: port)
            try client.send(get("/nowhere"))
            let response = try client.readResponse()
            #expect(response.status == 404)
            #expect(response.text.contains("404 Not Found"))
        }
    }

    @Test func keepAliveServesTwoRequestsOnOneConnection() throws {
        try withServer(handler: Self.router().handler) { port, _ in
            let client = try RawClient(port: port)
            try client.send(get("/hello"))
            #expect(try client.readResponse().text == "hello")
            try client.send(get("/nowhere"))
            #expect(try client.readResponse().status == 404)
        }
    }

    @Test func pipelinedRequestsAnswerInOrder() throws {
        try withServer(handler: Self.router().handler) { port, _ in
            let client = try RawClient(port: port)
            try client.send(get("/hello") + get("/nowhere") + "POST /echo-size HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc" + get("/hello"))
            #expect(try client.readResponse().status == 200)
            #expect(try client.readResponse().status == 404)
            #expect(try client.readResponse().text == "bytes:3")
            #expect(try client.readResponse().text == "hello")
        }
    }

    @Test func malformedRequestGets400AndServerStaysUp() throws {
        try withServer(handler: Self.router().handler) { port, _ in
            let bad = try RawClient(port: port)
            try bad.send("GARBAGE\u{1}\r\n\r\n")
            let response = try bad.readResponse()
            #expect(response.status == 400)
            #expect(response.headers["Connection"] == "close")
            #expect(bad.waitForClose(seconds: 2))
            let good = try RawClient(port: port)
            try good.send(get("/hello"))
            #expect(try good.readResponse().status == 200)
        }
    }

    @Test func bodyLongerThanDeclaredIsParsedAsNextRequest() throws {
        try withServer(handler: Self.router().handler) { port, _ in
            let client = try RawClient(port: port)
            try client.send("POST /echo-size HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nabcdef\r\n\r\n")
            #expect(try client.readResponse().text == "bytes:2")
            #expect(try client.readResponse().status == 400)
        }
    }

    @Test func declaredBodyAboveLimitGets413() throws {
        try withServer({ $0.maxBodyBytes = 1000 }, handler: Self.router().handler) { port, _ in
            let client = try RawClient(port: port)
            try client.send("POST /echo-size HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n")
            #expect(try client.readResponse().status == 413)
            #expect(client.waitForClose(seconds: 2))
        }
    }

    @Test func refusedUploadStillDeliversThe413() throws {
        try withServer({ $0.maxBodyBytes = 1000 }, handler: Self.router().handler) { port, _ in
            let client = try RawClient(port: port)
            try client.send("POST /echo-size HTTP/1.1\r\nHost: t\r\nContent-Length: 8000000\r\n\r\n")
            // Far more than socket buffers hold: the client is still sending when the 413 goes out.
            try client.send([UInt8](repeating: 0x62, count: 8_000_000))
            let response = try client.readResponse()
            #expect(response.status == 413)
            #expect(client.waitForClose(seconds: 3))
        }
    }

    @Test func connectionCloseIsHonoured() throws {
        try withServer(handler: Self.router().handler) { port, _ in
            let client = try RawClient(port: port)
            try client.send(get("/hello", "Connection: close\r\n"))
            let response = try client.readResponse()
            #expect(response.headers["Connection"] == "close")
            #expect(client.waitForClose(seconds: 2))
        }
    }

    @Test func http10ClosesUnlessKeepAliveAsked() throws {
        try withServer(handler: Self.router().handler) { port, _ in
            let kept = try RawClient(port: port)
            try kept.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try kept.readResponse().headers["Connection"] == "keep-alive")
            try kept.send("GET /hello HTTP/1.0\r\n\r\n")
            #expect(try kept.readResponse().text == "hello")
            #expect(kept.waitForClose(seconds: 2))
        }
    }

    @Test func headSendsLengthWithoutBody() throws {
        try withServer(handler: Self.router().handler) { port, _ in
            let client = try RawClient(port: port)
            try client.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n" + get("/hello"))
            let head = try client.readResponse(head: true)
            #expect(head.status == 200)
            #expect(head.headers["Content-Length"] == "5")
            // The next bytes on the wire are the second response, not a body.
            let second = try client.readResponse()
            #expect(second.text == "hello")
        }
    }

    @Test func gzipWhenAcceptedOnly() throws {
        try withServer(handler: Self.router().handler) { port, _ in
            let client = try RawClient(port: port)
            try client.send(get("/big", "Accept-Encoding: gzip, deflate\r\n"))
            let zipped = try client.readResponse()
            #expect(zipped.headers["Content-Encoding"] == "gzip")
            #expect(zipped.headers["Vary"] == "Accept-Encoding")
            let expected = String(repeating: "Bando ban do ", count: 400)
            #expect(zipped.body.count < expected.utf8.count / 4)
            #expect(Gzip.decompress(zipped.body).map { String(decoding: $0, as: UTF8.self) } == expected)
            try client.send(get("/big"))
            let plain = try client.readResponse()
            #expect(plain.headers["Content-Encoding"] == nil)
            #expect(plain.headers["Vary"] == "Accept-Encoding")
            #expect(plain.text == expected)
        }
    }

    @Test func largeUploadBecomesTemporaryFileDeletedAfterResponse() throws {
        try withServer(handler: Self.router().handler) { port, _ in
            let client = try RawClient(port: port, timeout: 20)
            let size = 5 * 1024 * 1024
            try client.send("POST /echo-size HTTP/1.1\r\nHost: t\r\nContent-Length: \(size)\r\n\r\n")
            try client.send([UInt8](repeating: 0x61, count: size))
            let response = try client.readResponse()
            let parts = response.text.split(separator: ":")
            #expect(parts.first == "file")
            #expect(parts.count == 3 && parts[1] == "\(size)")
            if parts.count == 3 { #expect(access(String(parts[2]), F_OK) != 0) }
        }
    }

    @Test func chunkedUploadIsDecoded() throws {
        try withServer(handler: Self.router().handler) { port, _ in
            let client = try RawClient(port: port)
            try client.send("POST /echo-size HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n")
            #expect(try client.readResponse().text == "bytes:11")
            try client.send("POST /echo-size HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
            #expect(try client.readResponse().status == 400)
        }
    }

    @Test func expectContinueGetsInterimResponse() throws {
        try withServer(handler: Self.router().handler) { port, _ in
            let client = try RawClient(port: port)
            try client.send("POST /echo-size HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
            #expect(try client.readThrough("\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n")
            try client.send("abcd")
            #expect(try client.readResponse().text == "bytes:4")
        }
    }

    @Test func slowReaderGetsWholeLargeBodyAndConnectionIsReused() throws {
        try withServer(handler: Self.router().handler) { port, _ in
            let client = try RawClient(port: port, timeout: 10)
            try client.send(get("/large"))
            usleep(300_000)   // the socket fills; the rest is written as the client drains it
            let response = try client.readResponse()
            #expect(response.body.count == 4_000_000)
            #expect(response.body == (0..<4_000_000).map { UInt8(truncatingIfNeeded: $0 &* 13) })
            try client.send(get("/hello"))
            #expect(try client.readResponse().text == "hello")
        }
    }

    @Test func connectionsAboveTheLimitAreClosed() throws {
        try withServer({ $0.maxConnections = 2 }, handler: Self.router().handler) { port, _ in
            let first = try RawClient(port: port)
            let second = try RawClient(port: port)
            try first.send(get("/hello"))
            #expect(try first.readResponse().status == 200)
            try second.send(get("/hello"))
            #expect(try second.readResponse().status == 200)
            let third = try RawClient(port: port)
            #expect(third.waitForClose(seconds: 2))
        }
    }
}
