import Glibc

/// What worker threads do with a connection they have claimed.
extension EventLoop {
    private static let readBufferSize = 64 * 1024
    private static let maxReadsPerEvent = 16

    /// A worker thread's body: wait for one ready connection, claim it, serve it; until stopped.
    func workerLoop() {
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

    /// Responds, writes, and keeps serving pipelined requests while the socket keeps up.
    private func process(_ connection: Connection, _ first: RequestParser.Event) {
        var event = first
        while true {
            connection.logStart = Socket.now()
            let (output, entry) = responder.respond(to: event, remoteAddress: connection.remoteAddress,
                                                    draining: { shutdownRequested.load(ordering: .relaxed) })
            connection.output = output
            connection.log = entry
            switch output.write(to: connection.fd) {
            case .failed:
                closeConnection(connection)
                return
            case .blocked:
                park(connection, .writing(lastProgress: Socket.now()), events: Self.writeEvents)
                return
            case .done:
                guard let next = completeResponse(connection) else { return }
                event = next
            }
        }
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
