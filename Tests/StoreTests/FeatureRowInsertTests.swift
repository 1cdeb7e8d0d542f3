import Foundation
import GRDB
import Testing
@testable import Store

/// The import's feature INSERT through SQLite's C API: rows land with their id as fid, text and
/// blob as given; a refused row throws SQLite's own message and leaves the statement usable.
@Suite struct FeatureRowInsertTests {
    @Test func rowsLandAsBoundAndARefusalThrowsAndTheStatementGoesOn() throws {
        let world = try AttributeWorld()
        defer { world.test.cleanup() }
        let version = try LayerRepository(world.db).createVersion(layerSlug: "co-so-y-te", createdBy: nil,
                                                                 sourceName: "rows.geojson", sourceSRID: 4326, encoding: "UTF-8")
        let properties = [#"{"tên":"Trạm y tế Phường Mạo Khê","stt":1}"#, "{}", ""]
        let (ids, refusal) = try world.db.pool.write { db -> ([Int64], String) in
            let point = try #require(try Data.fetchOne(db, sql: "SELECT MakePoint(106.5, 21.25, 4326)"))
            let base = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM features") ?? 0
            let insert = try FeatureRowInsert(db)
            var ids = [Int64]()
            for (offset, text) in properties.enumerated() {
                let id = base + 1 + Int64(offset)
                try insert.run(id: id, versionID: version.id, properties: text, geometry: point)
                ids.append(id)
            }
            var refusal = ""
            do {
                try insert.run(id: ids[0], versionID: version.id, properties: "{}", geometry: point)
            } catch let error as DatabaseError {
                refusal = error.message ?? ""
            }
            let next = base + 10
            try insert.run(id: next, versionID: version.id, properties: #"{"sau":true}"#, geometry: point)
            return (ids + [next], refusal)
        }
        #expect(refusal.contains("UNIQUE"), "\(refusal)")
        let rows = try world.db.read { db in
            try Row.fetchAll(db, sql: "SELECT id, fid, properties, AsText(geom) AS wkt FROM features WHERE version_id = ? ORDER BY id",
                             arguments: [version.id])
        }
        #expect(rows.map { $0["id"] as Int64 } == ids)
        #expect(rows.map { $0["fid"] as Int64 } == ids)
        #expect(rows.map { $0["properties"] as String } == properties + [#"{"sau":true}"#])
        #expect(rows.allSatisfy { ($0["wkt"] as String?) == "POINT(106.5 21.25)" })
    }
}
