import Foundation
import Glibc
import Testing
@testable import HTTP

@Suite struct StaticServingTests {
    @Test func staticFileHasETagThen304() throws {
        let root = try TemporaryFolder()
        let css = String(repeating: "body { color: #123456; }\n", count: 40)
        try root.write("bando.css", css)
        let big = [UInt8]((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try root.write("tiles.bin", big)
        let files = StaticFiles(root: root.path)
        let router = Router()
        router.get("/static/*path") { request in files.respond(to: request, relativePath: request.parameters["path"] ?? "") }
        try withServer(handler: router.handler) { port, _ in
            let client = try RawClient(port: port)
            try client.send(get("/static/bando.css"))
            let first = try client.readResponse()
            #expect(first.status == 200)
            #expect(first.text == css)
            #expect(first.headers["Content-Type"] == "text/css; charset=utf-8")
            #expect(first.headers["Cache-Control"] == "public, max-age=3600")
            #expect(first.headers["Last-Modified"]?.hasSuffix("GMT") == true)
            let etag = try #require(first.headers["ETag"])
            try client.send(get("/static/bando.css", "If-None-Match: \(etag)\r\n"))
            let second = try client.readResponse()
            #expect(second.status == 304)
            #expect(second.body.isEmpty)
            #expect(second.headers["ETag"] == etag)
            // Gzipped variant: weak ETag, still validates.
            try client.send(get("/static/bando.css", "Accept-Encoding: gzip\r\n"))
            let zipped = try client.readResponse()
            #expect(zipped.headers["ETag"] == "W/" + etag)
            #expect(Gzip.decompress(zipped.body) == Array(css.utf8))
            try client.send(get("/static/bando.css", "If-None-Match: W/\(etag)\r\n"))
            #expect(try client.readResponse().status == 304)
            // Large files go out with sendfile, byte for byte.
            try client.send(get("/static/tiles.bin"))
            let binary = try client.readResponse()
            #expect(binary.headers["Content-Type"] == "application/octet-stream")
            #expect(binary.body == big)
            try client.send(get("/static/missing.css"))
            #expect(try client.readResponse().status == 404)
            try client.send(get("/static/%2e%2e/%2e%2e/etc/passwd"))
            #expect(try client.readResponse().status == 404)
        }
    }
}

/// A folder under the system temporary directory, deleted with the value.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "/bando-http-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ name: String, _ text: String) throws { try write(name, Array(text.utf8)) }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: path + "/" + name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }
}
