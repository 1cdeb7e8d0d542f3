import Foundation
import Glibc
import Synchronization

/// The body of a request: nothing, bytes in memory, or a temporary file for large uploads.
///
/// A `.file` body belongs to the server, which deletes it once the response has been prepared.
public enum RequestBody: Sendable {
    case none
    case bytes([UInt8])
    case file(path: String, size: Int)

    /// The body size in bytes.
    public var count: Int {
        switch self {
        case .none: 0
        case .bytes(let bytes): bytes.count
        case .file(_, let size): size
        }
    }
}

/// A fully received HTTP request, as handed to handlers.
public struct Request: Sendable {
    public var method: HTTPMethod
    /// The raw request target as received.
    public var target: String
    /// The percent-decoded path, without the query string.
    public var path: String
    /// Decoded query items (`+` read as a space), in order.
    public var queryItems: [(name: String, value: String)]
    public var headers: HTTPHeaders
    public var body: RequestBody
    /// The client's address, e.g. "127.0.0.1": the socket's peer, unless middleware that trusts
    /// the peer as a reverse proxy has put the client it names here.
    public var remoteAddress: String
    /// The socket's peer, whatever middleware made of `remoteAddress`.
    public let peerAddress: String
    /// The application's typed context for this request (who asks, their session, language…),
    /// resolved once by middleware and read by every handler after it.
    public var context: (any Sendable)?
    /// Route parameters from `:name` and `*name` pattern segments, filled by the Router.
    public var parameters: [String: String] = [:]
    /// Cookies from the Cookie header.
    public var cookies: [String: String]
    /// The HTTP minor version (0 or 1) of the request line.
    public var versionMinor: Int = 1
    /// Where multipart parsing puts large parts, and from what size; owns the request's temporary files.
    var bodyStorage: BodyStorage

    /// Builds a request from a method, a target (path plus optional query) and headers; the path
    /// and query are parsed and percent-decoded as the server would. Throws 400 for a malformed target.
    public init(method: HTTPMethod, target: String, headers: HTTPHeaders = HTTPHeaders(),
                body: RequestBody = .none, remoteAddress: String = "127.0.0.1") throws(HTTPError) {
        let (path, query) = try Self.splitTarget(target, method: method)
        self.method = method
        self.target = target
        self.path = path
        self.queryItems = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.peerAddress = remoteAddress
        self.cookies = Cookie.parse(headers.values("Cookie"))
        self.bodyStorage = BodyStorage()
    }

    /// The first query item with that name.
    public func query(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// Whether the client asked to close the connection after this request (or, on HTTP/1.0,
    /// did not ask to keep it open).
    public var wantsClose: Bool {
        if headers.hasToken("close", in: "Connection") { return true }
        return versionMinor == 0 && !headers.hasToken("keep-alive", in: "Connection")
    }

    /// Splits the target into a decoded path and decoded query items.
    static func splitTarget(_ target: String, method: HTTPMethod) throws(HTTPError) -> (String, [(name: String, value: String)]) {
        var bytes = Substring(target).utf8[...]
        if target == "*" {
            guard method == .OPTIONS else { throw HTTPError(400, "The target * is only valid for OPTIONS.") }
            return ("*", [])
        }
        if bytes.first != UInt8(ascii: "/") {
            // absolute-form: http://host[:port]/path?query
            let lower = target.prefix(8).lowercased()
            let scheme = lower.hasPrefix("http://") ? 7 : lower.hasPrefix("https://") ? 8 : 0
            guard scheme > 0 else { throw HTTPError(400, "The request target must be a path.") }
            bytes = bytes.dropFirst(scheme)
            if let slash = bytes.firstIndex(of: UInt8(ascii: "/")) {
                bytes = bytes[slash...]
            } else {
                bytes = Substring("/").utf8[...]
            }
        }
        for byte in bytes where byte <= 0x20 || byte >= 0x7F {
            throw HTTPError(400, "The request target contains invalid characters.")
        }
        let pathPart: Substring.UTF8View.SubSequence
        var items: [(name: String, value: String)] = []
        if let question = bytes.firstIndex(of: UInt8(ascii: "?")) {
            pathPart = bytes[bytes.startIndex..<question]
            var queryPart = bytes[bytes.index(after: question)...]
            if let hash = queryPart.firstIndex(of: UInt8(ascii: "#")) { queryPart = queryPart[..<hash] }
            guard let pairs = PercentEncoding.decodePairs(queryPart) else {
                throw HTTPError(400, "The query string has invalid percent-encoding.")
            }
            items = pairs
        } else if let hash = bytes.firstIndex(of: UInt8(ascii: "#")) {
            pathPart = bytes[bytes.startIndex..<hash]
        } else {
            pathPart = bytes
        }
        guard let path = PercentEncoding.decode(pathPart, plusIsSpace: false) else {
            throw HTTPError(400, "The path has invalid percent-encoding.")
        }
        guard !path.utf8.contains(0) else { throw HTTPError(400, "The path contains a NUL byte.") }
        return (path, items)
    }
}

/// Settings and bookkeeping for request-owned temporary files; shared by copies of one request.
final class BodyStorage: Sendable {
    let memoryThreshold: Int
    let temporaryDirectory: String
    private let created = Mutex<[String]>([])

    init(memoryThreshold: Int = 1 << 20, temporaryDirectory: String = NSTemporaryDirectory()) {
        self.memoryThreshold = memoryThreshold
        self.temporaryDirectory = temporaryDirectory
    }

    /// Records a temporary file to delete with `removeAll()`.
    func track(_ path: String) { created.withLock { $0.append(path) } }

    /// Deletes every tracked file.
    func removeAll() {
        let paths = created.withLock { paths in
            defer { paths.removeAll() }
            return paths
        }
        for path in paths { unlink(path) }
    }
}

extension Request {
    /// The parser's initializer: target already split and decoded.
    init(_ method: HTTPMethod, target: String, path: String, query: [(name: String, value: String)],
         headers: HTTPHeaders, body: RequestBody, remoteAddress: String, storage: BodyStorage) {
        self.method = method
        self.target = target
        self.path = path
        self.queryItems = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.peerAddress = remoteAddress
        self.cookies = Cookie.parse(headers.values("Cookie"))
        self.bodyStorage = storage
    }
}
