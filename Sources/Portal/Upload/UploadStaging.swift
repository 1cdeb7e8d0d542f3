import Foundation
import Glibc
import HTTP

/// One file waiting between the upload form and its import: who sent it, for which layer, and
/// where it lies (`<uploads>/<token>/<file name>`). Its description is kept beside it, in the
/// token's folder, so a restart of the server loses nothing but running imports.
struct StagedUpload: Sendable, Codable, Equatable {
    /// The random name of the upload's folder, also the key of its pages.
    var token: String
    /// The user who uploaded it; nobody else reaches its pages.
    var ownerUserID: Int64
    /// The user's agency when uploading.
    var agencyCode: String
    /// The name as the browser sent it (recorded on the version).
    var originalName: String
    /// The name it is stored under: `originalName` made safe for the file system.
    var fileName: String
    var size: Int
    /// The layer a new version is for; nil for a new layer.
    var layerSlug: String?
    /// The title a new layer was given on the form, if any.
    var title: String?
    var createdAt: Date
}

/// Why the staging area refused a file.
enum StagingProblem: Error, Equatable {
    /// No file was chosen, or it is empty.
    case noFile
    /// The disk refused the file.
    case cannotStore
}

/// The folder of staged uploads under the portal's data directory. Files are moved in (renamed
/// when the server already streamed them to disk), read in place by the import, and removed when
/// the import ends or the upload is abandoned.
struct UploadStaging: Sendable {
    /// `<data directory>/uploads`.
    let root: String
    /// An upload older than this, not being imported, is abandoned.
    static let maxAge: TimeInterval = 60 * 60
    /// The name of the description file in each token's folder; a dot keeps it apart from any
    /// sanitized upload name.
    static let descriptionName = ".upload.json"
    /// The name of the marker an import leaves in its token's folder while it runs: a folder
    /// still marked when the server starts belongs to an import the process did not finish.
    static let importingMarker = ".importing"
    /// The longest stored file name, in characters.
    static let maxNameLength = 120

    init(dataDirectory: String) {
        root = dataDirectory + "/uploads"
    }

    /// The folder of `token`.
    func folder(_ token: String) -> String { root + "/" + token }

    /// Where the staged file of `upload` lies.
    func path(of upload: StagedUpload) -> String { folder(upload.token) + "/" + upload.fileName }

    /// Stores the file `part` under a new token and returns its description.
    func stage(_ part: MultipartPart, owner: Int64, agencyCode: String, layerSlug: String?, title: String?,
               now: Date = Date()) throws(StagingProblem) -> StagedUpload {
        let original = (part.filename ?? "").precomposedStringWithCanonicalMapping
        guard !Self.baseName(original).isEmpty, part.body.count > 0 else { throw .noFile }
        let token = Tokens.random(bytes: 24)
        let upload = StagedUpload(token: token, ownerUserID: owner, agencyCode: agencyCode, originalName: Self.baseName(original),
                                  fileName: Self.sanitized(original), size: part.body.count, layerSlug: layerSlug,
                                  title: title, createdAt: now)
        do {
            try FileManager.default.createDirectory(atPath: folder(token), withIntermediateDirectories: true)
            switch part.body {
            case .file(let source, _):
                try Self.move(source, to: path(of: upload))
            case .bytes(let bytes):
                guard FileManager.default.createFile(atPath: path(of: upload), contents: Data(bytes)) else {
                    throw CocoaError(.fileWriteUnknown)
                }
            case .none:
                throw StagingProblem.noFile
            }
            try JSONEncoder().encode(upload).write(to: URL(fileURLWithPath: folder(token) + "/" + Self.descriptionName))
        } catch {
            remove(token)
            throw error as? StagingProblem ?? .cannotStore
        }
        return upload
    }

    /// The staged upload of `token`, or nil when there is none (or the token is malformed).
    func find(_ token: String) -> StagedUpload? {
        guard Self.isWellFormed(token),
              let data = FileManager.default.contents(atPath: folder(token) + "/" + Self.descriptionName),
              let upload = try? JSONDecoder().decode(StagedUpload.self, from: data), upload.token == token else { return nil }
        return upload
    }

    /// The uploads of `owner` lying in the staging folder, oldest first.
    func uploads(ownedBy owner: Int64) -> [StagedUpload] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
        return names.compactMap(find).filter { $0.ownerUserID == owner }.sorted { $0.createdAt < $1.createdAt }
    }

    /// Deletes the folder of `token` and everything in it.
    func remove(_ token: String) {
        guard Self.isWellFormed(token) else { return }
        try? FileManager.default.removeItem(atPath: folder(token))
    }

    /// Marks `token`'s upload as being imported.
    func markImporting(_ token: String) {
        guard Self.isWellFormed(token) else { return }
        _ = FileManager.default.createFile(atPath: folder(token) + "/" + Self.importingMarker, contents: nil)
    }

    /// Deletes uploads older than `maxAge` (by their description, or the folder's date when it
    /// has none) and — at start-up only, when no import can be running — uploads marked as being
    /// imported (ones a stopped process left unfinished); returns the tokens removed. `isActive`
    /// is asked for each upload just before it would be removed, so an import queued while the
    /// sweep runs keeps its file.
    @discardableResult
    func sweep(now: Date = Date(), atStartUp: Bool, isActive: (String) -> Bool) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
        var removed: [String] = []
        for name in names {
            let created = find(name)?.createdAt
                ?? (try? FileManager.default.attributesOfItem(atPath: root + "/" + name)[.modificationDate] as? Date) ?? nil
                ?? .distantPast
            let interrupted = atStartUp && FileManager.default.fileExists(atPath: root + "/" + name + "/" + Self.importingMarker)
            guard interrupted || now.timeIntervalSince(created) > Self.maxAge, !isActive(name) else { continue }
            try? FileManager.default.removeItem(atPath: root + "/" + name)
            removed.append(name)
        }
        return removed
    }

    /// Moves `source` to `destination`: a rename on the same file system, else a copy (the
    /// server deletes its temporary file after the response).
    static func move(_ source: String, to destination: String) throws {
        if rename(source, destination) == 0 { return }
        try FileManager.default.copyItem(atPath: source, toPath: destination)
    }

    /// Whether `token` can name an upload: the URL-safe alphabet of `Tokens.random`, 20 to 64 long.
    static func isWellFormed(_ token: String) -> Bool {
        (20...64).contains(token.utf8.count) && token.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F
        }
    }

    /// The last component of a name a browser sent (some send a whole Windows path).
    static func baseName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        return last.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A file name safe to store: letters (Vietnamese included), digits, `.`, `-` and `_`; other
    /// characters become `_`; no leading dot; at most `maxNameLength` characters, extension kept.
    static func sanitized(_ name: String) -> String {
        var out = String(baseName(name).precomposedStringWithCanonicalMapping.map { character -> Character in
            character.isLetter || character.isNumber || character == "." || character == "-" || character == "_" ? character : "_"
        })
        while out.hasPrefix(".") { out.removeFirst() }
        if out.count > maxNameLength {
            let ext = (out as NSString).pathExtension
            let keep = ext.isEmpty || ext.count > 10 ? "" : "." + ext
            out = String(out.prefix(maxNameLength - keep.count)) + keep
        }
        return out.isEmpty ? "upload" : out
    }
}
