import Foundation
import Geometry
import GRDB
import Testing
@testable import Store

/// The import's statements through SQLite's C API. The feature INSERT: rows land with their id as
/// fid, text and blob as given; a refused row throws SQLite's own message and leaves the
/// statement usable. The R-tree INSERT replaces a row id it holds. GEOS's validity check agrees
/// with `ST_IsValid`. A geometry in WGS 84 is written as SpatiaLite would write it.
@Suite struct ImportStatementsTests {
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

    @Test func theRTreeInsertReplacesAndTheValidityCheckIsGEOSs() throws {
        let world = try AttributeWorld()
        defer { world.test.cleanup() }
        let (boxes, answers, expected) = try world.db.pool.write { db -> ([[Double]], [Bool], [Bool]) in
            let id = (try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(pkid), 0) FROM idx_features_geom") ?? 0) + 1_000
            let insert = try SpatialIndexInsert(db)
            try insert.run(id: id, minX: 106.1, maxX: 106.2, minY: 21.1, maxY: 21.2)
            try insert.run(id: id, minX: 105.5, maxX: 105.75, minY: 20.5, maxY: 20.75)
            let boxes = try Row.fetchAll(db, sql: "SELECT xmin, xmax, ymin, ymax FROM idx_features_geom WHERE pkid = ?",
                                         arguments: [id]).map { row in (0..<4).map { row[$0] as Double } }
            let check = try ValidityCheck(db)
            let shapes = ["POLYGON((106 21, 106.1 21, 106.1 21.1, 106 21.1, 106 21))",
                          "POLYGON((106 21, 106.1 21.1, 106 21.1, 106.1 21, 106 21))",
                          "LINESTRING(106 21, 106.1 21.1)"]
            var answers: [Bool] = [], expected: [Bool] = []
            for wkt in shapes {
                let blob = try #require(try Data.fetchOne(db, sql: "SELECT GeomFromText(?, 4326)", arguments: [wkt]))
                answers.append(try check.isValid(blob))
                expected.append(try Int.fetchOne(db, sql: "SELECT ST_IsValid(?)", arguments: [blob]) == 1)
            }
            return (boxes, answers, expected)
        }
        #expect(boxes == [[105.5, 105.75, 20.5, 20.75]])
        #expect(answers == [true, false, true] && answers == expected)
    }

    /// Lines and polygons in WGS 84 take the short way (`FeatureWriter.inWGS84`): the BLOB is the
    /// one SpatiaLite makes from the same WKB, and an invalid one is left to the long way.
    @Test func geometriesInWGS84AreWrittenAsSpatiaLiteWritesThem() throws {
        let world = try AttributeWorld()
        defer { world.test.cleanup() }
        let shapes: [(Geometry, Store.GeometryKind)] = [
            (.polygon([[Point(106, 21), Point(106.1, 21), Point(106.1, 21.1), Point(106, 21)],
                       [Point(106.05, 21.02), Point(106.08, 21.02), Point(106.08, 21.04), Point(106.05, 21.02)]]), .polygon),
            (.multiLineString([[Point(106, 21), Point(106.2, 21.3)], [Point(105.9, 20.9), Point(106, 21)]]), .line),
            (.multiPoint([Point(106, 21), Point(106.5, 21.5)]), .point),
        ]
        try world.db.pool.write { db in
            for (geometry, kind) in shapes {
                let writer = try FeatureWriter(db: db, sourceSRID: 4326, kind: kind)
                let wkb = WKB.encode(geometry)
                let (blob, box) = try #require(try writer.inWGS84(VersionImportRequest.Feature(wkb: wkb, propertiesJSON: "{}", recordNumber: 1)))
                #expect(blob == (try Data.fetchOne(db, sql: "SELECT GeomFromWKB(?, 4326)", arguments: [wkb])))
                #expect(box == geometry.bbox)
            }
            let bowTie = Geometry.polygon([[Point(106, 21), Point(106.1, 21.1), Point(106, 21.1), Point(106.1, 21), Point(106, 21)]])
            let writer = try FeatureWriter(db: db, sourceSRID: 4326, kind: .polygon)
            let feature = VersionImportRequest.Feature(wkb: WKB.encode(bowTie), propertiesJSON: "{}", recordNumber: 7)
            #expect(try writer.inWGS84(feature) == nil)
            #expect(try writer.prepare(feature).2, "the bow-tie is repaired the long way")
        }
    }
}
