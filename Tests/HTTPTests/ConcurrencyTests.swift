import Dispatch
import Foundation
import Glibc
import Synchronization
import Testing
@testable import HTTP

/// Handlers that block hold handler threads only: the I/O threads keep serving, a full queue
/// answers 503 at once, one address cannot take every thread, and bodies are refused by the
/// route's own limit before any of them is kept.
@Suite struct ConcurrencyTests {
    /// A gate that blocked handlers wait on until the test opens it, counting who arrived.
    final class Gate: Sendable {
        let semaphore = DispatchSemaphore(value: 0)
        let arrived = Atomic<Int>(0)

        func pass() {
            arrived.add(1, ordering: .sequentiallyConsistent)
            semaphore.wait()
        }

        func open(_ count: Int) { for _ in 0..<count { semaphore.signal() } }

        /// Waits until `count` handlers are blocked inside (at most 5 s).
        func waitForArrivals(_ count: Int) -> Bool {
            for _ in 0..<500 {
                if arrived.load(ordering: .sequentiallyConsistent) >= count { return true }
                usleep(10_000)
            }
            return false
        }
    }

    static func router(_ gate: Gate) -> Router {
        let router = Router()
        router.get("/hello") { _ in .text("hello") }
        router.get("/static", inline: true) { _ in .text("from the I/O thread") }
        router.get("/block") { _ in
            gate.pass()
            return .text("unblocked")
        }
        router.post("/form") { request in .text("form:\(request.body.count)") }
        router.post("/upload", maxBody: 4 << 20) { request in .text("upload:\(request.body.count)") }
        return router
    }

