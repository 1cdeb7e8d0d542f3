import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The portal as a user meets it: the real binary, a real socket, the demo province.
@Suite(.serialized) struct ServerEndToEndTests {
    @Test func pagesStaticFilesAndErrorsOverARealSocket() throws {
        let server = try ServerProcess(); defer { server.stop() }
        let client = try RawClient(port: server.port)

        let home = try client.get("/")
        #expect(home.status == 200)
        #expect(home.text.contains("/layers/co-so-y-te"))
        #expect(!home.text.contains("diem-quan-trac-moi-truong"))

        // Same connection: keep-alive reuse.
        let layer = try client.get("/layers/co-so-y-te")
        #expect(layer.status == 200)
        #expect(layer.text.contains("Cơ sở y tế"))

        let css = try client.get("/static/bando.css")
        #expect(css.status == 200)
        let etag = try #require(css.header("ETag"))
        let notModified = try client.get("/static/bando.css", headers: "If-None-Match: \(etag)\r\n")
        #expect(notModified.status == 304)
        #expect(notModified.body.isEmpty)

        let missing = try client.get("/no/such/page")
        #expect(missing.status == 404)
        #expect(missing.text.contains("Không tìm thấy trang"))

        let gz = try client.get("/", headers: "Accept-Encoding: gzip\r\n")
        #expect(gz.header("Content-Encoding") == "gzip")
        #expect(gz.body.count < home.body.count)

        let health = try client.get("/healthz")
        #expect(health.status == 200 && health.text.contains("\"state\":\"ok\""))
    }

    @Test func malformedRequestGets400AndTheServerGoesOn() throws {
        let server = try ServerProcess(); defer { server.stop() }
        let hostile = [
            "GARBAGE\r\n\r\n",
            "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: t\r\nHost x\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 70_000))\r\n\r\n",
        ]
        for bytes in hostile {
            let bad = try RawClient(port: server.port)
            try bad.send(bytes)
            let response = try bad.readResponse()
            #expect((400...431).contains(response.status), "\(bytes.prefix(30)) → \(response.status)")
        }
        let good = try RawClient(port: server.port)
        #expect(try good.get("/").status == 200)
    }

    @Test func bodyOverTheLimitGets413() throws {
        let server = try ServerProcess(); defer { server.stop() }
        let client = try RawClient(port: server.port)
        try client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\n")
        #expect(try client.readResponse().status == 413)
        #expect(try RawClient(port: server.port).get("/healthz").status == 200)
    }

    @Test func silentHalfRequestsDoNotBlockOthers() throws {
        let server = try ServerProcess(extraArguments: ["--workers", "2"]); defer { server.stop() }
        var silent: [RawClient] = []
        for _ in 0..<6 {
            let client = try RawClient(port: server.port)
            try client.send("GET / HTTP/1.1\r\nHost: x\r\n")   // no blank line: the request never ends
            silent.append(client)
        }
        let started = Date()
        let response = try RawClient(port: server.port, timeout: 5).get("/healthz")
        #expect(response.status == 200)
        #expect(Date().timeIntervalSince(started) < 2, "answered while six clients hold half requests")
        #expect(silent.count == 6)
    }

    @Test func sigtermFinishesTheResponseInFlightAndExitsZero() throws {
        // A copy of the resources with one large static file, so a response is still being
        // written when the signal arrives.
        let folder = NSTemporaryDirectory() + "bando-e2e-res-" + UUID().uuidString
        for name in ["Templates", "locales", "migrations", "Public"] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: BandoBinary.repositoryRoot + "/" + name, toPath: folder + "/" + name)
        }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let size = 48 << 20
        var big = [UInt8](repeating: 0, count: size)
        for i in stride(from: 0, to: size, by: 4096) { big[i] = UInt8(truncatingIfNeeded: i / 4096) }
        try Data(big).write(to: URL(fileURLWithPath: folder + "/Public/big.bin"))

        let server = try ServerProcess(environment: ["BANDO_RESOURCES": folder])
        let client = try RawClient(port: server.port, timeout: 20)
        try client.send("GET /static/big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
        usleep(200_000)   // the response has started; the client has not read it yet
        kill(server.process.processIdentifier, SIGTERM)
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.body.count == size, "the whole file arrived after SIGTERM")
        #expect(response.body == big)
        #expect(server.stop() == 0, "exit status 0")
        #expect(throws: (any Error).self, "no new connections after shutdown") { try RawClient(port: server.port).get("/") }
    }
}

