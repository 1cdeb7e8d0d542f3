import Foundation

/// Failures of the portal application outside a request: configuration and start-up.
public enum PortalError: Error, CustomStringConvertible {
    case configuration(String)
    case template(String)
    case locale(String)

    public var description: String {
        switch self {
        case .configuration(let message): return message
        case .template(let message): return "templates: \(message)"
        case .locale(let message): return "locales: \(message)"
        }
    }
}
