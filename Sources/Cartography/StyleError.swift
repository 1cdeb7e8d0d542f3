/// Why a style cannot be read or drawn, in words an editor can act on.
public enum StyleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text is not a style JSON document (with where it went wrong).
    case invalidJSON(String)
    /// The style has no rule, so it would draw nothing.
    case noRules
    /// The style has more rules than a map legend can sensibly show (and a tile can afford).
    case tooManyRules(count: Int, limit: Int)
    /// The style's text is longer than any sensible style.
    case tooLong(bytes: Int, limit: Int)
    /// A rule (numbered from 1) breaks a limit.
    case invalidRule(number: Int, message: String)

    public var description: String {
        switch self {
        case .invalidJSON(let reason): return "the style is not valid style JSON: \(reason)"
        case .noRules: return "the style has no rules"
        case .tooManyRules(let count, let limit): return "the style has \(count) rules; at most \(limit) are allowed"
        case .tooLong(let bytes, let limit): return "the style's text is \(bytes) bytes; at most \(limit) are allowed"
        case .invalidRule(let number, let message): return "rule \(number): \(message)"
        }
    }
}
