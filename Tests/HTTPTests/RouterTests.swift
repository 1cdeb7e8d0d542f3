import Synchronization
import Testing
@testable import HTTP

@Suite struct RouterTests {
    func call(_ router: Router, _ method: HTTPMethod, _ target: String) throws -> Response {
        try router.handler(try Request(method: method, target: target))
    }

    func status(_ router: Router, _ method: HTTPMethod, _ target: String) -> Int {
        do { return try call(router, method, target).status } catch let error as HTTPError { return error.status } catch { return -1 }
    }

    func text(_ response: Response) -> String {
        if case .bytes(let bytes) = response.body { return String(decoding: bytes, as: UTF8.self) }
        return ""
    }

    @Test func literalParameterAndCatchAllRoutes() throws {
        let router = Router()
        router.get("/layers") { _ in .text("list") }
        router.get("/layers/new") { _ in .text("new") }
        router.get("/layers/:slug") { .text("layer \($0.parameters["slug"] ?? "")") }
        router.get("/layers/:slug/versions/:version") { .text("\($0.parameters["slug"] ?? "")@\($0.parameters["version"] ?? "")") }
        router.get("/static/*path") { .text("file \($0.parameters["path"] ?? "")") }
        #expect(text(try call(router, .GET, "/layers")) == "list")
        #expect(text(try call(router, .GET, "/layers/")) == "list")
        #expect(text(try call(router, .GET, "/layers/new")) == "new")
        #expect(text(try call(router, .GET, "/layers/roads")) == "layer roads")
        #expect(text(try call(router, .GET, "/layers/s%C3%B4ng")) == "layer sông")
        #expect(text(try call(router, .GET, "/layers/roads/versions/3")) == "roads@3")
        #expect(text(try call(router, .GET, "/static/css/bando.css")) == "file css/bando.css")
        #expect(status(router, .GET, "/layers/roads/extra") == 404)
        #expect(status(router, .GET, "/nothing") == 404)
    }

    @Test func wrongMethodIs405WithAllow() throws {
        let router = Router()
        router.get("/layers/:slug") { _ in .text("") }
        router.add(.DELETE, "/layers/:slug") { _ in .text("") }
        do {
            _ = try call(router, .POST, "/layers/roads")
            Issue.record("expected 405")
        } catch let error as HTTPError {
            #expect(error.status == 405)
            #expect(error.headers["Allow"] == "GET, HEAD, DELETE")
        }
    }

    @Test func headFallsBackToGetButPrefersItsOwnRoute() throws {
        let router = Router()
        router.get("/a") { _ in .text("get a") }
        router.get("/b") { _ in .text("get b") }
        router.add(.HEAD, "/b") { _ in .text("head b") }
        #expect(text(try call(router, .HEAD, "/a")) == "get a")
        #expect(text(try call(router, .HEAD, "/b")) == "head b")
        #expect(status(router, .POST, "/a") == 405)
    }

    final class Trace: Sendable {
        let entries = Mutex<[String]>([])
        func withLock<T>(_ body: (inout [String]) -> T) -> T { entries.withLock { body(&$0) } }
    }

    struct Tag: Middleware {
        let name: String
        let trace: Trace
        func handle(_ request: Request, next: Handler) throws -> Response {
            trace.withLock { $0.append("\(name)>") }
            var response = try next(request)
            trace.withLock { $0.append("<\(name)") }
            response.headers.add("X-Through", name)
            return response
        }
    }

    struct Gate: Middleware {
        func handle(_ request: Request, next: Handler) throws -> Response {
            guard request.headers["Authorization"] != nil else { throw HTTPError(401, "Sign in first.") }
            return try next(request)
        }
    }

    @Test func middlewareRunsInOrderAroundMatchedHandlersOnly() throws {
        let trace = Trace()
        let router = Router()
        router.use(Tag(name: "outer", trace: trace))
        router.use(Tag(name: "inner", trace: trace))
        router.get("/x/:id") { request in
            trace.withLock { $0.append("handler \(request.parameters["id"] ?? "")") }
            return .text("x")
        }
        let response = try call(router, .GET, "/x/7")
        #expect(trace.withLock { $0 } == ["outer>", "inner>", "handler 7", "<inner", "<outer"])
        #expect(response.headers.values("X-Through") == ["inner", "outer"])
        trace.withLock { $0.removeAll() }
        #expect(status(router, .GET, "/missing") == 404)
        #expect(trace.withLock { $0 }.isEmpty)
    }

    @Test func middlewareCanRefuse() {
        let router = Router()
        router.use(Gate())
        router.get("/admin") { _ in .text("secret") }
        #expect(status(router, .GET, "/admin") == 401)
    }
}