/// `/metrics` of a running server counts what it served.
@Suite struct MetricsEndToEndTests {
    @Test func aRunningServerCountsRequestsTilesAndItsQueue() throws {
        let server = try ServerProcess(extraArguments: ["--metrics-from", "10.99.0.0/16"])
        defer { server.stop() }
        #expect(try RawClient(port: server.port).get("/layers/co-so-y-te").status == 200)
        #expect(try RawClient(port: server.port).get("/tiles/co-so-y-te/10/815/451.png").status == 200)
        #expect(try RawClient(port: server.port).get("/tiles/co-so-y-te/10/815/451.png").status == 200)
        #expect(try RawClient(port: server.port).get("/khong-co").status == 404)
        var jar = AuthEndToEndTests.Jar(port: server.port)
        #expect(try jar.signIn("syt.viewer", "e2e-password-1").status == 303)
        let metrics = try RawClient(port: server.port).get("/metrics")
        #expect(metrics.status == 200)
        let text = metrics.text
        #expect(text.contains(#"bando_http_requests_total{route="/layers/:slug",method="GET",status="200"} 1"#), "\(text)")
        #expect(text.contains(#"bando_http_requests_total{route="unrouted",method="GET",status="404"} 1"#))
        #expect(text.contains(#"bando_tile_cache_total{result="hit"} 1"#))
        #expect(text.contains(#"bando_tile_cache_total{result="miss"} 1"#))
        #expect(text.contains("bando_handler_threads "))
        #expect(text.contains("bando_db_write_wait_seconds_count"))
        let bad = try BandoBinary.run(["serve", "--db", server.database, "--port", "0", "--metrics-from", "10.0.0.0/33"])
        #expect(bad.0 != 0 && bad.2.contains("--metrics-from: 10.0.0.0/33 is not an address range"), "\(bad.2)")
    }
}

/// Every answer of a running server carries the security headers, error pages and refusals too.
@Suite struct SecurityHeadersEndToEndTests {
    static let headers = ["Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"]

    @Test func errorPagesCarryTheHeadersAndNoCSRFToken() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        var answers: [(String, RawClient.Response)] = []
        answers.append(("404", try RawClient(port: server.port).get("/khong-co")))
        let delete = try RawClient(port: server.port)
        try delete.send("DELETE / HTTP/1.1\r\nHost: t\r\n\r\n")
        answers.append(("405", try delete.readResponse()))
        let broken = try RawClient(port: server.port)
        try broken.send("GET / HTTP/1.1\r\n\r\n")
        answers.append(("400 without Host", try broken.readResponse()))
        let large = try RawClient(port: server.port)
        try large.send("POST /login HTTP/1.1\r\nHost: t\r\nContent-Length: 5000000\r\n\r\n")
        answers.append(("413", try large.readResponse()))
        for (name, response) in answers {
            #expect(String(response.status) == name.prefix(3), "\(name): \(response.status)")
            for header in Self.headers { #expect(response.header(header) != nil, "\(name) lacks \(header)") }
        }
        var jar = AuthEndToEndTests.Jar(port: server.port)
        #expect(try jar.signIn("syt.viewer", "e2e-password-1").status == 303)
        let missing = try jar.get("/khong-co")
        #expect(missing.status == 404)
        #expect(!missing.text.contains("name=\"csrf\""), "an error page carries no CSRF token")
        #expect(missing.header("Cache-Control") == "no-store")
    }
}
