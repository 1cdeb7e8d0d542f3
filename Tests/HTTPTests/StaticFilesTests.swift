import Foundation
import Glibc
import Testing
@testable import HTTP

@Suite struct StaticFilesTests {
    let folder: TemporaryFolder
    let outside: TemporaryFolder
    let files: StaticFiles

    init() throws {
        folder = try TemporaryFolder()
        outside = try TemporaryFolder()
        try folder.write("app.js", "console.log(1)")
        try folder.write("css/site.css", "body{}")
        try folder.write(".env", "SECRET=1")
        try folder.write("big.bin", [UInt8](repeating: 7, count: 100_000))
        try outside.write("secret.txt", "top secret")
        symlink(outside.path + "/secret.txt", folder.path + "/escape.txt")
        symlink(folder.path + "/app.js", folder.path + "/alias.js")
        files = StaticFiles(root: folder.path, maxAge: 60)
    }

    func get(_ relative: String, _ headers: HTTPHeaders = HTTPHeaders()) throws -> Response {
        files.respond(to: try Request(method: .GET, target: "/", headers: headers), relativePath: relative)
    }

    @Test func servesFilesWithValidators() throws {
        let response = try get("css/site.css")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "text/css; charset=utf-8")
        #expect(response.headers["Cache-Control"] == "public, max-age=60")
        guard case .bytes(let bytes) = response.body else {
            Issue.record("a small file is served from memory")
            return
        }
        #expect(bytes == Array("body{}".utf8))
        guard case .file(let path, let size) = try get("big.bin").body else {
            Issue.record("a large file is streamed from disk")
            return
        }
        #expect(size == 100_000)
        #expect(path.hasSuffix("/big.bin"))
        let etag = try #require(response.headers["ETag"])
        #expect(try get("css/site.css", ["If-None-Match": "\"other\", \(etag)"]).status == 304)
        #expect(try get("css/site.css", ["If-None-Match": "\"other\""]).status == 200)
        #expect(try get("css/site.css", ["If-Modified-Since": response.headers["Last-Modified"] ?? ""]).status == 304)
        #expect(try get("app.js").headers["Content-Type"] == "text/javascript; charset=utf-8")
        #expect(try get("alias.js").status == 200)
    }

    @Test func changedFilesAreRevalidatedAndGzipIsCached() throws {
        let css = String(repeating: ".a { color: red; }\n", count: 50)
        try folder.write("live.css", css)
        let first = try get("live.css", ["Accept-Encoding": "gzip"])
        #expect(first.headers["Content-Encoding"] == "gzip")
        #expect(first.headers["Vary"] == "Accept-Encoding")
        guard case .bytes(let packed) = first.body else {
            Issue.record("expected bytes")
            return
        }
        #expect(Gzip.decompress(packed) == Array(css.utf8))
        let etag = try #require(first.headers["ETag"])
        #expect(etag.hasPrefix("W/\""))
        try folder.write("live.css", css + "/* changed */")
        let second = try get("live.css")
        #expect(second.headers["ETag"] != String(etag.dropFirst(2)))
        guard case .bytes(let plain) = second.body else {
            Issue.record("expected bytes")
            return
        }
        #expect(plain == Array((css + "/* changed */").utf8))
        unlink(folder.path + "/live.css")
        #expect(try get("live.css").status == 404)
    }

    @Test(arguments: ["../secret.txt", "css/../../x", "/etc/passwd", "css/..", "..", "escape.txt", ".env",
                      "css", "missing.css", "app.js\u{0}.png", "css\\site.css", ""])
    func refusesAnythingOutsideTheRoot(_ relative: String) throws {
        #expect(try get(relative).status == 404)
    }

    @Test func encodedTraversalThroughTheRouterIs404() throws {
        let router = Router()
        let files = self.files
        router.get("/static/*path") { files.respond(to: $0, relativePath: $0.parameters["path"] ?? "") }
        let response = try router.handler(try Request(method: .GET, target: "/static/%2e%2e/%2E%2E/etc/passwd"))
        #expect(response.status == 404)
    }
}
