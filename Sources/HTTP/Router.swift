import Synchronization

/// Responds to a request; runs on a handler thread and may block.
public typealias Handler = @Sendable (Request) throws -> Response

/// Answers a request from memory on the I/O thread, or nil to hand it to the handler pool (where
/// the route's full handler runs). Must never block.
public typealias FastHandler = @Sendable (Request) -> Response?

/// Wraps matched handlers: call `next` to continue, or answer without it.
public protocol Middleware: Sendable {
    func handle(_ request: Request, next: Handler) throws -> Response
}

/// Routes requests by method and path segments.
///
/// Patterns are split on `/`: a literal segment matches itself, `:name` matches any one segment
/// (bound in `request.parameters`), and a final `*name` matches the rest of the path (zero or more
/// segments, joined with `/`). Literal segments win over parameters, which win over catch-alls.
/// HEAD requests fall back to the GET route. Middleware wraps matched handlers, the first added
/// outermost.
///
/// Every route declares the largest body it accepts (`maxBody`, default `defaultBodyLimit`), and
/// `bodyLimit(_:_:)` answers it from the request head alone, so the server refuses an oversized
/// body before buffering any of it.
public final class Router: Sendable {
    private let state = ReadWriteLock(State())
    /// The body limit of routes that do not declare one: enough for any form of the portal.
    public let defaultBodyLimit: Int

    public init(defaultBodyLimit: Int = 64 * 1024) {
        self.defaultBodyLimit = defaultBodyLimit
    }

    /// `inline` declares a handler that never blocks (it answers from memory or a small local
    /// file): the server may run it on the I/O thread and spare the hand-off to a handler thread.
    public func add(_ method: HTTPMethod, _ pattern: String, maxBody: Int? = nil, inline: Bool = false,
                    fast: FastHandler? = nil, _ handler: @escaping Handler) {
        let segments = Self.segments(of: pattern)
        let limit = maxBody ?? defaultBodyLimit
        let route = Route(handler: handler, maxBody: limit, pattern: pattern, inline: inline, fast: fast)
        state.write { $0.root.insert(segments[...], method: method, handler: route) }
    }

    /// Thrown inside the middleware chain when a route's fast handler hands the request on.
    private struct HandedOn: Error {}

    /// The I/O thread's answer, with one route match: an `inline` route's handler, or a route's
    /// fast handler, through the middleware; nil to hand the request to the pool (a fast handler
    /// that handed it on, and every other route).
    public var fastHandler: @Sendable (Request) -> Response? {
        { [self] request in
            let segments = Self.segments(of: request.path)
            let found = state.read { state -> (Route, [String: String], [Middleware])? in
                var parameters: [String: String] = [:]
                guard let node = state.root.match(segments[...], parameters: &parameters),
                      let route = node.route(for: request.method),
                      route.inline || route.fast != nil else { return nil }
                return (route, parameters, state.middleware)
            }
            guard let (route, parameters, middleware) = found else { return nil }
            var routed = request
            routed.parameters = parameters
            var handler = route.handler
            if let fast = route.fast {
                handler = { request in
                    guard let response = fast(request) else { throw HandedOn() }
                    return response
                }
            }
            let next = Self.wrapped(handler, in: middleware)
            do {
                var response = try next(routed)
                response.route = route.pattern
                return response
            } catch is HandedOn {
                return nil
            } catch {
                // An inline handler's error: answered on the pool with its error page.
                return nil
            }
        }
    }

    /// Whether the route `method` and `path` reach was declared `inline`.
    public func isInline(_ method: HTTPMethod, _ path: String) -> Bool {
        let segments = Self.segments(of: path)
        return state.read { state in
            var parameters: [String: String] = [:]
            guard let node = state.root.match(segments[...], parameters: &parameters) else { return false }
            return node.route(for: method)?.inline ?? false
        }
    }

    /// The body limit of the route `method` and `path` reach; the default one for no route (the
    /// request will get 404 or 405 anyway).
    public func bodyLimit(_ method: HTTPMethod, _ path: String) -> Int {
        let segments = Self.segments(of: path)
        return state.read { state in
            var parameters: [String: String] = [:]
            return state.root.match(segments[...], parameters: &parameters)?.handlers[method]?.maxBody
        } ?? defaultBodyLimit
    }

    public func get(_ pattern: String, inline: Bool = false, fast: FastHandler? = nil, _ handler: @escaping Handler) {
        add(.GET, pattern, inline: inline, fast: fast, handler)
    }
    public func post(_ pattern: String, maxBody: Int? = nil, _ handler: @escaping Handler) {
        add(.POST, pattern, maxBody: maxBody, handler)
    }
    public func put(_ pattern: String, maxBody: Int? = nil, _ handler: @escaping Handler) {
        add(.PUT, pattern, maxBody: maxBody, handler)
    }
    public func delete(_ pattern: String, _ handler: @escaping Handler) { add(.DELETE, pattern, handler) }
    public func patch(_ pattern: String, maxBody: Int? = nil, _ handler: @escaping Handler) {
        add(.PATCH, pattern, maxBody: maxBody, handler)
    }

    /// Adds middleware around every matched handler, inside the middleware added before it.
    public func use(_ middleware: Middleware) {
        state.write { $0.middleware.append(middleware) }
    }

