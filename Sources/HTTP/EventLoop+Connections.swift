import Glibc

/// What I/O threads do with a connection they have claimed.
extension EventLoop {
    private static let readBufferSize = 64 * 1024
    private static let maxReadsPerEvent = 16

    /// An I/O thread's body: wait for one ready connection, claim it, read or write it; until stopped.
    func ioLoop() {
        var events = Epoll.Events(capacity: 1)
        var buffer = [UInt8](repeating: 0, count: Self.readBufferSize)
        while !stopping.load(ordering: .relaxed) {
            connections.wait(into: &events, timeoutMs: 1000)
            guard events.count == 1 else { continue }
            let data = events[0].data
            if data == Self.stopData { break }
            guard let connection = registry[data], let parked = connection.claim() else { continue }
            switch parked {
            case .reading(let idleSince, let requestStart):
                readRequest(connection, idleSince: idleSince, requestStart: requestStart, buffer: &buffer)
            case .writing:
                continueWriting(connection)
            case .lingering(let since):
                dropInput(connection, since: since, buffer: &buffer)
            case .busy:
                break
            }
        }
    }

    private func readRequest(_ connection: Connection, idleSince: Double, requestStart: Double?, buffer: inout [UInt8]) {
        var started = requestStart
        for _ in 0..<Self.maxReadsPerEvent {
            let n = buffer.withUnsafeMutableBytes { read(connection.fd, $0.baseAddress, $0.count) }
            if n > 0 {
                if started == nil { started = Socket.now() }
                connection.parser.append(buffer[0..<n])
                let event = connection.parser.next()
                connection.sendContinueIfRequested()
                if case .needMore = event { continue }
                process(connection, event)
                return
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
            closeConnection(connection)   // 0: the peer closed; other errors: reset
            return
        }
        if connection.parser.isIdle { started = nil }
        park(connection, .reading(idleSince: idleSince, requestStart: started), events: Self.readEvents)
    }

    /// Reads and drops input after an error response until the peer closes.
    private func dropInput(_ connection: Connection, since: Double, buffer: inout [UInt8]) {
        for _ in 0..<Self.maxReadsPerEvent {
            let n = buffer.withUnsafeMutableBytes { read(connection.fd, $0.baseAddress, $0.count) }
            if n > 0 { continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
            closeConnection(connection)
            return
        }
        park(connection, .lingering(since: since), events: Self.readEvents)
    }

    /// Hands a complete request (or a parse error, whose page the handlers render) to the handler
    /// pool; when the pool refuses, answers a fixed 503 (or the bare parse error) at once on this
    /// thread. Only handlers their routes declare non-blocking (`inline`: memory or a small local
    /// file) run here, and fast handlers that answer from memory or hand the request on; nothing
    /// else does, so this thread only ever waits on epoll.
    func process(_ connection: Connection, _ event: RequestParser.Event) {
        connection.logStart = Socket.now()
        if case .request(let request) = event, let runsInline = configuration.runsInline,
           runsInline(request.method, request.path) {
            send(connection, responder.respond(to: event, remoteAddress: connection.remoteAddress, draining: isDraining))
            return
        }
        if case .request(let request) = event, let fast = configuration.fastPath,
           let answer = responder.respondFast(request, fast, remoteAddress: connection.remoteAddress, draining: isDraining) {
            send(connection, answer)
            return
        }
        let accepted = handlers.submit(client: connection.remoteAddress, { [self] in
            let result = responder.respond(to: event, remoteAddress: connection.remoteAddress, draining: isDraining)
            connection.output = result.0
            connection.log = result.1
        }, then: { [self] in
            // Writing belongs to the I/O threads: arm for writability, and one of them sends it.
            park(connection, .writing(lastProgress: Socket.now()), events: Self.writeEvents)
        })
        if !accepted {
            send(connection, responder.refused(event, remoteAddress: connection.remoteAddress))
        }
    }

    private var isDraining: () -> Bool {
        { [self] in shutdownRequested.load(ordering: .relaxed) }
    }

    /// Writes a response prepared on this thread and goes on as after any response.
    private func send(_ connection: Connection, _ result: (OutgoingResponse, AccessLogEntry)) {
        connection.output = result.0
        connection.log = result.1
        continueWriting(connection)
    }

    private func continueWriting(_ connection: Connection) {
        guard let output = connection.output else {
            closeConnection(connection)
            return
        }
        switch output.write(to: connection.fd) {
        case .failed:
            closeConnection(connection)
        case .blocked:
            park(connection, .writing(lastProgress: Socket.now()), events: Self.writeEvents)
        case .done:
            if let next = completeResponse(connection) { process(connection, next) }
        }
    }

    /// After a response is fully sent: log it, then close, park for reading, or return the next
    /// pipelined request already in the buffer.
    private func completeResponse(_ connection: Connection) -> RequestParser.Event? {
        if var entry = connection.log, let accessLog {
            entry.durationMs = (Socket.now() - connection.logStart) * 1000
            accessLog(entry)
        }
        connection.log = nil
        let closeAfter = connection.output?.closeAfter ?? true
        connection.output = nil
        if connection.parser.hasFailed {
            // The peer may still be sending the request we refused; closing now would reset
            // the connection and could destroy the error response before it is read.
            shutdown(connection.fd, Int32(SHUT_WR))
            park(connection, .lingering(since: Socket.now()), events: Self.readEvents)
            return nil
        }
        if closeAfter || draining.load(ordering: .relaxed) && connection.parser.isIdle {
            closeConnection(connection)
            return nil
        }
        let event = connection.parser.next()
        connection.sendContinueIfRequested()
        guard case .needMore = event else { return event }
        let now = Socket.now()
        park(connection, .reading(idleSince: now, requestStart: connection.parser.isIdle ? nil : now), events: Self.readEvents)
        return nil
    }

    /// Hands the connection back to epoll. The phase is set first: once armed, another thread
    /// may claim it at once. Its fresh timestamps keep the timeout scan away until armed.
    private func park(_ connection: Connection, _ phase: Connection.Phase, events: UInt32) {
        connection.setPhase(phase)
        connections.control(.modify, connection.fd, events: events, data: connection.id)
    }
}
