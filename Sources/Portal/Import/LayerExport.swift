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

    /// The features of `version` as the writers take them.
    public func features(of version: StoredVersion) throws(ImportError) -> [ImportedFeature] {
        let stored: [StoredFeature]
        do {
            stored = try FeatureRepository(database).exportFeatures(versionID: version.versionID)
        } catch {
            throw .store(error)
        }
        return stored.enumerated().map { index, feature in
            ImportedFeature(geometry: feature.geometry, properties: feature.properties.map { ($0.0, Self.value($0.1)) },
                            recordNumber: index + 1)
        }
    }

    /// Writes `version` in `format` to the file at `path` — through a temporary file beside it,
    /// renamed into place once complete — or to standard output when `path` is nil.
    /// Returns the number of features written.
    @discardableResult
    public func write(_ version: StoredVersion, format: Format = .geojson, to path: String?) throws(ImportError) -> Int {
        let features = try features(of: version)
        let writer = GeoJSONWriter()
        guard let path else {
            do {
                try writer.write(features, to: FileHandle.standardOutput)
            } catch {
                throw .cannotWrite(path: "standard output", reason: error.description)
            }
            return features.count
        }
        let target = URL(fileURLWithPath: path)
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).part")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: temporary) else {
            throw .cannotWrite(path: path, reason: "the folder is missing or not writable")
        }
        do {
            try writer.write(features, to: handle)
            try? handle.synchronize()
            try? handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            throw .cannotWrite(path: path, reason: error.description)
        }
        if rename(temporary.path, target.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .cannotWrite(path: path, reason: reason)
        }
        return features.count
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
