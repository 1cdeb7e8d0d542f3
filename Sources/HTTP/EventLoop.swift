import Glibc
import Synchronization

// Design of the connection state machine
//
// Connections live in one epoll set, each registered with EPOLLONESHOT so a readiness event
// wakes exactly one thread. A few I/O threads wait on that set and only read, parse and write;
// handlers run on a separate, larger pool (HandlerPool) behind a bounded queue; a control thread
// owns the listening socket and the clock.
//
//            accept (control thread; per-address and total caps)
//                    │
//                    ▼
//   ┌──────▶ reading (parked, EPOLLIN) ──event──▶ busy: non-blocking reads feed the parser
//   │                ▲                                  │ incomplete: park again
//   │                └──────────────────────────────────┤
//   │                                                   │ complete request
//   │                                                   ▼
//   │                            a route declared inline (never blocks): answered here at once
//   │                            queue full or client over its share: 503 at once (I/O thread)
//   │                            else busy: the handler runs on a handler thread, then
//   │                            parks the response in writing (EPOLLOUT)
//   │                                                   │
//   │                                                   ▼
//   │                         writing: an I/O thread sends with one sendmsg (+ sendfile),
//   │                         parking again while the socket is full
//   │   pipelined request already buffered: dispatch it │
//   └──────────── response sent, keep-alive ◀───────────┘
//                                        └─ Connection: close, drain, timeout ─▶ closed
//                                        └─ parse error ─▶ lingering (input dropped) ─▶ closed
//
// * Idle keep-alive connections and half-received requests are parked in epoll and cost no
//   thread; reads never block, so a silent client cannot hold a thread, and a handler blocked
//   on SQLite holds only its own handler thread: I/O threads never wait for a handler.
// * A body's size is checked against the route's own limit (`bodyLimit`) once the head is in,
//   before any of it is buffered; bodies above the memory threshold stream to a temporary file.
// * A connection is only touched by the thread that claimed it (`Connection.claim`, a
//   compare-and-set of its phase). The control thread claims parked connections to close them:
//   a request not complete within requestTimeout (408), an idle keep-alive connection after
//   keepAliveTimeout, a write stalled for writeTimeout.
// * Epoll data is a connection id, not the fd, so an event for a closed connection whose fd
//   number was reused finds nothing.
// * Shutdown closes the listener and the idle connections, lets in-flight requests finish with
//   `Connection: close`, then stops the I/O and handler threads once no connection is left.

/// The server's threads: a control thread (accept, timeouts, shutdown), the I/O threads serving
/// connections from a shared epoll set, and the handler pool.
final class EventLoop: @unchecked Sendable {
    // Immutable after init or Sendable; `listener`, `lastScan`, `acceptPaused` and `nextID` are
    // only used on the control thread.
    let configuration: ServerConfiguration
    let connections: Epoll
    let registry = ConnectionRegistry()
    let responder: Responder
    let handlers: HandlerPool
    let accessLog: (@Sendable (AccessLogEntry) -> Void)?
    let shutdownRequested = Atomic<Bool>(false)
    let draining = Atomic<Bool>(false)
    let stopping = Atomic<Bool>(false)
    private let control: Epoll
    private var listener: Int32
    private let wakeControl: (read: Int32, write: Int32)
    private let wakeWorkers: (read: Int32, write: Int32)
    private var lastScan = 0.0
    private var acceptPaused = false
    private var nextID: UInt64 = stopData

    static let readEvents = Epoll.readable | Epoll.readHangUp | Epoll.oneShot
    static let writeEvents = Epoll.writable | Epoll.oneShot
    static let stopData: UInt64 = 0
    /// How long input is drained after an error response before the connection is dropped.
    static let lingerSeconds = 2.0
    private static let listenerData: UInt64 = 1
    private static let wakeData: UInt64 = 2

    init(configuration: ServerConfiguration, listener: Int32, responder: Responder,
         accessLog: (@Sendable (AccessLogEntry) -> Void)?) throws(ServerError) {
        self.configuration = configuration
        self.connections = try Epoll()
        self.control = try Epoll()
        self.listener = listener
        self.responder = responder
        self.handlers = HandlerPool(threads: configuration.workers, queueCapacity: configuration.maxQueuedRequests,
                                    perClientLimit: configuration.maxRequestsPerClient,
                                    exempt: configuration.isTrustedClient)
        self.accessLog = accessLog
        wakeControl = try Self.makePipe()
        do {
            wakeWorkers = try Self.makePipe()
        } catch {
            close(wakeControl.read)
            close(wakeControl.write)
            throw error
        }
        control.control(.add, listener, events: Epoll.readable, data: Self.listenerData)
        control.control(.add, wakeControl.read, events: Epoll.readable, data: Self.wakeData)
        // Level-triggered and never drained once written: wakes every I/O thread, for good, on stop.
        connections.control(.add, wakeWorkers.read, events: Epoll.readable, data: Self.stopData)
    }

