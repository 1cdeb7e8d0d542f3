import Foundation
import HTTP
@testable import Portal
import Store
import Synchronization
import Testing

/// The writer rule: an import writes in short transactions, so sign-ins (which write attempts,
/// sessions and audit entries) never wait behind it, and nobody sees the version until it is whole.
@Suite struct WriterRuleTests {
    final class Fixture: SeededFixture {
        let seeded: SeededPortal
        init() throws { seeded = try SeededPortal(prefix: "bando-writer-", network: "10.11") }
    }

    /// A GeoJSON file of `count` points inside the demo province.
    static func points(_ count: Int, in folder: String) throws -> String {
        var text = #"{"type":"FeatureCollection","features":["#
        for index in 0..<count {
            if index > 0 { text += "," }
            let lon = 106.0 + Double(index % 500) * 0.001, lat = 21.2 + Double(index / 500) * 0.001
            text += #"{"type":"Feature","properties":{"stt":\#(index)},"geometry":{"type":"Point","coordinates":[\#(lon),\#(lat)]}}"#
        }
        text += "]}"
        let path = folder + "/nhieu-diem.geojson"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func signInDuringAnImportWaitsForNoMoreThanABatch() throws {
        let fixture = try Fixture()
        try Self.signInsDuringAnImport(fixture, importingThrough: fixture.database)
    }

    /// `bando import` writes through a database of its own (another process) while the portal
    /// serves: a sign-in that finds the writer taken tries again every half millisecond and gets
    /// in between two batches. (SQLite's own handler, which SpatiaLite installs, sleeps up to
    /// 100 ms between tries and missed the importer's one-millisecond gaps for seconds.)
    @Test func signInWhileAnotherProcessImportsWaitsForNoMoreThanABatch() throws {
        let fixture = try Fixture()
        let other = try SpatialDatabase(path: fixture.database.path)
        try Self.signInsDuringAnImport(fixture, importingThrough: other)
    }

    /// Signs in again and again while a 40,000-point import writes through `importer`, and checks
    /// that each sign-in went through in well under a second and the import stayed whole.
    static func signInsDuringAnImport(_ fixture: Fixture, importingThrough importer: SpatialDatabase) throws {
        // Paced by its progress reports (10 ms every 250 features, inside the batches), so the
        // import outlasts the five sign-ins however fast the machine writes.
        let total = 40_000
        let path = try Self.points(total, in: fixture.folder)
        let written = Atomic<Int>(0)
        let finished = Atomic<Bool>(false)
        let outcome = Mutex<Result<ImportOutcome, ImportError>?>(nil)
        let pipeline = ImportPipeline(database: importer)
        let synchronousBefore = try Self.synchronous(fixture.database)
        let writing = Thread {
            let result: Result<ImportOutcome, ImportError>
            do throws(ImportError) {
                result = .success(try pipeline.run(ImportRequest(path: path, agencyCode: "stnmt", username: "stnmt.editor",
                                                                 title: "Nhiều điểm")) { done, _ in
                    written.store(done, ordering: .sequentiallyConsistent)
                    usleep(10_000)
                })
            } catch {
                result = .failure(error)
            }
            outcome.withLock { $0 = result }
            finished.store(true, ordering: .sequentiallyConsistent)
        }
        writing.start()
        // Wait until features are being written.
        let start = Date()
        while written.load(ordering: .sequentiallyConsistent) < 1_000 && !finished.load(ordering: .sequentiallyConsistent)
                && Date().timeIntervalSince(start) < 60 {
            usleep(5_000)
        }
        var slowest = 0.0
        var signIns = 0
        var writtenAtLastSignIn = 0
        let accounts = ["stnmt.viewer", "syt.editor", "sxd.admin", "syt.viewer", "stnmt.approver"]
        for account in accounts + accounts {
            guard !finished.load(ordering: .sequentiallyConsistent) else { break }
            var browser = Browser(fixture)
            let began = Date()
            let response = try browser.signIn(account)
            slowest = max(slowest, Date().timeIntervalSince(began))
            #expect(response.status == 303)
            signIns += 1
            writtenAtLastSignIn = written.load(ordering: .sequentiallyConsistent)
        }
        while !finished.load(ordering: .sequentiallyConsistent) { usleep(10_000) }
        // The import was still writing while the sign-ins went through, and each went through
        // quickly (a one-transaction import held the writer for all of its several seconds).
        #expect(signIns >= 3, "the import finished before the sign-ins could be tried")
        #expect(writtenAtLastSignIn < total)
        #expect(slowest < 1.0, "slowest sign-in \(slowest) s while the import ran")
        let result = try #require(outcome.withLock { $0 })
        let imported = try result.get()
        #expect(imported.featureCount == total)
        let layer = try #require(try fixture.database.read { db in
            try String.fetchOne(db, sql: "SELECT import_state IS NULL FROM layer_versions WHERE id = ?",
                                arguments: [imported.versionID])
        })
        #expect(layer == "1")
        // The spatial index was filled after the batches: it holds every row, each row is its
        // own feature identity, and a box query through it finds the points inside the box.
        let indexed = try fixture.database.read { db in
            try [
                "SELECT count(*) FROM idx_features_geom WHERE pkid IN (SELECT id FROM features WHERE version_id = ?)",
                "SELECT count(*) FROM features WHERE version_id = ? AND fid = id",
                """
                SELECT count(*) FROM features f JOIN idx_features_geom r ON r.pkid = f.id WHERE f.version_id = ?
                  AND r.xmin <= MbrMinX(f.geom) AND r.xmax >= MbrMaxX(f.geom) AND r.ymin <= MbrMinY(f.geom) AND r.ymax >= MbrMaxY(f.geom)
                """,
                """
                SELECT count(*) FROM features WHERE version_id = ? AND id IN (SELECT pkid FROM idx_features_geom
                  WHERE xmin <= 106.0995 AND xmax >= 106.0 AND ymin <= 21.2095 AND ymax >= 21.2)
                """,
            ].map { try Int.fetchOne(db, sql: $0, arguments: [imported.versionID]) ?? -1 }
        }
        #expect(indexed == [total, total, total, 100 * 10])
        // The batches committed without waiting for the disk; the writer's own setting is back.
        #expect(try Self.synchronous(fixture.database) == synchronousBefore)
    }

    @Test func aVersionBeingWrittenIsSeenByNobodyAndAFailureLeavesNothing() throws {
        let fixture = try Fixture()
        // Points far from the province: refused by the area check, after every batch was written.
        var features: [String] = []
        for index in 0..<3_000 {
            features.append(#"{"type":"Feature","properties":{"stt":\#(index)},"geometry":{"type":"Point","coordinates":[\#(100.0 + Double(index) * 1e-5),10.3]}}"#)
        }
        let path = fixture.folder + "/xa-tinh.geojson"
        try (#"{"type":"FeatureCollection","features":["# + features.joined(separator: ",") + "]}")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let before = try Self.rowCounts(fixture.database)
        let synchronousBefore = try Self.synchronous(fixture.database)
        let seen = Atomic<Int>(0)
        do {
            _ = try ImportPipeline(database: fixture.database).run(ImportRequest(path: path, agencyCode: "stnmt",
                                                                                 username: "stnmt.editor")) { done, _ in
                seen.store(done, ordering: .sequentiallyConsistent)
            }
            Issue.record("an import outside the province was accepted")
        } catch {
            #expect("\(error)".contains("inside the province"), "\(error)")
        }
        #expect(seen.load(ordering: .sequentiallyConsistent) == 3_000, "the features were written before the refusal")
        #expect(try Self.rowCounts(fixture.database) == before)
        #expect(try Self.synchronous(fixture.database) == synchronousBefore)
    }

    static func synchronous(_ database: SpatialDatabase) throws -> Int {
        try database.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    static func rowCounts(_ database: SpatialDatabase) throws -> [Int] {
        try database.read { db in
            try ["layers", "layer_versions", "features", "audit_log", "layer_events"].map {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? -1
            }
        }
    }
}
