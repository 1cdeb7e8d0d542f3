import Foundation
import GRDB
import Testing
@testable import Store

@Suite struct MigratorTests {
    @Test func freshDatabaseGetsEveryMigrationOnceAndSpatiaLite() throws {
        let test = TestDatabase(); defer { test.cleanup() }
        let db = try SpatialDatabase(path: test.path)
        let migrator = try Migrator(directory: TestDatabase.migrations)
        let applied = try migrator.migrate(db)
        #expect(applied.count == migrator.migrations.count)
        #expect(applied.first == "0001_spatial_metadata.sql")
        #expect(try migrator.migrate(db).isEmpty, "a second run applies nothing")
        #expect(try migrator.appliedVersions(db) == migrator.migrations.map(\.version))
        let health = db.health()
        #expect(health["state"] == "ok")
        #expect(health["journal_mode"] == "wal")
        #expect(health["spatialite"]?.hasPrefix("5.") == true)
        #expect(health["schema_version"] == String(migrator.latestVersion))
    }

    @Test func geometryColumnsAreIn4326WithSpatialIndexes() throws {
        let test = TestDatabase(); defer { test.cleanup() }
        let db = try test.migrated()
        let rows = try db.read { db in
            try Row.fetchAll(db, sql: "SELECT f_table_name, srid, spatial_index_enabled FROM geometry_columns ORDER BY f_table_name")
        }
        #expect(rows.map { $0["f_table_name"] as String } == ["admin_units", "features"])
        #expect(rows.allSatisfy { ($0["srid"] as Int) == 4326 && ($0["spatial_index_enabled"] as Int) == 1 })
        // VN-2000 zones are known, and the official transformation is applied through PROJ.
        let point = try db.read { db in
            try Row.fetchOne(db, sql: "SELECT X(p) AS x, Y(p) AS y FROM (SELECT ST_Transform(MakePoint(416785.4281, 2353056.3814, 9214), 4326) AS p)")
        }
        #expect(abs((point?["x"] as Double? ?? 0) - 106.2) < 1e-5)
        #expect(abs((point?["y"] as Double? ?? 0) - 21.27) < 1e-5)
    }

    @Test func databaseNewerThanTheCodeIsRefusedUntouched() throws {
        let test = TestDatabase(); defer { test.cleanup() }
        let db = try test.migrated()
        try db.write { db in
            try db.execute(sql: "INSERT INTO schema_migrations(version, name, applied_at) VALUES (9999, '9999_future.sql', 'x')")
        }
        #expect(throws: StoreError.databaseTooNew(databaseVersion: 9999, knownVersion: try Migrator(directory: TestDatabase.migrations).latestVersion)) {
            try Migrator(directory: TestDatabase.migrations).migrate(db)
        }
        #expect(StoreError.databaseTooNew(databaseVersion: 9999, knownVersion: 5).description.contains("newer than this Bando"))
    }

    @Test func failingMigrationIsRolledBackWhole() throws {
        let test = TestDatabase(); defer { test.cleanup() }
        let db = try SpatialDatabase(path: test.path)
        let migrator = Migrator(migrations: [
            .init(version: 1, name: "0001_ok.sql", sql: "CREATE TABLE a(x INTEGER);"),
            .init(version: 2, name: "0002_bad.sql", sql: "CREATE TABLE b(x INTEGER); INSERT INTO nowhere VALUES (1);"),
        ])
        #expect {
            try migrator.migrate(db)
        } throws: { error in
            guard case StoreError.migrationFailed(let file, let reason) = error else { return false }
            return file == "0002_bad.sql" && reason.contains("nowhere")
        }
        #expect(try migrator.appliedVersions(db) == [1])
        let tableB = try db.read { db in try db.tableExists("b") }
        #expect(tableB == false, "the failed file left nothing behind")
    }

    @Test func badlyNamedMigrationFileIsReported() throws {
        let test = TestDatabase(); defer { test.cleanup() }
        let folder = test.folder + "/migrations"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "SELECT 1;".write(toFile: folder + "/first.sql", atomically: true, encoding: .utf8)
        #expect {
            try Migrator(directory: folder)
        } throws: { error in
            "\(error)".contains("first.sql is not named NNNN_name.sql")
        }
    }

    @Test func fileThatIsNotSQLiteIsRefusedWithAClearMessage() throws {
        let test = TestDatabase(); defer { test.cleanup() }
        try "this is a shapefile readme, not a database\n".write(toFile: test.path, atomically: true, encoding: .utf8)
        #expect(throws: StoreError.notADatabase(path: test.path)) { try SpatialDatabase(path: test.path) }
        let text = try String(contentsOfFile: test.path, encoding: .utf8)
        #expect(text.hasPrefix("this is a shapefile readme"), "the file was not touched")
    }
}
