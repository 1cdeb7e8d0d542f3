import Foundation
import Formats
import Geometry
import Store

/// Exports a layer version through the same writers the portal offers for download:
/// a GeoJSON FeatureCollection in EPSG:4326, attributes in the order they were imported.
public struct LayerExport: Sendable {
    /// The formats export writes.
    public enum Format: String, Sendable, CaseIterable {
        case geojson
    }

    let database: SpatialDatabase

    public init(database: SpatialDatabase) {
        self.database = database
    }

    /// The version `number` of layer `slug`, or its published version when `number` is nil.
    public func version(slug: String, number: Int?) throws(ImportError) -> StoredVersion {
        let lookup: VersionLookup
        do {
            lookup = try LayerRepository(database).lookupVersion(slug: slug, number: number)
        } catch {
            throw .store(error)
        }
        switch lookup {
        case .noLayer: throw .unknownLayer(slug)
        case .noPublishedVersion(let available): throw .noPublishedVersion(slug: slug, available: available)
        case .noSuchVersion(let available): throw .noSuchVersion(slug: slug, number: number ?? 0, available: available)
        case .found(let version): return version
        }
    }

    /// The features of `version` as the writers take them, all in memory (for small versions
    /// and checks; `write` streams instead).
    public func features(of version: StoredVersion) throws(ImportError) -> [ImportedFeature] {
        var out: [ImportedFeature] = []
        do {
            try FeatureRepository(database).forEachExportFeature(versionID: version.versionID) { feature in
                out.append(Self.imported(feature, recordNumber: out.count + 1))
                return true
            }
        } catch {
            throw .store(error)
        }
        return out
    }

    /// Writes `version` in `format` to the file at `path` — through a temporary file beside it,
    /// renamed into place once complete — or to standard output when `path` is nil. Features go
    /// from the database to the file one at a time, so memory stays flat whatever the size of
    /// the version. Returns the number of features written.
    @discardableResult
    public func write(_ version: StoredVersion, format: Format = .geojson, to path: String?) throws(ImportError) -> Int {
        guard let path else {
            return try stream(version, to: FileHandle.standardOutput, describedAs: "standard output")
        }
        let target = URL(fileURLWithPath: path)
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).part")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: temporary) else {
            throw .cannotWrite(path: path, reason: "the folder is missing or not writable")
        }
        let count: Int
        do {
            count = try stream(version, to: handle, describedAs: path)
            try? handle.synchronize()
            try? handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        if rename(temporary.path, target.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .cannotWrite(path: path, reason: reason)
        }
        return count
    }

    /// Writes `version` as a GeoJSON collection to `handle`, each feature as it is read;
    /// `name` says where the text goes in a failure's message. Returns the number of features.
    func stream(_ version: StoredVersion, to handle: FileHandle, describedAs name: String) throws(ImportError) -> Int {
        var stream = GeoJSONWriter().stream(to: handle)
        var failure: FormatError?
        do throws(StoreError) {
            try FeatureRepository(database).forEachExportFeature(versionID: version.versionID) { feature in
                do throws(FormatError) {
                    try stream.append(Self.imported(feature, recordNumber: stream.count + 1))
                    return true
                } catch {
                    failure = error
                    return false
                }
            }
        } catch {
            throw .store(error)
        }
        do throws(FormatError) {
            if let failure { throw failure }
            try stream.finish()
        } catch {
            throw .cannotWrite(path: name, reason: error.description)
        }
        return stream.count
    }

    /// A stored feature as the writers take it.
    static func imported(_ feature: StoredFeature, recordNumber: Int) -> ImportedFeature {
        ImportedFeature(geometry: feature.geometry, properties: feature.properties.map { ($0.0, value($0.1)) },
                        recordNumber: recordNumber)
    }

    /// A stored attribute value as the writers take it.
    static func value(_ stored: StoredProperty) -> AttributeValue {
        switch stored {
        case .null: return .null
        case .integer(let number): return .integer(number)
        case .real(let number): return .real(number)
        case .text(let text): return .text(text)
        case .boolean(let flag): return .boolean(flag)
        }
    }
}
