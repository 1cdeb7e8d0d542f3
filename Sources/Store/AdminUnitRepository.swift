import Foundation
import Geometry
import GRDB

/// Administrative boundaries: the province and its communes.
public struct AdminUnitRepository: Sendable {
    let database: SpatialDatabase
    public init(_ database: SpatialDatabase) { self.database = database }

    /// Adds a unit with its boundary as WKT (POLYGON or MULTIPOLYGON) in EPSG:4326.
    public func insert(code: String, name: String, level: String, parentCode: String?, wkt: String) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO admin_units(code, name, level, parent_code, geom)
                VALUES (?, ?, ?, ?, CastToMultiPolygon(GeomFromText(?, 4326)))
                """, arguments: [code, name, level, parentCode, wkt])
        }
    }

    /// Builds the province outline as the union of its current communes.
    public func insertProvinceAsUnionOfCommunes(code: String, name: String) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO admin_units(code, name, level, parent_code, geom)
                SELECT ?, ?, 'province', NULL, CastToMultiPolygon(ST_Union(geom))
                FROM admin_units WHERE level = 'commune' AND valid_to IS NULL
                """, arguments: [code, name])
        }
    }

    /// Current units of a level, with area in km² on the ellipsoid.
    public func current(level: String) throws(StoreError) -> [(code: String, name: String, areaKm2: Double)] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT code, name, ST_Area(geom, 1) / 1e6 AS km2 FROM admin_units
                WHERE level = ? AND valid_to IS NULL ORDER BY name
                """, arguments: [level]).map { ($0["code"], $0["name"], $0["km2"]) }
        }
    }

    /// Every current unit with its level and extent in EPSG:4326, for finding places by name.
    public func currentPlaces() throws(StoreError) -> [AdminPlace] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT code, name, level, MbrMinX(geom), MbrMinY(geom), MbrMaxX(geom), MbrMaxY(geom) FROM admin_units
                WHERE valid_to IS NULL ORDER BY level = 'province' DESC, name
                """).map { row in
                AdminPlace(code: row[0], name: row[1], level: row[2],
                           extent: BoundingBox(minX: row[3] ?? 0, minY: row[4] ?? 0, maxX: row[5] ?? 0, maxY: row[6] ?? 0))
            }
        }
    }
}

/// A current administrative unit, as search finds it.
public struct AdminPlace: Sendable, Equatable {
    public var code: String
    public var name: String
    /// "province" or "commune".
    public var level: String
    public var extent: BoundingBox
}