    @Test func blockedHandlersDoNotStopTheOthers() throws {
        let gate = Gate()
        // The default pool: well above the core count, which was once the whole pool.
        try withServer({ $0.workers = ServerConfiguration.defaultWorkers }, handler: Self.router(gate).handler) { port, _ in
            #expect(ServerConfiguration.defaultWorkers > ProcessInfo.processInfo.activeProcessorCount + 2)
            let blocked = try (0..<3).map { _ in try RawClient(port: port, timeout: 10) }
            for client in blocked { try client.send(get("/block")) }
            #expect(gate.waitForArrivals(3))
            for _ in 0..<5 {
                let other = try RawClient(port: port, timeout: 5)
                try other.send(get("/hello"))
                #expect(try other.readResponse().text == "hello")
            }
            gate.open(3)
            for client in blocked { #expect(try client.readResponse().text == "unblocked") }
        }
    }

    @Test func fullQueueAnswers503AtOnceAndRecovers() throws {
        let gate = Gate()
        try withServer({ $0.workers = 1; $0.maxQueuedRequests = 1; $0.maxRequestsPerClient = 100 },
                       handler: Self.router(gate).handler) { port, _ in
            let running = try RawClient(port: port, timeout: 10)
            try running.send(get("/block"))
            #expect(gate.waitForArrivals(1))
            let queued = try RawClient(port: port, timeout: 10)
            try queued.send(get("/block"))
            usleep(100_000)
            let refused = try RawClient(port: port, timeout: 5)
            try refused.send(get("/hello"))
            let answer = try refused.readResponse()
            #expect(answer.status == 503)
            #expect(answer.headers["Retry-After"] == "1")
            gate.open(2)
            #expect(try running.readResponse().text == "unblocked")
            #expect(try queued.readResponse().text == "unblocked")
            // The refused connection stays usable once there is room again.
            try refused.send(get("/hello"))
            #expect(try refused.readResponse().text == "hello")
        }
    }

    @Test func oneAddressCannotTakeEveryThread() throws {
        let gate = Gate()
        try withServer({ $0.workers = 8; $0.maxRequestsPerClient = 2 }, handler: Self.router(gate).handler) { port, _ in
            let blocked = try (0..<2).map { _ in try RawClient(port: port, timeout: 10) }
            for client in blocked { try client.send(get("/block")) }
            #expect(gate.waitForArrivals(2))
            let third = try RawClient(port: port, timeout: 5)
            try third.send(get("/hello"))
            #expect(try third.readResponse().status == 503)
            gate.open(2)
            for client in blocked { #expect(try client.readResponse().status == 200) }
        }
    }

    @Test func trustedProxyIsExemptFromThePerClientShare() throws {
        let gate = Gate()
        try withServer({ $0.workers = 8; $0.maxRequestsPerClient = 1; $0.isTrustedClient = { $0 == "127.0.0.1" } },
                       handler: Self.router(gate).handler) { port, _ in
            let blocked = try (0..<2).map { _ in try RawClient(port: port, timeout: 10) }
            for client in blocked { try client.send(get("/block")) }
            #expect(gate.waitForArrivals(2))
            let third = try RawClient(port: port, timeout: 5)
            try third.send(get("/hello"))
            #expect(try third.readResponse().text == "hello")
            gate.open(2)
            for client in blocked { #expect(try client.readResponse().status == 200) }
        }
    }

    @Test func connectionsPerAddressAreCapped() throws {
        try withServer({ $0.maxConnectionsPerClient = 2 }, handler: Self.router(Gate()).handler) { port, _ in
            var first: RawClient? = try RawClient(port: port)
            let second = try RawClient(port: port)
            try first?.send(get("/hello"))
            #expect(try first?.readResponse().status == 200)
            try second.send(get("/hello"))
            #expect(try second.readResponse().status == 200)
            let third = try RawClient(port: port)
            #expect(try third.readResponse().status == 503)
            #expect(third.waitForClose(seconds: 2))
            // Once one closes, a new connection is welcome again.
            first = nil
            usleep(200_000)
            let fourth = try RawClient(port: port)
            try fourth.send(get("/hello"))
            #expect(try fourth.readResponse().status == 200)
        }
    }

    @Test func bodyOverTheRoutesLimitIsRefusedBeforeItIsSent() throws {
        let router = Self.router(Gate())
        try withServer({ $0.bodyLimit = { method, path, _ in router.bodyLimit(method, path) } }, handler: router.handler) { port, _ in
            // A form route takes the default 64 KiB: a 10 MB declaration is refused from the head.
            let client = try RawClient(port: port)
            try client.send("POST /form HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000\r\n\r\n")
            #expect(try client.readResponse().status == 413)
            // The upload route declared 4 MiB and takes a 1 MiB body.
            let upload = try RawClient(port: port)
            let body = [UInt8](repeating: 65, count: 1 << 20)
            try upload.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n")
            try upload.send(body)
            #expect(try upload.readResponse().text == "upload:\(1 << 20)")
            // Chunked bodies are counted against the same limit as they arrive.
            let chunked = try RawClient(port: port)
            try chunked.send("POST /form HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n20000\r\n")
            try chunked.send([UInt8](repeating: 66, count: 0x20000))
            #expect(try chunked.readResponse().status == 413)
        }
    }

    @Test func everyResponseCarriesTheConfiguredHeaders() throws {
        let gate = Gate()
        try withServer({ $0.workers = 1; $0.maxQueuedRequests = 0; $0.responseHeaders = ["X-Frame-Options": "DENY"] },
                       handler: Self.router(gate).handler) { port, _ in
            let client = try RawClient(port: port)
            try client.send(get("/hello") + get("/nowhere"))
            #expect(try client.readResponse().headers["X-Frame-Options"] == "DENY")
            #expect(try client.readResponse().headers["X-Frame-Options"] == "DENY")
            try client.send("DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().headers["X-Frame-Options"] == "DENY")
            let blocked = try RawClient(port: port, timeout: 10)
            try blocked.send(get("/block"))
            #expect(gate.waitForArrivals(1))
            try client.send(get("/hello"))
            let refused = try client.readResponse()
            #expect(refused.status == 503)
            #expect(refused.headers["X-Frame-Options"] == "DENY")
            gate.open(1)
            #expect(try blocked.readResponse().status == 200)
            let broken = try RawClient(port: port)
            try broken.send("BROKEN\r\n\r\n")
            #expect(try broken.readResponse().headers["X-Frame-Options"] == "DENY")
        }
    }

    @Test func inlineRoutesAnswerWhileEveryHandlerThreadIsHeld() throws {
        let gate = Gate()
        let router = Self.router(gate)
        try withServer({ $0.workers = 1; $0.maxQueuedRequests = 0; $0.runsInline = { router.isInline($0, $1) } },
                       handler: router.handler) { port, _ in
            let blocked = try RawClient(port: port, timeout: 10)
            try blocked.send(get("/block"))
            #expect(gate.waitForArrivals(1))
            let client = try RawClient(port: port, timeout: 5)
            try client.send(get("/static"))
            #expect(try client.readResponse().text == "from the I/O thread")
            try client.send(get("/hello"))
            #expect(try client.readResponse().status == 503, "a blocking route still needs a handler thread")
            gate.open(1)
            #expect(try blocked.readResponse().status == 200)
        }
        #expect(router.isInline(.GET, "/static") && router.isInline(.HEAD, "/static") && !router.isInline(.GET, "/hello"))
    }

    /// Marks responses so a test can tell which path answered, as a middleware would.
    struct Stamp: Middleware {
        func handle(_ request: Request, next: Handler) throws -> Response {
            var response = try next(request)
            response.headers["X-Stamp"] = "1"
            return response
        }
    }

    @Test func fastHandlersAnswerFromMemoryOrHandTheRequestToThePool() throws {
        let gate = Gate()
        let router = Router()
        router.use(Stamp())
        router.get("/tiles/:name", fast: { request in
            request.parameters["name"] == "hot" ? .text("fast \(request.parameters["name"] ?? "")") : nil
        }) { request in
            if request.parameters["name"] == "held" { gate.pass() }
            return .text("pool \(request.parameters["name"] ?? "")")
        }
        try withServer({ $0.workers = 1; $0.maxQueuedRequests = 0; $0.fastPath = router.fastHandler },
                       handler: router.handler) { port, _ in
            let client = try RawClient(port: port, timeout: 5)
            try client.send(get("/tiles/cold"))
            #expect(try client.readResponse().text == "pool cold", "handed on, the route's handler answers")
            // With the only handler thread held, the fast path still answers what it holds.
            let blocked = try RawClient(port: port, timeout: 10)
            try blocked.send(get("/tiles/held"))
            #expect(gate.waitForArrivals(1))
            try client.send(get("/tiles/hot"))
            let hot = try client.readResponse()
            #expect(hot.text == "fast hot" && hot.headers["X-Stamp"] == "1", "through the middleware, on the I/O thread")
            try client.send(get("/tiles/cold"))
            #expect(try client.readResponse().status == 503, "what it hands on needs a handler thread")
            gate.open(1)
            #expect(try blocked.readResponse().text == "pool held")
        }
    }
}
