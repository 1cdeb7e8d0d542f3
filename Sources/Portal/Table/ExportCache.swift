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
/// `prune` keeps the folder to what downloads still need: at start-up, and at most hourly after
/// a new file is written.
final class ExportCache: Sendable {
    let directory: String
    private let flights = SingleFlight<String, String>()
    private let writes = Atomic<Int>(0)
    /// When the folder was last pruned (seconds since 1970).
    private let lastPrune = Atomic<Int>(0)
    /// How long a file of a version no longer published is kept after it was written.
    static let unpublishedAge: TimeInterval = 86_400

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
            let now = Int(Date().timeIntervalSince1970)
            if now - lastPrune.load(ordering: .relaxed) >= 3600 { prune(database) }
            return path
        }
    }

    /// Prunes against the versions `database` holds now; the names removed.
    @discardableResult
    func prune(_ database: SpatialDatabase, now: Date = Date()) -> [String] {
        guard let ids = try? VersionRepository(database).versionIDs() else { return [] }
        return prune(existing: ids.all, published: ids.published, now: now)
    }

    /// Removes what no download needs: files of versions that no longer exist, files of versions
    /// not published written more than `unpublishedAge` ago (an owner who asks again gets a new
    /// one), and the pieces a writer killed midway left, once an hour old. The names removed.
    @discardableResult
    func prune(existing: Set<Int64>, published: Set<Int64>, now: Date = Date()) -> [String] {
        lastPrune.store(Int(now.timeIntervalSince1970), ordering: .relaxed)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var removed: [String] = []
        for name in names {
            let path = directory + "/" + name
            let written = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? now
            let age = now.timeIntervalSince(written)
            let parts = name.split(separator: "-", maxSplits: 2)
            let remove: Bool
            if name.hasPrefix(".") {
                remove = name.hasSuffix(".part") && age > 3600
            } else if parts.count == 3, let version = Int64(parts[1]) {
                remove = !existing.contains(version) || (!published.contains(version) && age > Self.unpublishedAge)
            } else {
                remove = false   // not one of ours: left alone
            }
            if remove, (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(name) }
        }
        return removed.sorted()
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
