import Foundation
import Glibc
import Synchronization
import Testing
@testable import HTTP

@Suite struct ServerLifecycleTests {
    @Test func silentClientsHoldNoWorkerAndAreTimedOut() throws {
        let router = Router()
        router.get("/hello") { _ in .text("hello") }
        try withServer({ $0.workers = 2; $0.requestTimeout = 1 }, handler: router.handler) { port, _ in
            var silent: [RawClient] = []
            for _ in 0..<4 {
                let client = try RawClient(port: port)
                try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n")
                silent.append(client)
            }
            let started = Date()
            let client = try RawClient(port: port)
            try client.send(get("/hello"))
            #expect(try client.readResponse().text == "hello")
            #expect(Date().timeIntervalSince(started) < 0.5)
            for quiet in silent {
                let response = try quiet.readResponse()
                #expect(response.status == 408)
                #expect(quiet.waitForClose(seconds: 2))
            }
            #expect(Date().timeIntervalSince(started) < 3)
        }
    }

    @Test func idleKeepAliveConnectionIsClosed() throws {
        let router = Router()
        router.get("/hello") { _ in .text("hello") }
        try withServer({ $0.keepAliveTimeout = 0.5 }, handler: router.handler) { port, _ in
            let client = try RawClient(port: port)
            try client.send(get("/hello"))
            #expect(try client.readResponse().status == 200)
            let started = Date()
            #expect(client.waitForClose(seconds: 3))
            #expect(Date().timeIntervalSince(started) < 2)
        }
    }

    @Test func shutdownFinishesInFlightRequestThenRefusesConnections() throws {
        let router = Router()
        router.get("/slow") { _ in
            usleep(600_000)
            return .text("finished")
        }
        let server = HTTPServer(configuration: ServerConfiguration(port: 0, workers: 2), handler: router.handler)
        let port = try server.start()
        let idle = try RawClient(port: port)
        let client = try RawClient(port: port)
        try client.send(get("/slow"))
        usleep(200_000)
        server.shutdown()
        server.shutdown()
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "finished")
        #expect(response.headers["Connection"] == "close")
        #expect(idle.waitForClose(seconds: 2))
        server.wait()
        #expect(throws: RawClientError.self) { _ = try RawClient(port: port) }
    }

    @Test func secondServerOnSamePortReportsAddressInUse() throws {
        let first = HTTPServer(configuration: ServerConfiguration(port: 0), handler: { _ in .text("") })
        let port = try first.start()
        defer { first.shutdown(); first.wait() }
        let second = HTTPServer(configuration: ServerConfiguration(port: port), handler: { _ in .text("") })
        do {
            _ = try second.start()
            Issue.record("the second server should not bind")
        } catch let error as ServerError {
            #expect(error.description == "cannot listen on 127.0.0.1:\(port): address already in use")
        }
    }

    @Test func errorPageAndAccessLogSeeEveryResponse() throws {
        let entries = Mutex<[AccessLogEntry]>([])
        let router = Router()
        router.get("/teapot") { _ in throw HTTPError(418, "short & stout") }
        router.get("/broken") { _ in
            struct Broken: Error {}
            throw Broken()
        }
        let errorPage: @Sendable (HTTPError, Request?) -> Response = { error, request in
            .text("custom \(error.status) \(request?.path ?? "no request")", status: error.status)
        }
        try withServer(errorPage: errorPage, accessLog: { entry in entries.withLock { $0.append(entry) } },
                       handler: router.handler) { port, _ in
            let client = try RawClient(port: port)
            try client.send(get("/teapot", "User-Agent: probe\r\n"))
            let teapot = try client.readResponse()
            #expect(teapot.status == 418)
            #expect(teapot.text == "custom 418 /teapot")
            try client.send(get("/broken"))
            let broken = try client.readResponse()
            #expect(broken.status == 500)
            #expect(broken.text == "custom 500 /broken")
            try client.send("GET /bad%zz HTTP/1.1\r\nHost: t\r\n\r\n")
            let bad = try client.readResponse()
            #expect(bad.status == 400)
            #expect(bad.text == "custom 400 no request")
            #expect(client.waitForClose(seconds: 2))
        }
        let logged = entries.withLock { $0 }
        #expect(logged.map(\.status) == [418, 500, 400])
        #expect(logged.first?.userAgent == "probe")
        #expect(logged.first?.target == "/teapot")
        #expect(logged.first?.bytes == "custom 418 /teapot".utf8.count)
        #expect(logged.last?.method == "-")
    }
}
