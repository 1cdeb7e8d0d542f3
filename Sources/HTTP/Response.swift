/// The body of a response: nothing, bytes, or a file sent from disk.
public enum ResponseBody: Sendable {
    case empty
    case bytes([UInt8])
    case file(path: String, size: Int)
}

/// A response produced by a handler. The server adds Date, Content-Length and Connection.
public struct Response: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: ResponseBody
    /// The route pattern that produced it ("/layers/:slug"), set by the Router for metrics and
    /// logs; never sent.
    public var route: String?

    public init(status: Int = 200, headers: HTTPHeaders = HTTPHeaders(), body: ResponseBody = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// An HTML page (`text/html; charset=utf-8`).
    public static func html(_ text: String, status: Int = 200) -> Response {
        Response(status: status, headers: ["Content-Type": "text/html; charset=utf-8"], body: .bytes(Array(text.utf8)))
    }

    /// Plain text (`text/plain; charset=utf-8`).
    public static func text(_ text: String, status: Int = 200) -> Response {
        Response(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: .bytes(Array(text.utf8)))
    }

    /// Encoded JSON (`application/json`).
    public static func json(_ bytes: [UInt8], status: Int = 200) -> Response {
        Response(status: status, headers: ["Content-Type": "application/json"], body: .bytes(bytes))
    }

    /// A redirect (303 See Other by default) to `location`.
    public static func redirect(to location: String, status: Int = 303) -> Response {
        Response(status: status, headers: ["Location": location], body: .empty)
    }

    /// Adds a Set-Cookie header.
    public mutating func setCookie(_ cookie: Cookie) {
        headers.add("Set-Cookie", cookie.headerValue)
    }

    /// The body size in bytes as declared.
    public var bodyCount: Int {
        switch body {
        case .empty: 0
        case .bytes(let bytes): bytes.count
        case .file(_, let size): size
        }
    }
}
