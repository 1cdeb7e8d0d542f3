import Foundation
import Testing
@testable import HTTP

/// Byte ranges of file bodies (RFC 9110 §14), which GDAL's /vsicurl/ needs to open a GeoPackage
/// or a zip over HTTP and a download manager needs to resume.
@Suite struct ByteRangeTests {
    @Test func headersResolveAgainstTheFileSize() {
        #expect(ByteRange.parse("bytes=0-99", size: 1000) == .range(0..<100))
        #expect(ByteRange.parse("bytes=900-", size: 1000) == .range(900..<1000))
        #expect(ByteRange.parse("bytes=-100", size: 1000) == .range(900..<1000))
        #expect(ByteRange.parse("bytes=-5000", size: 1000) == .range(0..<1000))
        #expect(ByteRange.parse("bytes=500-99999", size: 1000) == .range(500..<1000), "an end past the file is cut")
        #expect(ByteRange.parse("bytes=1000-", size: 1000) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=-0", size: 1000) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=0-1,5-9", size: 1000) == .whole, "several ranges: the whole file")
        #expect(ByteRange.parse("bytes=9-1", size: 1000) == .whole)
        #expect(ByteRange.parse("items=0-1", size: 1000) == .whole)
        #expect(ByteRange.parse("bytes=a-b", size: 1000) == .whole)
        #expect(ByteRange.parse("bytes=99999999999999999999-", size: 1000) == .whole)
    }

    @Test func filesAnswerOneRangeInlineAndBySendfile() throws {
        let root = try TemporaryFolder()
        let small = [UInt8]((0..<5_000).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        let big = [UInt8]((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try root.write("small.bin", small)
        try root.write("big.bin", big)
        let folder = root.path
        let router = Router()
        router.get("/f/:name") { request in
            let path = folder + "/" + (request.parameters["name"] ?? "")
            var response = Response(status: 200, body: .file(path: path, size: 0))
            response.headers["Content-Type"] = "application/octet-stream"
            response.headers["ETag"] = "\"v1\""
            return response
        }
        try withServer(handler: router.handler) { port, _ in
            let client = try RawClient(port: port)
            try client.send(get("/f/big.bin"))
            let whole = try client.readResponse()
            #expect(whole.status == 200 && whole.headers["Accept-Ranges"] == "bytes" && whole.body == big)
            for (name, bytes) in [("small.bin", small), ("big.bin", big)] {
                try client.send(get("/f/\(name)", "Range: bytes=100-4099\r\n"))
                let part = try client.readResponse()
                #expect(part.status == 206, "\(name)")
                #expect(part.headers["Content-Range"] == "bytes 100-4099/\(bytes.count)")
                #expect(part.body == Array(bytes[100..<4100]))
                try client.send(get("/f/\(name)", "Range: bytes=-10\r\n"))
                #expect(try client.readResponse().body == Array(bytes.suffix(10)))
            }
            try client.send(get("/f/big.bin", "Range: bytes=200000-\r\n"))
            let tail = try client.readResponse()
            #expect(tail.status == 206 && tail.body == Array(big[200_000...]), "a large range goes by sendfile from its offset")
            try client.send(get("/f/small.bin", "Range: bytes=9000-\r\n"))
            let refused = try client.readResponse()
            #expect(refused.status == 416 && refused.headers["Content-Range"] == "bytes */5000")
            try client.send(get("/f/small.bin", "Range: bytes=0-9\r\nIf-Range: \"v0\"\r\n"))
            let stale = try client.readResponse()
            #expect(stale.status == 200 && stale.body == small, "a stale If-Range gets the whole file")
            try client.send(get("/f/small.bin", "Range: bytes=0-9\r\nIf-Range: \"v1\"\r\n"))
            #expect(try client.readResponse().body == Array(small[0..<10]))
        }
    }
}
