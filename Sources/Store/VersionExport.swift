import Foundation
import Geometry
import GRDB

/// One version of a layer as export needs it.
public struct StoredVersion: Sendable, Equatable {
    public var layerID: Int64
    public var layerSlug: String
    public var layerTitle: String
    public var versionID: Int64
    public var number: Int
    /// pending, published, rejected or superseded.
    public var status: String
    public var sourceSRID: Int?
    public var encoding: String?
    public var featureCount: Int
}

/// What looking a version up for export found.
public enum VersionLookup: Sendable, Equatable {
    /// No active layer has that slug.
    case noLayer
    /// No version was asked for and none is published; `available` lists the version numbers.
    case noPublishedVersion(available: [Int])
    /// The version asked for does not exist; `available` lists the version numbers.
    case noSuchVersion(available: [Int])
    case found(StoredVersion)
}

/// One attribute value as stored in a feature's properties object.
public enum StoredProperty: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case boolean(Bool)
}

/// One stored feature: its geometry in EPSG:4326 and its attributes in their stored order.
public struct StoredFeature: Sendable {
    public var id: Int64
    public var geometry: Geometry
    public var properties: [(String, StoredProperty)]
}

extension LayerRepository {
    /// Version `number` of the layer `slug`, or its published version when `number` is nil.
    public func lookupVersion(slug: String, number: Int?) throws(StoreError) -> VersionLookup {
        try database.read { db in
            guard let layer = try Row.fetchOne(db, sql: """
                SELECT id, title, published_version_id FROM layers WHERE slug = ? AND status = 'active'
                """, arguments: [slug]) else { return .noLayer }
            let layerID: Int64 = layer[0]
            let numbers = try Int.fetchAll(db, sql: "SELECT number FROM layer_versions WHERE layer_id = ? ORDER BY number",
                                           arguments: [layerID])
            let select = """
                SELECT id, number, status, source_srid, encoding, feature_count FROM layer_versions WHERE layer_id = ? AND
                """
            let row: Row?
            if let number {
                row = try Row.fetchOne(db, sql: select + " number = ?", arguments: [layerID, number])
                if row == nil { return .noSuchVersion(available: numbers) }
            } else {
                guard let published: Int64 = layer[2] else { return .noPublishedVersion(available: numbers) }
                row = try Row.fetchOne(db, sql: select + " id = ?", arguments: [layerID, published])
            }
            guard let row else { return .noPublishedVersion(available: numbers) }
            return .found(StoredVersion(layerID: layerID, layerSlug: slug, layerTitle: layer[1], versionID: row[0],
                                        number: row[1], status: row[2], sourceSRID: row[3], encoding: row[4],
                                        featureCount: row[5]))
        }
    }
}

extension FeatureRepository {
    /// Every feature of `versionID` in id order, with its attributes in the order they were
    /// written (SQLite's `json_each` walks an object in document order).
    public func exportFeatures(versionID: Int64) throws(StoreError) -> [StoredFeature] {
        try database.read { db in
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT f.id, f.geom, j.key, j.type, j.atom, j.value
                FROM features f LEFT JOIN json_each(f.properties) j
                WHERE f.version_id = ? ORDER BY f.id, j.id
                """, arguments: [versionID])
            var out: [StoredFeature] = []
            while let row = try cursor.next() {
                let id: Int64 = row[0]
                if out.last?.id != id {
                    guard let blob: Data = row[1] else { continue }
                    out.append(StoredFeature(id: id, geometry: try Self.decode(blob, id: id).geometry, properties: []))
                }
                guard out.last?.id == id, let key: String = row[2], let type: String = row[3] else { continue }
                let value: StoredProperty
                switch type {
                case "integer": value = .integer(row[4])
                case "real": value = .real(row[4])
                case "text": value = .text(row[4])
                case "true": value = .boolean(true)
                case "false": value = .boolean(false)
                case "array", "object": value = .text(row[5])
                default: value = .null
                }
                out[out.count - 1].properties.append((key, value))
            }
            return out
        }
    }
}
