import Glibc
import Synchronization

/// One client connection: its socket, parser and the response being written.
///
/// A connection is either parked in epoll (`reading` or `writing`, armed with EPOLLONESHOT) or
/// `busy`, claimed by exactly one thread. Claiming is a compare-and-set on `phase` under its lock,
/// so an I/O thread woken by epoll and the timeout scan can never both act on it. Only the claiming
/// thread touches `parser`, `output` and `log`.
final class Connection: @unchecked Sendable {
    enum Phase {
        /// Parked for request bytes; `requestStart` is when the first byte of a request arrived.
        case reading(idleSince: Double, requestStart: Double?)
        /// Parked for room to write the rest of `output`.
        case writing(lastProgress: Double)
        /// After an error response: our side is shut down, input is read and dropped until the
        /// peer closes, so the peer reads the response rather than a reset.
        case lingering(since: Double)
        /// Claimed by one thread (reading, running the handler or writing).
        case busy
    }

    /// Unique for the life of the server; the epoll data of this connection (fds get reused).
    let id: UInt64
    let fd: Int32
    let remoteAddress: String
    let parser: RequestParser
    var output: OutgoingResponse?
    var log: AccessLogEntry?
    var logStart = 0.0
    private let phaseLock: Mutex<Phase>

    init(id: UInt64, fd: Int32, remoteAddress: String, limits: ParserLimits, now: Double) {
        self.id = id
        self.fd = fd
        self.remoteAddress = remoteAddress
        self.parser = RequestParser(limits: limits, remoteAddress: remoteAddress)
        self.phaseLock = Mutex(.reading(idleSince: now, requestStart: nil))
    }

    /// Parks the connection (the caller then arms epoll) or marks it busy.
    func setPhase(_ phase: Phase) {
        phaseLock.withLock { $0 = phase }
    }

    /// Claims a parked connection for which `condition` holds; returns the phase it was parked
    /// in, or nil when it is busy elsewhere or the condition fails.
    func claim(if condition: (Phase) -> Bool = { _ in true }) -> Phase? {
        phaseLock.withLock { phase in
            if case .busy = phase { return nil }
            guard condition(phase) else { return nil }
            let parked = phase
            phase = .busy
            return parked
        }
    }

    /// Sends `HTTP/1.1 100 Continue` if the parser accepted a head that asked for it.
    func sendContinueIfRequested() {
        guard parser.continueRequested else { return }
        parser.continueRequested = false
        Self.sendBestEffort(fd, Self.continueBytes)
    }

    private static let continueBytes = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// One non-blocking send; for tiny interim or farewell messages.
    static func sendBestEffort(_ fd: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
    }

    /// Releases everything; the caller has already removed the connection from the registry.
    func close() {
        parser.discard()
        output?.releaseFile()
        output = nil
        Glibc.close(fd)
    }
}

/// The open connections by id, with a count per client address.
final class ConnectionRegistry: Sendable {
    private struct State {
        var connections: [UInt64: Connection] = [:]
        var perAddress: [String: Int] = [:]
    }
    private let state = Mutex(State())

    func insert(_ connection: Connection) {
        state.withLock {
            $0.connections[connection.id] = connection
            $0.perAddress[connection.remoteAddress, default: 0] += 1
        }
    }

    func remove(_ connection: Connection) {
        state.withLock {
            guard $0.connections.removeValue(forKey: connection.id) != nil else { return }
            let left = ($0.perAddress[connection.remoteAddress] ?? 1) - 1
            $0.perAddress[connection.remoteAddress] = left > 0 ? left : nil
        }
    }

    subscript(id: UInt64) -> Connection? {
        state.withLock { $0.connections[id] }
    }

    var count: Int { state.withLock { $0.connections.count } }

    /// Open connections from one client address.
    func count(from address: String) -> Int { state.withLock { $0.perAddress[address] ?? 0 } }

    var all: [Connection] { state.withLock { Array($0.connections.values) } }
}