    private static func makePipe() throws(ServerError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw ServerError.systemResource("pipe", reason: ServerError.reason(errno)) }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        return (ends[0], ends[1])
    }

    /// Asks the server to drain and stop; safe from any thread, repeatable.
    func requestShutdown() {
        shutdownRequested.store(true, ordering: .sequentiallyConsistent)
        wakeControlThread()
    }

    func wakeControlThread() {
        var byte: UInt8 = 1
        _ = Glibc.write(wakeControl.write, &byte, 1)
    }

    /// The control thread's body: starts the I/O and handler threads, accepts, scans timeouts, drains; returns
    /// once shut down and every thread has stopped.
    func run() {
        handlers.start()
        let pool = WorkerPool(threads: max(1, configuration.ioThreads), name: "http-io") { [self] in
            self.ioLoop()
        }
        var events = Epoll.Events(capacity: 16)
        while true {
            control.wait(into: &events, timeoutMs: draining.load(ordering: .relaxed) ? 50 : 100)
            for index in 0..<events.count {
                switch events[index].data {
                case Self.listenerData:
                    acceptAll()
                case Self.wakeData:
                    var sink = [UInt8](repeating: 0, count: 64)
                    while read(wakeControl.read, &sink, sink.count) > 0 {}
                default:
                    break
                }
            }
            let now = Socket.now()
            if now - lastScan >= 0.1 {
                lastScan = now
                scanTimeouts(now)
                if acceptPaused && listener >= 0 {
                    acceptPaused = false
                    control.control(.modify, listener, events: Epoll.readable, data: Self.listenerData)
                }
            }
            if shutdownRequested.load(ordering: .sequentiallyConsistent) && !draining.load(ordering: .relaxed) {
                beginDrain()
            }
            if draining.load(ordering: .relaxed) {
                closeIdleConnections()
                if registry.count == 0 { break }
            }
        }
        stopping.store(true, ordering: .sequentiallyConsistent)
        var byte: UInt8 = 1
        _ = Glibc.write(wakeWorkers.write, &byte, 1)
        pool.join()
        handlers.stop()
        for fd in [wakeControl.read, wakeControl.write, wakeWorkers.read, wakeWorkers.write] { close(fd) }
    }

    private func acceptAll() {
        defer {
            // Out of descriptors: stop watching the listener until the next timeout scan rather
            // than spin on a socket that stays readable.
            if errno == EMFILE || errno == ENFILE {
                control.control(.modify, listener, events: 0, data: Self.listenerData)
                acceptPaused = true
            }
        }
        while let (fd, address) = Socket.accept(listener) {
            guard registry.count < configuration.maxConnections, !draining.load(ordering: .relaxed),
                  configuration.isTrustedClient(address)
                    || registry.count(from: address) < configuration.maxConnectionsPerClient else {
                Connection.sendBestEffort(fd, Self.busyResponse)
                close(fd)
                continue
            }
            nextID += 1
            let id = nextID
            let connection = Connection(id: id, fd: fd, remoteAddress: address,
                                        limits: configuration.parserLimits, now: Socket.now())
            registry.insert(connection)
            connections.control(.add, fd, events: Self.readEvents, data: id)
        }
    }

    private func scanTimeouts(_ now: Double) {
        let requestTimeout = configuration.requestTimeout
        let keepAliveTimeout = configuration.keepAliveTimeout
        let writeTimeout = configuration.writeTimeout
        for connection in registry.all {
            let expired = connection.claim { phase in
                switch phase {
                case .reading(let idleSince, let requestStart):
                    if let requestStart { return now - requestStart > requestTimeout }
                    return now - idleSince > keepAliveTimeout
                case .writing(let lastProgress):
                    return now - lastProgress > writeTimeout
                case .lingering(let since):
                    return now - since > Self.lingerSeconds
                case .busy:
                    return false
                }
            }
            guard let expired else { continue }
            if case .reading(_, .some) = expired {
                Connection.sendBestEffort(connection.fd, Self.timeoutResponse)
            }
            closeConnection(connection)
        }
    }

    /// For a connection refused at accept (too many in all or from one address).
    static let busyResponse = Array(
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)

    private static let timeoutResponse = Array(
        "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)

    private func beginDrain() {
        draining.store(true, ordering: .sequentiallyConsistent)
        control.control(.remove, listener, events: 0, data: 0)
        close(listener)
        listener = -1
    }

    /// While draining, connections waiting for a next request are closed; those with a request
    /// half received may finish it (bounded by requestTimeout).
    private func closeIdleConnections() {
        for connection in registry.all {
            let idle = connection.claim { phase in
                switch phase {
                case .reading(_, nil), .lingering: return true
                default: return false
                }
            }
            if idle != nil { closeConnection(connection) }
        }
    }

    /// Closes a connection claimed by the caller.
    func closeConnection(_ connection: Connection) {
        registry.remove(connection)
        connection.close()
        if draining.load(ordering: .relaxed) { wakeControlThread() }
    }
}