    /// The composed responder: throws 404 when no route matches the path, 405 (with `Allow`) when
    /// routes match the path but not the method.
    public var handler: Handler {
        { [self] request in try self.respond(to: request) }
    }

    private func respond(to request: Request) throws -> Response {
        let segments = Self.segments(of: request.path)
        let found = state.read { state -> (Route, [String: String], [Middleware])? in
            var parameters: [String: String] = [:]
            guard let node = state.root.match(segments[...], parameters: &parameters) else { return nil }
            let route = node.route(for: request.method)
            guard let route else { return nil }
            return (route, parameters, state.middleware)
        }
        guard let (route, parameters, middleware) = found else {
            throw notFoundOrNotAllowed(segments)
        }
        var routed = request
        routed.parameters = parameters
        let next = Self.wrapped(route.handler, in: middleware)
        do {
            var response = try next(routed)
            response.route = route.pattern
            return response
        } catch var error as HTTPError {
            error.route = route.pattern
            throw error
        }
    }

    /// `handler` inside `middleware`, the first outermost.
    private static func wrapped(_ handler: @escaping Handler, in middleware: [Middleware]) -> Handler {
        var next = handler
        for outer in middleware.reversed() {
            let inner = next
            next = { request in try outer.handle(request, next: inner) }
        }
        return next
    }

    private func notFoundOrNotAllowed(_ segments: [Substring]) -> HTTPError {
        let allowed = state.read { state -> [HTTPMethod] in
            var parameters: [String: String] = [:]
            guard let node = state.root.match(segments[...], parameters: &parameters) else { return [] }
            return HTTPMethod.allCases.filter { node.handlers[$0] != nil }
        }
        guard !allowed.isEmpty else { return HTTPError(404, "No page at this address.") }
        var methods = allowed.map(\.rawValue)
        if allowed.contains(.GET) && !allowed.contains(.HEAD) { methods.insert("HEAD", at: 1) }
        return HTTPError(405, "This address does not accept that method.",
                         headers: ["Allow": methods.joined(separator: ", ")])
    }

    /// Every route's method and pattern, as added, sorted by pattern: for the documents that
    /// describe a door and the tests that hold them to the router.
    public var routes: [(method: HTTPMethod, pattern: String)] {
        state.read { state in
            var found: [(method: HTTPMethod, pattern: String)] = []
            func walk(_ node: Node) {
                for (method, route) in node.handlers { found.append((method, route.pattern)) }
                for (method, route) in node.catchAll?.handlers ?? [:] { found.append((method, route.pattern)) }
                for child in node.literals.values { walk(child) }
                for child in node.parameterChildren.values { walk(child) }
            }
            walk(state.root)
            return found.sorted { ($0.pattern, $0.method.rawValue) < ($1.pattern, $1.method.rawValue) }
        }
    }

    static func segments(of path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private struct State {
        var root = Node()
        var middleware: [Middleware] = []
    }

    private struct Route {
        var handler: Handler
        var maxBody: Int
        var pattern: String
        var inline: Bool
        var fast: FastHandler?
    }

    /// A trie node: literal children, parameter children (by name), one catch-all.
    private struct Node {
        var literals: [Substring: Node] = [:]
        var parameterChildren: [String: Node] = [:]
        var catchAll: (name: String, handlers: [HTTPMethod: Route])?
        var handlers: [HTTPMethod: Route] = [:]

        /// The route of `method` here; HEAD falls back to GET.
        func route(for method: HTTPMethod) -> Route? {
            handlers[method] ?? (method == .HEAD ? handlers[.GET] : nil)
        }

        mutating func insert(_ segments: ArraySlice<Substring>, method: HTTPMethod, handler: Route) {
            guard let first = segments.first else {
                handlers[method] = handler
                return
            }
            if first.hasPrefix("*") {
                var all = catchAll ?? (name: String(first.dropFirst()), handlers: [:])
                all.handlers[method] = handler
                catchAll = all
            } else if first.hasPrefix(":") {
                parameterChildren[String(first.dropFirst()), default: Node()]
                    .insert(segments.dropFirst(), method: method, handler: handler)
            } else {
                literals[first, default: Node()].insert(segments.dropFirst(), method: method, handler: handler)
            }
        }

        /// The node whose handlers serve `segments`, preferring literal, then parameter, then catch-all.
        func match(_ segments: ArraySlice<Substring>, parameters: inout [String: String]) -> Node? {
            guard let first = segments.first else {
                if !handlers.isEmpty { return self }
                if let catchAll {
                    parameters[catchAll.name] = ""
                    return Node(handlers: catchAll.handlers)
                }
                return nil
            }
            if let literal = literals[first], let found = literal.match(segments.dropFirst(), parameters: &parameters) {
                return found
            }
            for name in parameterChildren.keys.sorted() {
                guard let child = parameterChildren[name] else { continue }
                var attempt = parameters
                attempt[name] = String(first)
                if let found = child.match(segments.dropFirst(), parameters: &attempt) {
                    parameters = attempt
                    return found
                }
            }
            if let catchAll {
                // The rest of the path as written, from the first remaining segment.
                let rest = first.base[first.startIndex..<(segments.last ?? first).endIndex]
                parameters[catchAll.name] = String(rest)
                return Node(handlers: catchAll.handlers)
            }
            return nil
        }
    }
}
