import Foundation
import GRDB
import Store
import Testing

/// `bando import` and `bando export` as an administrator's script runs them.
@Suite struct ImportCommandTests {
    /// A migrated database with agency "stnmt" and its editor "bien", in a new folder.
    func prepare() throws -> (folder: String, db: String) {
        let folder = NSTemporaryDirectory() + "bando-import-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let db = folder + "/bando.sqlite"
        let migrated = try BandoBinary.run(["migrate", "--db", db])
        guard migrated.0 == 0 else { throw RawClient.Failure(description: "migrate failed: \(migrated.2)") }
        let database = try SpatialDatabase(path: db)
        try AgencyRepository(database).create(code: "stnmt", name: "Sở Tài nguyên và Môi trường", kind: .department, parentCode: nil)
        try UserRepository(database).create(username: "bien", displayName: "Biên tập", agencyCode: "stnmt", role: .editor, passwordHash: "x")
        try database.pool.close()
        return (folder, db)
    }

    func write(_ text: String, to path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }

    static let schools = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","geometry":{"type":"Point","coordinates":[106.1,21.3]},"properties":{"Tên trường":"Trường THCS Lê Lợi","số học sinh":512,"công lập":true}},
        {"type":"Feature","geometry":{"type":"Point","coordinates":[106.4,21.5]},"properties":{"Tên trường":"Trường Tiểu học Kim Sơn","số học sinh":300,"công lập":false}}
        ]}
        """

    @Test func importJSONLastLineCarriesEveryKey() throws {
        let (folder, db) = try prepare(); defer { try? FileManager.default.removeItem(atPath: folder) }
        write(Self.schools, to: folder + "/truong.geojson")
        let result = try BandoBinary.run(["import", "--db", db, "--agency", "stnmt", "--user", "bien", "--title", "Trường học",
                                          "--json", folder + "/truong.geojson"])
        #expect(result.0 == 0, "\(result.2)")
        let last = result.1.split(separator: "\n").last.map(String.init) ?? ""
        let object = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]
        #expect(Set(object?.keys.map { $0 } ?? []) == ["layer", "version", "status", "features", "bbox", "source_srid", "encoding", "warnings"])
        #expect(object?["layer"] as? String == "truong-hoc-stnmt" && object?["version"] as? Int == 1)
        #expect(object?["status"] as? String == "pending" && object?["features"] as? Int == 2)
        #expect(object?["bbox"] as? [Double] == [106.1, 21.3, 106.4, 21.5])
        #expect(object?["source_srid"] as? Int == 4326 && object?["encoding"] as? String == "UTF-8")
        #expect((object?["warnings"] as? [String])?.isEmpty == true)
        let human = try BandoBinary.run(["import", "--db", db, "--agency", "stnmt", "--user", "bien", "--layer", "truong-hoc-stnmt",
                                         folder + "/truong.geojson"])
        #expect(human.0 == 0 && human.1.contains("Layer truong-hoc-stnmt: version 2 (pending), 2 point features"))
    }

    @Test func projectedCSVWithoutSridListsTheVN2000Choices() throws {
        let (folder, db) = try prepare(); defer { try? FileManager.default.removeItem(atPath: folder) }
        write("ten,x,y\nMốc A,416785.4281,2353056.3814\n", to: folder + "/moc.csv")
        let result = try BandoBinary.run(["import", "--db", db, "--agency", "stnmt", "--user", "bien", "--json", folder + "/moc.csv"])
        #expect(result.0 != 0)
        #expect(result.1.isEmpty)
        #expect(result.2.contains("--srid") && result.2.contains("4326"))
        #expect(result.2.contains("9214  VN-2000 múi 3° KTT 107°00′") && result.2.contains("3405  VN-2000 UTM múi 48N"))
        let fixed = try BandoBinary.run(["import", "--db", db, "--agency", "stnmt", "--user", "bien", "--srid", "9214", "--json",
                                         folder + "/moc.csv"])
        #expect(fixed.0 == 0, "\(fixed.2)")
        #expect(fixed.1.contains("\"bbox\":[106.2"))
    }

    @Test func coordinateColumnsAreNamedOnTheCommandLine() throws {
        let (folder, db) = try prepare(); defer { try? FileManager.default.removeItem(atPath: folder) }
        write("Tên mốc;Toạ độ X (VN2000);Toạ độ Y (VN2000)\nMốc A;416785,4281;2353056,3814\n", to: folder + "/moc.csv")
        let base = ["import", "--db", db, "--agency", "stnmt", "--user", "bien", "--srid", "9214", "--json"]
        let refused = try BandoBinary.run(base + [folder + "/moc.csv"])
        #expect(refused.0 != 0 && refused.2.contains("no longitude column was recognised among Tên mốc, Toạ độ X (VN2000), Toạ độ Y (VN2000)"))
        let chosen = try BandoBinary.run(base + ["--lon-column", "Toạ độ X (VN2000)", "--lat-column", "Toạ độ Y (VN2000)", folder + "/moc.csv"])
        #expect(chosen.0 == 0, "\(chosen.2)")
        let last = chosen.1.split(separator: "\n").last.map(String.init) ?? ""
        let bbox = (try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])?["bbox"] as? [Double] ?? []
        #expect(bbox.count == 4 && abs(bbox[0] - 106.2) < 1e-5 && abs(bbox[1] - 21.27) < 1e-5, "\(bbox)")

        let help = try BandoBinary.run(["import", "--help"])
        #expect(help.1.contains("--lon-column <name>") && help.1.contains("--lat-column <name>") && help.1.contains("--source-layer <name>"))
    }

    @Test func sourceLayerChoosesATableOfAGeoPackage() throws {
        let (folder, db) = try prepare(); defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/hai_lop.gpkg"
        try Self.makeGeoPackage(at: path, tables: ["diem_a": [(106.1, 21.3)], "diem_b": [(106.4, 21.5), (106.5, 21.4)]])
        let base = ["import", "--db", db, "--agency", "stnmt", "--user", "bien", "--json"]
        let refused = try BandoBinary.run(base + [path])
        #expect(refused.0 != 0 && refused.2.contains("hai_lop.gpkg: holds several layers (diem_a, diem_b); choose one of them"))
        let chosen = try BandoBinary.run(base + ["--source-layer", "diem_b", path])
        #expect(chosen.0 == 0, "\(chosen.2)")
        #expect(chosen.1.contains("\"features\":2") && chosen.1.contains("\"bbox\":[106.4,21.4,106.5,21.5]"))
        let missing = try BandoBinary.run(base + ["--source-layer", "diem_c", path])
        #expect(missing.0 != 0 && missing.2.contains("hai_lop.gpkg: has no layer named \"diem_c\"; it holds diem_a, diem_b"))
    }

    /// A GeoPackage whose feature tables hold points (lon, lat) in EPSG:4326.
    static func makeGeoPackage(at path: String, tables: [String: [(Double, Double)]]) throws {
        func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }
        func point(_ x: Double, _ y: Double) -> Data {
            Data([0x47, 0x50, 0, 0x01] + le(Int32(4326)) + [0x01] + le(UInt32(1)) + le(x.bitPattern) + le(y.bitPattern))
        }
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
                    organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
                INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84"]', NULL);
                CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT, description TEXT,
                    last_change DATETIME, min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
                CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT, srs_id INTEGER, z TINYINT, m TINYINT);
                """)
            for (table, points) in tables {
                try db.execute(sql: "INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES (?, 'features', 4326)", arguments: [table])
                try db.execute(sql: "INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'POINT', 4326, 0, 0)", arguments: [table])
                try db.execute(sql: "CREATE TABLE \"\(table)\" (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom BLOB, ten TEXT)")
                for (index, (x, y)) in points.enumerated() {
                    try db.execute(sql: "INSERT INTO \"\(table)\" (geom, ten) VALUES (?, ?)", arguments: [point(x, y), "\(table) \(index + 1)"])
                }
            }
        }
    }

    @Test func exportRoundTrip() throws {
        let (folder, db) = try prepare(); defer { try? FileManager.default.removeItem(atPath: folder) }
        write(Self.schools, to: folder + "/truong.geojson")
        let imported = try BandoBinary.run(["import", "--db", db, "--agency", "stnmt", "--user", "bien", "--json", folder + "/truong.geojson"])
        #expect(imported.0 == 0, "\(imported.2)")
        let unpublished = try BandoBinary.run(["export", "--db", db, "--layer", "truong-stnmt"])
        #expect(unpublished.0 != 0 && unpublished.2.contains("no published version"))
        let database = try SpatialDatabase(path: db)
        guard case .found(let version) = try LayerRepository(database).lookupVersion(slug: "truong-stnmt", number: 1) else {
            Issue.record("version 1 of truong not found")
            return
        }
        try LayerRepository(database).publish(versionID: version.versionID, decidedBy: nil)
        let output = folder + "/xuat.geojson"
        let exported = try BandoBinary.run(["export", "--db", db, "--layer", "truong-stnmt", "--format", "geojson", "-o", output])
        #expect(exported.0 == 0, "\(exported.2)")
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains(#""properties":{"Tên trường":"Trường THCS Lê Lợi","số học sinh":512,"công lập":true}"#))
        let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let features = json?["features"] as? [[String: Any]] ?? []
        #expect(features.count == 2)
        let names = features.compactMap { ($0["properties"] as? [String: Any])?["Tên trường"] as? String }
        #expect(names == ["Trường THCS Lê Lợi", "Trường Tiểu học Kim Sơn"])
        let toStandardOutput = try BandoBinary.run(["export", "--db", db, "--layer", "truong-stnmt", "--version", "1"])
        #expect(toStandardOutput.0 == 0 && toStandardOutput.1 == text)
        let unknown = try BandoBinary.run(["export", "--db", db, "--layer", "khong-co"])
        #expect(unknown.0 != 0 && unknown.2.contains("there is no layer \"khong-co\""))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".part") }.isEmpty)
    }

    @Test func killedMidImportLeavesNothingVisibleAndServeRemovesIt() throws {
        let (folder, db) = try prepare(); defer { try? FileManager.default.removeItem(atPath: folder) }
        let features = (0..<30_000).map { index in
            "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[\(106 + Double(index) * 1e-5),21.3]},\"properties\":{\"stt\":\(index)}}"
        }
        let data = folder + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        write("{\"type\":\"FeatureCollection\",\"features\":[" + features.joined(separator: ",") + "]}", to: data + "/nhieu.geojson")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BandoBinary.path ?? "/nonexistent/bando")
        process.arguments = ["import", "--db", db, "--agency", "stnmt", "--user", "bien", data + "/nhieu.geojson"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill it once the features are being written: some batches have been committed.
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline {
            let wal = (try? FileManager.default.attributesOfItem(atPath: db + "-wal")[.size] as? Int) ?? 0
            if wal > 200_000 { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the import ended before it was killed")
        let tables = ["layers", "layer_versions", "features", "audit_log", "layer_events"]
        func counts() throws -> [Int] {
            let database = try SpatialDatabase(path: db)
            return try database.read { db in try tables.map { try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? -1 } }
        }
        // Rows of the cut-off import are there, marked, and seen by no listing, not even the sysadmin's.
        let left = try counts()
        #expect(left[0] == 1 && left[1] == 1 && left[2] > 0 && left[3] == 0 && left[4] == 0, "\(left)")
        let database = try SpatialDatabase(path: db)
        #expect(try LayerRepository(database).listVisible(to: ListingScope(agencyID: nil, seesEverything: true)).isEmpty)
        let stray = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { !["bando.sqlite", "bando.sqlite-wal", "bando.sqlite-shm", "data"].contains($0) }
        #expect(stray.isEmpty, "\(stray)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: data) == ["nhieu.geojson"])
        // The next start removes them before serving.
        let server = try ServerProcess(database: db)
        #expect(server.stop() == 0)
        #expect(try counts() == [0, 0, 0, 0, 0])
        #expect(server.log().contains("removed 1 version(s) left by imports that were cut off"))
    }
}
