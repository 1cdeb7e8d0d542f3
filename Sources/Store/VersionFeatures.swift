import Foundation
import Geometry
import GRDB

/// One feature of a layer version as the map reads it: geometry in EPSG:4326 decoded from
/// SpatiaLite's BLOB, the attributes a style asked for, and the whole attribute object when
/// asked for (identify).
public struct VersionFeature: Sendable {
    public let id: Int64
    public let geometry: Geometry
    /// The box stored in the BLOB header (EPSG:4326).
    public let mbr: BoundingBox
    /// Values of the requested attribute names, in order (`.null` where missing).
    public let attributes: [SpatialTableSource.Value]
    /// The attribute object as stored (JSON text), or nil when not asked for.
    public let propertiesJSON: String?
}

/// What the map needs of a layer beyond its summary: which version is published (its id, not
/// its number) and the stored style JSON.
public struct LayerMapState: Sendable, Equatable {
    public let layerID: Int64
    public let publishedVersionID: Int64?
    public let styleJSON: String?
}

extension FeatureRepository {
    /// Features of `versionID` whose box intersects `box` (EPSG:4326), found through the
    /// spatial index `idx_features_geom`, in id order, at most `limit`.
    /// - Parameters:
    ///   - attributes: attribute names to read from the properties object, in order.
    ///   - withProperties: also return each feature's whole properties JSON.
    public func features(versionID: Int64, intersecting box: BoundingBox, attributes: [String] = [],
                         withProperties: Bool = false, limit: Int = 10_000) throws(StoreError) -> [VersionFeature] {
        var out: [VersionFeature] = []
        do {
            try forEachFeature(versionID: versionID, intersecting: box, attributes: attributes,
                               withProperties: withProperties, limit: limit) { out.append($0) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.database("\(error)")
        }
        return out
    }

    /// `features(versionID:intersecting:…)` handed to `body` one at a time as the cursor reads
    /// them, inside the read: nothing is gathered first, whatever the number of features. What
    /// `body` throws ends the read and comes out as it was thrown.
    public func forEachFeature(versionID: Int64, intersecting box: BoundingBox, attributes: [String] = [],
                               withProperties: Bool = false, limit: Int,
                               _ body: (VersionFeature) throws -> Void) throws {
        guard !box.isEmpty, limit > 0 else { return }
        let (columns, paths) = Self.attributeColumns(attributes)
        let sql = """
            SELECT f.id, f.geom\(withProperties ? ", f.properties" : ", NULL")\(columns)
            FROM features f
            WHERE f.version_id = ? AND f.geom IS NOT NULL AND f.id IN (
              SELECT pkid FROM idx_features_geom WHERE xmin <= ? AND xmax >= ? AND ymin <= ? AND ymax >= ?)
            ORDER BY f.id LIMIT ?
            """
        var arguments = StatementArguments(paths)
        arguments += [versionID, box.maxX, box.minX, box.maxY, box.minY, limit]
        var bodyError: (any Error)?
        try database.read { db in
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try cursor.next() {
                let id: Int64 = row[0]
                guard let decoded = try row.withUnsafeData(atIndex: 1, { try $0.map { try Self.decode($0, id: id) } }),
                      decoded.mbr.intersects(box) else { continue }
                do {
                    try body(VersionFeature(
                        id: id, geometry: decoded.geometry, mbr: decoded.mbr,
                        attributes: (0..<attributes.count).map { Self.value(row, 3 + $0) },
                        propertiesJSON: row[2]))
                } catch {
                    bodyError = error
                    return
                }
            }
        }
        if let bodyError { throw bodyError }
    }

    /// Loads every feature of `versionID` into an in-memory index in Web Mercator, with
    /// generalized copies for low zooms (see `SpatialTableIndex`), reading `attributes` from
    /// the properties object.
    public func loadIndex(versionID: Int64, attributes: [String] = []) throws(StoreError) -> SpatialTableIndex {
        let (columns, paths) = Self.attributeColumns(attributes)
        let sql = "SELECT f.id, f.geom, NULL\(columns) FROM features f WHERE f.version_id = ? AND f.geom IS NOT NULL ORDER BY f.id"
        var arguments = StatementArguments(paths)
        arguments += [versionID]
        var builder = SpatialTableIndex.Builder(attributeCount: attributes.count)
        try database.read { db in
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try cursor.next() {
                let id: Int64 = row[0]
                guard let decoded = try row.withUnsafeData(atIndex: 1, { try $0.map { try Self.decode($0, id: id) } })
                else { continue }
                builder.add(id: id, geometry: decoded.geometry.projectedToWebMercator(),
                            attributes: (0..<attributes.count).map { Self.value(row, 3 + $0) })
            }
        }
        return builder.build(attributeNames: attributes)
    }

    /// SQL columns reading each attribute name from the properties object (`json_extract`
    /// with a bound path), and the paths to bind, in order.
    static func attributeColumns(_ names: [String]) -> (String, [String]) {
        let columns = names.map { _ in ", json_extract(f.properties, ?)" }.joined()
        // A quoted JSON path member; a name holding a quote cannot be addressed and reads null.
        let paths = names.map { $0.contains("\"") ? "$.\"\u{1}\"" : "$.\"\($0)\"" }
        return (columns, paths)
    }

    static func decode(_ blob: Data, id: Int64) throws -> SpatiaLiteBlob.Decoded {
        do {
            return try SpatiaLiteBlob.decode(blob)
        } catch {
            throw StoreError.database("feature \(id): \(error)")
        }
    }

    static func value(_ row: Row, _ index: Int) -> SpatialTableSource.Value {
        let value: DatabaseValue = row[index]
        switch value.storage {
        case .int64(let i): return .integer(i)
        case .double(let d): return .real(d)
        case .string(let s): return .text(s)
        case .blob, .null: return .null
        }
    }
}

extension LayerRepository {
    /// The published version id and stored style of a layer; nil when there is no such layer.
    /// Answered from memory while no commit has changed the layers' tables since it was read.
    public func mapState(layerID: Int64) throws(StoreError) -> LayerMapState? {
        if let cached = database.layerFacts.mapState(layerID) { return cached }
        let revision = database.layerFacts.current
        let state = try mapStates(layerIDs: [layerID])[layerID]
        database.layerFacts.store(layerID, state, readAt: revision)
        return state
    }

    /// What `mapState` would answer, from memory only: nil when it is not known there.
    public func cachedMapState(layerID: Int64) -> LayerMapState?? { database.layerFacts.mapState(layerID) }

    /// `mapState` for several layers at once, by layer id.
    public func mapStates(layerIDs: [Int64]) throws(StoreError) -> [Int64: LayerMapState] {
        guard !layerIDs.isEmpty else { return [:] }
        let marks = layerIDs.map { _ in "?" }.joined(separator: ",")
        return try database.read { db in
            var out: [Int64: LayerMapState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, published_version_id, style FROM layers WHERE id IN (\(marks))",
                                        arguments: StatementArguments(layerIDs)) {
                let state = LayerMapState(layerID: row[0], publishedVersionID: row[1], styleJSON: row[2])
                out[state.layerID] = state
            }
            return out
        }
    }

    /// Stores a layer's style JSON (nil: back to the default style of its geometry kind).
    /// The caller validates the JSON; tiles of the new style get new cache keys.
    public func updateStyle(slug: String, styleJSON: String?) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: """
                UPDATE layers SET style = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE slug = ?
                """, arguments: [styleJSON, slug])
            if db.changesCount == 0 { throw StoreError.notFound("layer \(slug)") }
        }
    }
}
