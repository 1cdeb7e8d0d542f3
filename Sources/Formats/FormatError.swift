import Foundation

/// Everything that can stop a data file from being read, worded for the data officer who
/// uploaded it: which file, where in it, and what is wrong.
///
/// `file` is the name the person knows (the uploaded name, or the member of a zip such as
/// "roads.dbf"); `location` is a record, row, feature or field inside it ("record 17",
/// "row 5", "feature 3"), or nil when the problem concerns the whole file.
public enum FormatError: Error, Sendable, Equatable {
    /// The file could not be opened or read at all.
    case cannotRead(file: String, reason: String)
    /// An export could not be written.
    case cannotWrite(file: String, reason: String)
    /// The file is not in a format this portal reads.
    case unsupported(file: String, reason: String)
    /// The content is malformed or holds a value that cannot be used.
    case invalid(file: String, location: String?, problem: String)
    /// The file goes beyond one of the `ImportLimits`.
    case limitExceeded(file: String, problem: String)
    /// A zip archive holds an entry that is unsafe to extract.
    case unsafeArchive(file: String, entry: String, problem: String)
    /// The file holds several layers and none was chosen, or the chosen one is missing.
    case layerChoice(file: String, requested: String?, available: [String])
}

extension FormatError: CustomStringConvertible, LocalizedError {
    public var description: String {
        switch self {
        case .cannotRead(let file, let reason):
            return "\(file): cannot be read (\(reason))"
        case .cannotWrite(let file, let reason):
            return "\(file): cannot be written (\(reason))"
        case .unsupported(let file, let reason):
            return "\(file): \(reason)"
        case .invalid(let file, let location, let problem):
            if let location { return "\(file): \(location): \(problem)" }
            return "\(file): \(problem)"
        case .limitExceeded(let file, let problem):
            return "\(file): \(problem)"
        case .unsafeArchive(let file, let entry, let problem):
            return "\(file): zip entry \(entry) \(problem)"
        case .layerChoice(let file, let requested, let available):
            let list = available.joined(separator: ", ")
            if let requested {
                return "\(file): has no layer named \"\(requested)\"; it holds \(list)"
            }
            return "\(file): holds several layers (\(list)); choose one of them"
        }
    }

    public var errorDescription: String? { description }
}
