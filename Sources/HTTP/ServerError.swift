import Glibc

/// Why the server could not start.
public enum ServerError: Error, CustomStringConvertible, Sendable {
    /// The host is not an address or resolvable name.
    case invalidHost(String)
    /// bind/listen failed, with the system's reason.
    case cannotListen(host: String, port: Int, reason: String)
    /// A system resource (epoll, eventfd, threads) could not be created.
    case systemResource(String, reason: String)
    /// `start()` was called twice.
    case alreadyStarted

    public var description: String {
        switch self {
        case .invalidHost(let host): "cannot resolve host \(host)"
        case .cannotListen(let host, let port, let reason): "cannot listen on \(host):\(port): \(reason)"
        case .systemResource(let what, let reason): "cannot create \(what): \(reason)"
        case .alreadyStarted: "the server has already been started"
        }
    }

    /// The system's message for an errno value, lower-cased like the shell's ("address already in use").
    static func reason(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text).lowercased()
    }
}
