import Foundation
import HTTP
import Store
import Synchronization

/// Download files of layer versions (every `LayerExport.Format`), written once and sent from disk. A version's features never
/// change (an edit makes a new version), so a file stays valid for as long as its version; the
/// name holds the version's id, number and creation time, so a new database in the same data
/// folder never serves an old file. Files are written beside their final name and renamed into
/// place, so a reader never sees half a file; the features are streamed from the database to
/// disk one at a time, never held in memory together. One version is written by one request at
/// a time: those asking for it meanwhile wait for that file rather than writing their own.
final class ExportCache: Sendable {
    let directory: String
    private let flights = SingleFlight<String, String>()
    private let writes = Atomic<Int>(0)

    init(directory: String) {
        self.directory = directory
    }

    /// Files written since start-up (the tests read it to tell a cached file from a new one).
    var writeCount: Int { writes.load(ordering: .relaxed) }

    /// The path of `version`'s file in `format`, written now if it is not there yet.
    func file(for version: VersionRecord, slug: String, format: LayerExport.Format = .geojson,
              database: SpatialDatabase) throws -> String {
        let stamp = version.createdAt.filter(\.isNumber)
        let path = "\(directory)/\(version.layerID)-\(version.id)-v\(version.number)-\(stamp).\(format.rawValue)"
        if FileManager.default.fileExists(atPath: path) { return path }
        return try flights.run(path) {
            if FileManager.default.fileExists(atPath: path) { return path }
            try write(version, slug: slug, format: format, database: database, to: path)
            return path
        }
    }

    /// Writes `version`'s file at `path`.
    private func write(_ version: VersionRecord, slug: String, format: LayerExport.Format, database: SpatialDatabase,
                       to path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw HTTPError(500, "cannot create the export folder \(directory): \(error)")
        }
        let export = LayerExport(database: database)
        do {
            let stored = try export.version(slug: slug, number: version.number)
            guard stored.versionID == version.id else { throw HTTPError(404, "no such layer") }
            writes.add(1, ordering: .relaxed)
            try export.write(stored, format: format, to: path)
        } catch let error as ImportError {
            throw HTTPError(500, "\(format.rawValue) export of \(slug) version \(version.number) failed: \(error)")
        }
    }
}
