import Foundation

/// Where the server listens and the limits it enforces.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port; `HTTPServer.start()` returns the one bound.
    public var port: Int
    /// Threads running handlers (which may block on SQLite, hashing, rendering): well above
    /// the core count, since most of their time is spent waiting.
    public var workers: Int
    /// Threads that read, parse and write sockets; they never run a handler.
    public var ioThreads: Int
    /// Requests waiting for a handler thread beyond those running; past it, 503 at once.
    public var maxQueuedRequests: Int
    /// Requests one client address may have queued or running at once; past it, 503.
    public var maxRequestsPerClient: Int
    /// Open connections from one client address; past it, new ones get 503 and are closed.
    public var maxConnectionsPerClient: Int
    /// Addresses exempt from the per-client limits (trusted reverse proxies, which carry many clients).
    public var isTrustedClient: @Sendable (String) -> Bool
    /// The largest body a request may send, decided from its head before any body byte is kept
    /// (nil: `maxBodyBytes` for every request). A route that takes no body can say a few KB.
    public var bodyLimit: (@Sendable (HTTPMethod, String, HTTPHeaders) -> Int)?
    /// Headers added to every response that does not set them, error pages and refusals included.
    public var responseHeaders: HTTPHeaders
    /// Whether a request's handler never blocks and may run on the I/O thread that parsed it
    /// (`Router.isInline`); nil: every handler runs on the handler pool.
    public var runsInline: (@Sendable (HTTPMethod, String) -> Bool)?
    /// Answers from memory on the I/O thread, or nil to hand the request to the handler pool
    /// (`Router.fastHandler`); nil: no fast path.
    public var fastPath: (@Sendable (Request) -> Response?)?
    public var maxRequestLineBytes: Int
    public var maxHeaderBytes: Int
    public var maxHeaderCount: Int
    /// Larger bodies are refused with 413.
    public var maxBodyBytes: Int
    /// Bodies above this size are streamed to a file in `temporaryDirectory`.
    public var memoryBodyThreshold: Int
    public var temporaryDirectory: String
    /// Seconds to receive a whole request once its first byte has arrived.
    public var requestTimeout: Double
    /// Seconds an idle keep-alive connection stays open.
    public var keepAliveTimeout: Double
    public var maxConnections: Int
    /// Seconds a response may wait for a client that reads nothing before the connection is dropped.
    public var writeTimeout: Double

    public init(host: String = "127.0.0.1", port: Int = 8080,
                workers: Int = ServerConfiguration.defaultWorkers,
                maxRequestLineBytes: Int = 8192, maxHeaderBytes: Int = 32768, maxHeaderCount: Int = 100,
                maxBodyBytes: Int = 256 * 1024 * 1024, memoryBodyThreshold: Int = 64 * 1024,
                temporaryDirectory: String = NSTemporaryDirectory(),
                requestTimeout: Double = 30, keepAliveTimeout: Double = 15, maxConnections: Int = 4096,
                writeTimeout: Double = 60) {
        self.host = host
        self.port = port
        self.workers = workers
        self.ioThreads = min(2, max(1, ProcessInfo.processInfo.activeProcessorCount))
        self.maxQueuedRequests = 512
        self.maxRequestsPerClient = max(4, workers / 2)
        self.maxConnectionsPerClient = 256
        self.isTrustedClient = { _ in false }
        self.bodyLimit = nil
        self.responseHeaders = HTTPHeaders()
        self.runsInline = nil
        self.fastPath = nil
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.memoryBodyThreshold = memoryBodyThreshold
        self.temporaryDirectory = temporaryDirectory
        self.requestTimeout = requestTimeout
        self.keepAliveTimeout = keepAliveTimeout
        self.maxConnections = maxConnections
        self.writeTimeout = writeTimeout
    }

    /// Handler threads unless configured: eight per core, at least 16.
    public static var defaultWorkers: Int { max(16, 8 * ProcessInfo.processInfo.activeProcessorCount) }

    var parserLimits: ParserLimits {
        ParserLimits(maxRequestLineBytes: maxRequestLineBytes, maxHeaderBytes: maxHeaderBytes,
                     maxHeaderCount: maxHeaderCount, maxBodyBytes: maxBodyBytes,
                     memoryBodyThreshold: memoryBodyThreshold, temporaryDirectory: temporaryDirectory,
                     bodyLimit: bodyLimit)
    }
}

/// One line of the access log, reported after a response has been sent.
public struct AccessLogEntry: Sendable {
    /// The request method, or "-" when the request could not be parsed.
    public var method: String
    /// The raw request target, or "-" when the request could not be parsed.
    public var target: String
    public var status: Int
    /// Body bytes sent.
    public var bytes: Int
    public var durationMs: Double
    public var remoteAddress: String
    public var userAgent: String?
    /// The route pattern that answered ("/layers/:slug"); nil when no route matched.
    public var route: String?

    public init(method: String, target: String, status: Int, bytes: Int, durationMs: Double,
                remoteAddress: String, userAgent: String? = nil, route: String? = nil) {
        self.route = route
        self.method = method
        self.target = target
        self.status = status
        self.bytes = bytes
        self.durationMs = durationMs
        self.remoteAddress = remoteAddress
        self.userAgent = userAgent
    }
}
