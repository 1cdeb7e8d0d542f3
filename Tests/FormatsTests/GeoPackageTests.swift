import Foundation
import Geometry
import GRDB
import FormatsTestSupport
import Testing
@testable import Formats

@Suite struct GeoPackageTests {
    /// GeoPackage binary: "GP", version 0, flags (little-endian, envelope indicator), SRS id,
    /// optional envelope, then WKB.
    static func gpkgBlob(_ geometry: Geometry?, srid: Int32, envelope: Bool) -> Data {
        guard let geometry else {
            return Data([0x47, 0x50, 0, 0x11] + ShapefileBuilder.le32(Int(srid)) + Array(WKB.encode(.point(Point(x: .nan, y: .nan)))))
        }
        var bytes: [UInt8] = [0x47, 0x50, 0, envelope ? 0x03 : 0x01] + ShapefileBuilder.le32(Int(srid))
        if envelope {
            let box = geometry.bbox
            bytes += [box.minX, box.maxX, box.minY, box.maxY].flatMap(ShapefileBuilder.le64)
        }
        return Data(bytes + Array(WKB.encode(geometry)))
    }

    static func makeGeoPackage(at path: String, tables: [String]) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
                    organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
                INSERT INTO gpkg_spatial_ref_sys VALUES ('VN-2000 / TM-3 107', 9214, 'EPSG', 9214, 'PROJCS["VN-2000 / TM-3 107"]', NULL);
                INSERT INTO gpkg_spatial_ref_sys VALUES ('custom', 100001, 'NONE', 100001, '\(ProjectionTests.vn2000TM(name: "x", datum: "VN_2000", meridian: 105.75, scale: 0.9999))', NULL);
                CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT, description TEXT,
                    last_change DATETIME, min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
                CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT, srs_id INTEGER, z TINYINT, m TINYINT);
                """)
            for (index, table) in tables.enumerated() {
                let srid = index == 0 ? 9214 : 100001
                try db.execute(sql: "INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES (?, 'features', ?)", arguments: [table, srid])
                try db.execute(sql: "INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'GEOMETRY', ?, 0, 0)", arguments: [table, srid])
                try db.execute(sql: """
                    CREATE TABLE "\(table)" (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom BLOB, "Tên" TEXT, dan_so INTEGER, dien_tich REAL,
                        ngay DATE, con_hoat_dong BOOLEAN, anh BLOB)
                    """)
                let rows: [(Geometry?, String?, Int?, Double?, String?, Bool?)] = [
                    (.point(Point(x: 416785.4281, y: 2353056.3814)), "Trạm y tế xã Yên Đức", 1200, 35.5, "2024-01-31", true),
                    (.polygon([[Point(x: 0, y: 0), Point(x: 10, y: 0), Point(x: 10, y: 10), Point(x: 0, y: 0)]]), "Phường Mạo Khê", nil, nil, nil, false),
                    (nil, nil, 3, 1.0, nil, nil),
                ]
                for (rowIndex, row) in rows.enumerated() {
                    try db.execute(sql: "INSERT INTO \"\(table)\" (geom, \"Tên\", dan_so, dien_tich, ngay, con_hoat_dong, anh) VALUES (?, ?, ?, ?, ?, ?, x'00')",
                                   arguments: [Self.gpkgBlob(row.0, srid: Int32(srid), envelope: rowIndex == 1), row.1, row.2, row.3, row.4, row.5])
                }
            }
        }
    }

    @Test func readsOneFeatureTable() throws {
        let folder = TempFolder()
        let path = folder.path("du_lieu.gpkg")
        try Self.makeGeoPackage(at: path, tables: ["co_so_y_te"])
        let dataset = try DatasetReader.read(path: path, originalName: "du_lieu.gpkg")
        #expect(dataset.sourceSRID == 9214)
        #expect(dataset.fields == [FieldInfo(name: "Tên", type: .text), FieldInfo(name: "dan_so", type: .integer),
                                   FieldInfo(name: "dien_tich", type: .real), FieldInfo(name: "ngay", type: .date),
                                   FieldInfo(name: "con_hoat_dong", type: .boolean)])
        #expect(dataset.features.count == 3)
        #expect(dataset.features[0].geometry == .point(Point(x: 416785.4281, y: 2353056.3814)))
        #expect(dataset.features[0].values == [.text("Trạm y tế xã Yên Đức"), .integer(1200), .real(35.5), .date("2024-01-31"), .boolean(true)])
        #expect(dataset.features[1].geometry == .polygon([[Point(x: 0, y: 0), Point(x: 10, y: 0), Point(x: 10, y: 10), Point(x: 0, y: 0)]]))
        #expect(dataset.features[1].values == [.text("Phường Mạo Khê"), .null, .null, .null, .boolean(false)])
        #expect(dataset.features[2].geometry == nil)
        #expect(dataset.warnings.contains { $0.contains("anh") })
    }

    @Test func severalTablesNeedAChoice() throws {
        let folder = TempFolder()
        let path = folder.path("hai_lop.gpkg")
        try Self.makeGeoPackage(at: path, tables: ["lop_a", "lop_b"])
        #expect(formatError { _ = try DatasetReader.read(path: path, originalName: "hai_lop.gpkg") }?.description
                == "hai_lop.gpkg: holds several layers (lop_a, lop_b); choose one of them")
        let chosen = try DatasetReader.read(path: path, originalName: "hai_lop.gpkg", options: ReadOptions(layerName: "lop_b"))
        #expect(chosen.sourceSRID == 9210)
        #expect(chosen.features.count == 3)
    }

    @Test func geometryHeaderVariants() throws {
        let point = Geometry.point(Point(x: 1, y: 2))
        #expect(try GeoPackageReader.decodeGeometry([UInt8](Self.gpkgBlob(point, srid: 4326, envelope: false))) == point)
        #expect(try GeoPackageReader.decodeGeometry([UInt8](Self.gpkgBlob(point, srid: 4326, envelope: true))) == point)
        #expect(try GeoPackageReader.decodeGeometry([UInt8](Self.gpkgBlob(nil, srid: 4326, envelope: false))) == nil)
        var zEnvelope: [UInt8] = [0x47, 0x50, 0, 0x05] + ShapefileBuilder.le32(4326) + [UInt8](repeating: 0, count: 48)
        zEnvelope += Array(WKB.encode(point))
        #expect(try GeoPackageReader.decodeGeometry(zEnvelope) == point)
        #expect(throws: GeoPackageFailure.self) { try GeoPackageReader.decodeGeometry([0x47, 0x50, 0, 0x0F, 0, 0, 0, 0, 1]) }
        #expect(throws: GeoPackageFailure.self) { try GeoPackageReader.decodeGeometry([0x58, 0x50, 0, 0x01, 0, 0, 0, 0, 1]) }
    }

    @Test func notAGeoPackage() {
        let folder = TempFolder()
        let path = folder.write("x.gpkg", "SQLite format 3\0 but not really")
        #expect(formatError { _ = try DatasetReader.read(path: path, originalName: "x.gpkg") }?.description.hasPrefix("x.gpkg: is not a readable GeoPackage") == true)
    }

    @Test func aViewListedAsAFeatureTableIsRefused() throws {
        let folder = TempFolder()
        let path = folder.path("khung.gpkg")
        try Self.makeGeoPackage(at: path, tables: ["that"])
        // A "feature table" that is a view running a recursive query that never ends.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                CREATE VIEW vo_tan AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)
                  SELECT i AS fid, NULL AS geom FROM n;
                DELETE FROM gpkg_contents; DELETE FROM gpkg_geometry_columns;
                INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES ('vo_tan', 'features', 9214);
                INSERT INTO gpkg_geometry_columns VALUES ('vo_tan', 'geom', 'GEOMETRY', 9214, 0, 0);
                """)
        }
        #expect(formatError { _ = try DatasetReader.read(path: path, originalName: "khung.gpkg") }?.description
                == "khung.gpkg: lists vo_tan as a feature table, but it is a view or missing: only tables the GeoPackage stores are read")
    }

    @Test func queriesOverTheirTimeBudgetAreInterrupted() throws {
        let folder = TempFolder()
        let path = folder.path("lon.gpkg")
        try Self.makeGeoPackage(at: path, tables: ["diem"])
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            // Enough rows that reading them takes longer than the tiny budget below.
            try db.execute(sql: """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
                INSERT INTO diem (geom, "Tên") SELECT NULL, 'x' || i FROM n
                """)
        }
        var limits = ImportLimits()
        limits.maxQuerySeconds = 0.001
        let error = formatError { _ = try DatasetReader.read(path: path, originalName: "lon.gpkg", options: ReadOptions(limits: limits)) }
        #expect(error?.description == "lon.gpkg: took longer than 0.001 s to read (a GeoPackage whose queries run this long is refused)")
        // The same file reads under the ordinary budget.
        #expect(try DatasetReader.read(path: path, originalName: "lon.gpkg").features.count == 200_003)
    }
}
