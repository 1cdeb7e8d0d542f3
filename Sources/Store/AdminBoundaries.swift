import Foundation
import Geometry
import GRDB

extension AdminUnitRepository {
    /// A value that changes whenever the set of current boundaries changes (a unit added,
    /// closed or replaced), for cache keys of drawings made from them.
    public func boundariesRevision() throws(StoreError) -> String {
        try database.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT count(*), COALESCE(max(id), 0), COALESCE(max(valid_to), ''), COALESCE(sum(valid_to IS NULL), 0)
                FROM admin_units
                """) else { return "0" }
            let count: Int64 = row[0], maxID: Int64 = row[1], lastClosed: String = row[2], current: Int64 = row[3]
            let closed = lastClosed.filter { $0.isNumber }
            return "\(count)-\(maxID)-\(current)" + (closed.isEmpty ? "" : "-" + closed)
        }
    }

    /// Every current unit (province and communes) in memory, in Web Mercator, with its
    /// `level` as the one attribute, for drawing the basemap.
    public func currentBoundariesIndex() throws(StoreError) -> SpatialTableIndex {
        var builder = SpatialTableIndex.Builder(attributeCount: 1)
        try database.read { db in
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT id, geom, level FROM admin_units WHERE valid_to IS NULL AND geom IS NOT NULL ORDER BY id
                """)
            while let row = try cursor.next() {
                let id: Int64 = row[0]
                let level: String = row[2]
                guard let decoded = try row.withUnsafeData(atIndex: 1, { try $0.map { try SpatiaLiteBlob.decode($0) } })
                else { continue }
                builder.add(id: id, geometry: decoded.geometry.projectedToWebMercator(), attributes: [.text(level)])
            }
        }
        return builder.build(attributeNames: ["level"])
    }

    /// The box (EPSG:4326) of the current units of `level`, nil when there are none.
    public func currentExtent(level: String) throws(StoreError) -> BoundingBox? {
        try database.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT min(MbrMinX(geom)), min(MbrMinY(geom)), max(MbrMaxX(geom)), max(MbrMaxY(geom))
                FROM admin_units WHERE level = ? AND valid_to IS NULL
                """, arguments: [level]),
                let minX: Double = row[0], let minY: Double = row[1], let maxX: Double = row[2], let maxY: Double = row[3]
            else { return nil }
            return BoundingBox(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
        }
    }
}
