/// Why a style cannot be read or drawn, in words an editor can act on.
public enum StyleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text is not a style JSON document (with where it went wrong).
    case invalidJSON(String)
    /// The style has no rule, so it would draw nothing.
    case noRules
    /// A rule (numbered from 1) breaks a limit.
    case invalidRule(number: Int, message: String)

    public var description: String {
        switch self {
        case .invalidJSON(let reason): return "the style is not valid style JSON: \(reason)"
        case .noRules: return "the style has no rules"
        case .invalidRule(let number, let message): return "rule \(number): \(message)"
        }
    }
}
