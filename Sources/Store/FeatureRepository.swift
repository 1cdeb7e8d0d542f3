import Foundation
import GRDB

/// One feature to write: geometry as WKT or WKB in EPSG:4326, attributes as a JSON object text.
public struct NewFeature: Sendable {
    public enum Shape: Sendable { case wkt(String), wkb([UInt8]) }
    public var shape: Shape
    public var propertiesJSON: String
    public init(shape: Shape, propertiesJSON: String) {
        self.shape = shape
        self.propertiesJSON = propertiesJSON
    }
}

/// Features of layer versions.
public struct FeatureRepository: Sendable {
    let database: SpatialDatabase
    public init(_ database: SpatialDatabase) { self.database = database }

    /// Writes `features` into `versionID` in one transaction: all of them or none.
    public func insert(_ features: [NewFeature], versionID: Int64) throws(StoreError) {
        try database.write { db in
            let fromText = try db.cachedStatement(sql: "INSERT INTO features(version_id, properties, geom) VALUES (?, ?, GeomFromText(?, 4326))")
            let fromWKB = try db.cachedStatement(sql: "INSERT INTO features(version_id, properties, geom) VALUES (?, ?, GeomFromWKB(?, 4326))")
            for (index, feature) in features.enumerated() {
                do {
                    switch feature.shape {
                    case .wkt(let text):
                        try fromText.execute(arguments: [versionID, feature.propertiesJSON, text])
                    case .wkb(let bytes):
                        try fromWKB.execute(arguments: [versionID, feature.propertiesJSON, Data(bytes)])
                    }
                } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_NOTNULL {
                    throw StoreError.invalid("feature \(index + 1): the geometry could not be read")
                }
            }
        }
    }

    /// How many features a version holds.
    public func count(versionID: Int64) throws(StoreError) -> Int {
        try database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM features WHERE version_id = ?", arguments: [versionID]) ?? 0
        }
    }

    /// Writes each polygon cell cut along the current commune boundaries: one feature per piece,
    /// with `ma_xa`, `ten_xa` and `dien_tich_ha` (ellipsoidal area) added to its attributes.
    /// Returns how many features were written.
    @discardableResult
    public func insertCutByCommunes(_ cells: [NewFeature], versionID: Int64) throws(StoreError) -> Int {
        try database.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO features(version_id, properties, geom)
                SELECT ?1, json_set(?2, '$.ma_xa', a.code, '$.ten_xa', a.name,
                                    '$.dien_tich_ha', round(ST_Area(piece, 1) / 10000.0, 2)), piece
                FROM (SELECT a.code, a.name,
                             CastToMultiPolygon(ST_Intersection(a.geom, GeomFromText(?3, 4326))) AS piece
                      FROM admin_units a
                      WHERE a.level = 'commune' AND a.valid_to IS NULL
                        AND ST_Intersects(a.geom, GeomFromText(?3, 4326))) a
                WHERE piece IS NOT NULL AND ST_Area(piece) > 0
                """)
            var written = 0
            for cell in cells {
                guard case .wkt(let text) = cell.shape else { continue }
                try statement.execute(arguments: [versionID, cell.propertiesJSON, text])
                written += db.changesCount
            }
            return written
        }
    }
}
