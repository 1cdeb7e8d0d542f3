import Foundation

/// Where the portal's files live: `Templates/`, `Public/`, `locales/` and `migrations/`.
///
/// Found, in order, at `$BANDO_RESOURCES`, then in the nearest folder above the executable that
/// holds all four, then in the current directory. Every folder is checked at start-up so a wrong
/// path fails loudly instead of rendering empty pages.
public struct Resources: Sendable {
    public let root: String
    public var templates: String { root + "/Templates" }
    public var publicFiles: String { root + "/Public" }
    public var locales: String { root + "/locales" }
    public var migrations: String { root + "/migrations" }

    static let required = ["Templates", "Public", "locales", "migrations"]

    public init(root: String) throws(PortalError) {
        for folder in Self.required {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root + "/" + folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw .configuration("resources folder \(root) has no \(folder)/ (set BANDO_RESOURCES to the folder that holds Templates/, Public/, locales/ and migrations/)")
            }
        }
        self.root = root
    }

    /// Finds the resources folder as described above.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                              executable: String = CommandLine.arguments.first ?? "") throws(PortalError) -> Resources {
        if let explicit = environment["BANDO_RESOURCES"], !explicit.isEmpty {
            return try Resources(root: explicit)
        }
        var candidates: [String] = []
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.path)
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(FileManager.default.currentDirectoryPath)
        for candidate in candidates where Self.required.allSatisfy({ FileManager.default.fileExists(atPath: candidate + "/" + $0) }) {
            return try Resources(root: candidate)
        }
        throw .configuration("cannot find the folder holding Templates/, Public/, locales/ and migrations/; set BANDO_RESOURCES")
    }
}
