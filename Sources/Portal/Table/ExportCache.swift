import Foundation
import HTTP
import Store

/// GeoJSON files of layer versions, written once and sent from disk. A version's features never
/// change (an edit makes a new version), so a file stays valid for as long as its version; the
/// name holds the version's id, number and creation time, so a new database in the same data
/// folder never serves an old file. Files are written beside their final name and renamed into
/// place, so a reader never sees half a file, and the features are streamed to disk, never
/// held as one text in memory.
struct ExportCache {
    let directory: String

    /// The path of `version`'s GeoJSON file, written now if it is not there yet.
    func file(for version: VersionRecord, slug: String, database: SpatialDatabase) throws -> String {
        let stamp = version.createdAt.filter(\.isNumber)
        let path = "\(directory)/\(version.layerID)-\(version.id)-v\(version.number)-\(stamp).geojson"
        if FileManager.default.fileExists(atPath: path) { return path }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw HTTPError(500, "cannot create the export folder \(directory): \(error)")
        }
        let export = LayerExport(database: database)
        do {
            let stored = try export.version(slug: slug, number: version.number)
            guard stored.versionID == version.id else { throw HTTPError(404, "no such layer") }
            try export.write(stored, to: path)
        } catch let error as ImportError {
            throw HTTPError(500, "export of \(slug) version \(version.number) failed: \(error)")
        }
        return path
    }
}
