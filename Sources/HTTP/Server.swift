import Foundation
import Glibc
import Synchronization

/// An HTTP/1.1 server: I/O threads on an epoll set for connections and a pool of handler threads
/// behind a bounded queue. See EventLoop.swift for the connection state machine.
public final class HTTPServer: Sendable {
    public let configuration: ServerConfiguration
    private let responder: Responder
    private let accessLog: (@Sendable (AccessLogEntry) -> Void)?
    private let state = Mutex<State>(State())
    private let finished = ConditionLock()
    private let done = Atomic<Bool>(false)

    private struct State {
        var started = false
        var shutdownRequested = false
        var loop: EventLoop?
    }

    public init(configuration: ServerConfiguration, handler: @escaping Handler,
                errorPage: (@Sendable (HTTPError, Request?) -> Response)? = nil,
                accessLog: (@Sendable (AccessLogEntry) -> Void)? = nil) {
        self.configuration = configuration
        self.responder = Responder(handler: handler, errorPage: errorPage, defaultHeaders: configuration.responseHeaders)
        self.accessLog = accessLog
    }

    /// Binds, starts the event loop and its threads, and returns the bound port. Ignores SIGPIPE
    /// for the process (a client hanging up must not kill the server).
    @discardableResult
    public func start() throws -> Int {
        try state.withLock { (state) throws(ServerError) -> Int in
            guard !state.started else { throw ServerError.alreadyStarted }
            signal(SIGPIPE, SIG_IGN)
            let (listener, port) = try Socket.listen(host: configuration.host, port: configuration.port)
            let loop: EventLoop
            do throws(ServerError) {
                loop = try EventLoop(configuration: configuration, listener: listener, responder: responder, accessLog: accessLog)
            } catch {
                close(listener)
                throw error
            }
            state.started = true
            state.loop = loop
            let thread = Thread { [self] in
                loop.run()
                self.state.withLock { $0.loop = nil }
                self.finished.withLock {
                    self.done.store(true, ordering: .sequentiallyConsistent)
                    self.finished.broadcast()
                }
            }
            thread.name = "http-event-loop"
            thread.start()
            if state.shutdownRequested { loop.requestShutdown() }
            return port
        }
    }

    /// What the handler pool holds now (nil before start and after shutdown), for metrics.
    public var load: ServerLoad? {
        state.withLock { $0.loop?.handlers.load }
    }

    /// Stops accepting, lets in-flight requests finish and send their responses, closes idle
    /// connections. Returns at once; `wait()` blocks until it is complete. Idempotent.
    public func shutdown() {
        let loop = state.withLock { state -> EventLoop? in
            state.shutdownRequested = true
            return state.loop
        }
        loop?.requestShutdown()
    }

    /// Blocks until a started server has shut down; returns at once if it was never started.
    public func wait() {
        guard state.withLock({ $0.started }) else { return }
        finished.withLock {
            while !done.load(ordering: .sequentiallyConsistent) { finished.wait() }
        }
    }
}

/// The handler pool's state at one moment.
public struct ServerLoad: Sendable, Equatable {
    /// Requests waiting for a handler thread.
    public var queuedRequests: Int
    /// Handlers running now.
    public var runningHandlers: Int
    public var handlerThreads: Int

    public init(queuedRequests: Int, runningHandlers: Int, handlerThreads: Int) {
        self.queuedRequests = queuedRequests
        self.runningHandlers = runningHandlers
        self.handlerThreads = handlerThreads
    }
}
