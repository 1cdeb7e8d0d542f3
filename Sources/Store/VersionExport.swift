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
                SELECT id, title, published_version_id FROM layers l WHERE slug = ? AND \(LayerRepository.readyCondition)
                """, arguments: [slug]) else { return .noLayer }
            let layerID: Int64 = layer[0]
            let numbers = try Int.fetchAll(db, sql: "SELECT number FROM layer_versions WHERE layer_id = ? AND import_state IS NULL ORDER BY number",
                                           arguments: [layerID])
            let select = """
                SELECT id, number, status, source_srid, encoding, feature_count FROM layer_versions
                WHERE layer_id = ? AND import_state IS NULL AND
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
    /// Hands every feature of `versionID` to `body` in id order, with its attributes in the
    /// order they were written. Features come from a cursor over the version's index (no sort of
    /// the whole version) and each one's attributes from `json_each` over its own object, so
    /// memory holds one feature whatever the size of the version. `body` answers whether to go
    /// on; false stops the reading. Features whose geometry is missing are skipped.
    public func forEachExportFeature(versionID: Int64, _ body: (StoredFeature) -> Bool) throws(StoreError) {
        try database.read { db in
            let features = try Row.fetchCursor(db, sql: """
                SELECT id, geom, properties FROM features WHERE version_id = ? ORDER BY id
                """, arguments: [versionID])
            let members = try db.cachedStatement(sql: "SELECT key, type, atom, value FROM json_each(?) ORDER BY id")
            while let row = try features.next() {
                let id: Int64 = row[0]
                guard let blob: Data = row[1] else { continue }
                var feature = StoredFeature(id: id, geometry: try Self.decode(blob, id: id).geometry, properties: [])
                let properties: String? = row[2]
                let cursor = try Row.fetchCursor(members, arguments: [properties])
                while let member = try cursor.next() {
                    guard let key: String = member[0], let type: String = member[1] else { continue }
                    feature.properties.append((key, Self.stored(type: type, atom: member[2], value: member[3])))
                }
                if !body(feature) { return }
            }
        }
    }
}

/// What a file writer needs of a version before its first feature (see `exportShape`).
public struct VersionShape: Sendable, Equatable {
    /// The fields in source order with the kind of their values.
    public var fields: [VersionField]
    /// The longest value of each field as text, in UTF-8 bytes, by field name.
    public var maxBytes: [String: Int]
    /// The OGC names of the geometry types present ("Point", "MultiPolygon"…).
    public var geometryTypes: Set<String>
}

extension FeatureRepository {
    /// The fields, widest values and geometry types of `versionID`: two passes over the
    /// version in SQL, once per export file.
    public func exportShape(versionID: Int64) throws(StoreError) -> VersionShape {
        let fields = try fields(versionID: versionID)
        return try database.read { db in
            var widths: [String: Int] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT j.key, max(length(CAST(j.value AS BLOB))) FROM features f, json_each(f.properties) j
                WHERE f.version_id = ? AND j.type <> 'null' AND \(Self.isObject) GROUP BY j.key
                """, arguments: [versionID])
            while let row = try rows.next() { widths[row[0]] = row[1] }
            let names = try String.fetchAll(db, sql: """
                SELECT DISTINCT GeometryType(geom) FROM features WHERE version_id = ? AND geom IS NOT NULL
                """, arguments: [versionID])
            let types = Set(names.compactMap { name in Self.ogcTypeNames[name.split(separator: " ").first.map(String.init) ?? ""] })
            return VersionShape(fields: fields, maxBytes: widths, geometryTypes: types)
        }
    }

    /// SpatiaLite's geometry type names and the OGC ones.
    static let ogcTypeNames = [
        "POINT": "Point", "MULTIPOINT": "MultiPoint", "LINESTRING": "LineString", "MULTILINESTRING": "MultiLineString",
        "POLYGON": "Polygon", "MULTIPOLYGON": "MultiPolygon", "GEOMETRYCOLLECTION": "GeometryCollection",
    ]
}
