import Foundation
import FormatsTestSupport
import GRDB
import HTTP
import Testing
@testable import Portal

/// Hostile files through the upload form, as an editor's browser sends them: each is refused
/// with its exact reason on the preview, leaves nothing outside the upload's own folder, offers
/// no import, and the portal goes on answering others at once.
@Suite struct UploadAttackTests {
    let fixture = UploadFixture.shared

    func zipBytes(_ entries: [(String, [UInt8])], declaring size: UInt32? = nil) throws -> [UInt8] {
        let path = NSTemporaryDirectory() + "bando-attack-\(UUID().uuidString).zip"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try makeZip(at: path, entries: entries)
        if let size { try rewriteZipSizes(at: path, uncompressed: size) }
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Stages `file`, opens its preview and checks the refusal: the read error names `reason`,
    /// there is no import form, and another page answers at once.
    func refused(_ file: (name: String, bytes: [UInt8]), _ reason: String) throws {
        let fixture = try #require(fixture)
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        let token = try #require(try editor.stage(file), "\(file.name) is staged")
        let started = Date()
        let page = try editor.get("/uploads/\(token)")
        #expect(page.status == 200)
        #expect(page.text.contains(#"id="read-error""#) && page.text.contains(reason), "\(file.name): \(reason)")
        #expect(!page.text.contains(#"id="import-form""#), "\(file.name): nothing to import")
        #expect(Date().timeIntervalSince(started) < 5, "\(file.name) is refused before it is unpacked")
        var other = Browser(fixture)
        #expect(try other.get("/").status == 200)
        // Posting the import form anyway (by hand) fails the same way, and leaves no layer.
        let (title, slug) = UploadFiles.title("Tấn công")
        if try editor.startImport(token, [("srid", "4326"), ("title", title)]).status == 303 {
            let status = try editor.waitForImport(token)
            #expect(status["state"] as? String == "failed", "\(file.name): \(status)")
            #expect((status["message"] as? String)?.contains(reason) == true, "\(file.name): \(status)")
        }
        #expect(try fixture.layerCount(prefix: slug) == 0, "\(file.name) leaves no layer")
    }

    @Test func aZipWhoseEntryClimbsOutOfItsFolderIsRefusedAndWritesNothing() throws {
        let fixture = try #require(fixture)
        let marker = "bando-zip-slip-\(UUID().uuidString)"
        let bytes = try zipBytes([("../../\(marker)/diem.shp", Array(repeating: 1, count: 200)), ("diem.dbf", [3])])
        try refused((name: "leo.zip", bytes: bytes), "has a path outside the archive")
        for folder in [fixture.uploads, fixture.folder, NSTemporaryDirectory(), "/tmp"] {
            let escaped = (folder as NSString).appendingPathComponent("../../\(marker)")
            #expect(!FileManager.default.fileExists(atPath: (escaped as NSString).standardizingPath), "nothing written at \(escaped)")
        }
    }

    @Test func aZipBombIsRefusedBeforeItIsUnpacked() throws {
        let bytes = try zipBytes([("bom.shp", [UInt8](repeating: 0, count: 8 << 20))])
        #expect(bytes.count < 64 << 10, "a small archive")
        try refused((name: "bom.zip", bytes: bytes), "zip bomb")
    }

    @Test func aSmallZipSayingItHolds300MBOfGeoJSONIsRefusedUnread() throws {
        let feature = #"{"type":"Feature","geometry":{"type":"Point","coordinates":[106.2,21.3]},"properties":{"ten":"A"}},"#
        let document = Array((#"{"type":"FeatureCollection","features":["# + String(repeating: feature, count: 2_000)).utf8)
        let bytes = try zipBytes([("lon.geojson", document)], declaring: 300 << 20)
        try refused((name: "lon.zip", bytes: bytes), "zip bomb")
    }

    @Test func aGeoPackageWhoseTableIsARecursiveViewIsRefusedWithoutRunningIt() throws {
        let path = NSTemporaryDirectory() + "bando-attack-\(UUID().uuidString).gpkg"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                PRAGMA application_id = 1196444487;
                CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
                    organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
                INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84"]', NULL);
                CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT, description TEXT,
                    last_change DATETIME, min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
                CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT, srs_id INTEGER, z TINYINT, m TINYINT);
                CREATE VIEW vo_tan AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i AS fid, NULL AS geom FROM n;
                INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES ('vo_tan', 'features', 4326);
                INSERT INTO gpkg_geometry_columns VALUES ('vo_tan', 'geom', 'GEOMETRY', 4326, 0, 0);
                """)
        }
        try queue.close()
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        try refused((name: "khung.gpkg", bytes: bytes), "it is a view or missing")
    }
}
