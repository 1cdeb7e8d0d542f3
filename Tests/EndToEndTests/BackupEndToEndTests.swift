import Foundation
import Testing

/// `bando backup`, `bando restore` and scheduled backups, as an operator runs them.
@Suite struct BackupEndToEndTests {
    /// A GeoJSON of `count` points inside the demo province.
    static func points(_ count: Int, at path: String) {
        let features = (0..<count).map { index in
            #"{"type":"Feature","properties":{"stt":\#(index)},"geometry":{"type":"Point","coordinates":[\#(106.0 + Double(index) * 1e-5),21.3]}}"#
        }
        _ = FileManager.default.createFile(atPath: path, contents: Data(
            (#"{"type":"FeatureCollection","features":["# + features.joined(separator: ",") + "]}").utf8))
    }

    @Test func aBackupTakenDuringWritesRestoresAndServes() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let folder = URL(fileURLWithPath: server.database).deletingLastPathComponent().path
        // Writes while the backup runs: an import in batches and sign-ins over HTTP.
        let file = folder + "/nhieu.geojson"
        Self.points(4_000, at: file)
        let importer = Process()
        importer.executableURL = URL(fileURLWithPath: BandoBinary.path ?? "/nonexistent/bando")
        importer.arguments = ["import", "--db", server.database, "--agency", "stnmt", "--user", "stnmt.editor", file]
        importer.standardOutput = FileHandle.nullDevice
        importer.standardError = FileHandle.nullDevice
        try importer.run()
        var jar = AuthEndToEndTests.Jar(port: server.port)
        #expect(try jar.signIn("stnmt.viewer", "e2e-password-1").status == 303)
        let backup = folder + "/sao-luu.sqlite"
        let taken = try BandoBinary.run(["backup", "--db", server.database, "--to", backup])
        #expect(taken.0 == 0, "\(taken.2)")
        #expect(taken.1.contains("backed up to \(backup)"))
        #expect(try jar.signIn("syt.viewer", "e2e-password-1").status == 303)
        importer.waitUntilExit()
        #expect(importer.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: backup + ".part"))

        // A backup is never written over an existing file.
        let again = try BandoBinary.run(["backup", "--db", server.database, "--to", backup])
        #expect(again.0 != 0 && again.2.contains("already exists"))

        // Restoring over the live database is refused while the server has it open.
        let live = try BandoBinary.run(["restore", "--from", backup, "--db", server.database, "--force"])
        #expect(live.0 != 0 && live.2.contains("is open in another process"), "\(live.2)")

        // Restored into a new place, it serves the demo province.
        let restored = folder + "/khoi-phuc.sqlite"
        let put = try BandoBinary.run(["restore", "--from", backup, "--db", restored])
        #expect(put.0 == 0, "\(put.2)")
        let second = try ServerProcess(database: restored)
        defer { second.stop() }
        let home = try RawClient(port: second.port).get("/")
        #expect(home.status == 200)
        #expect(home.text.contains("/layers/co-so-y-te"))
        #expect(try RawClient(port: second.port).get("/layers/co-so-y-te").status == 200)
        #expect(second.stop() == 0)

        // Over an existing database only with --force, which keeps the old one beside.
        let refused = try BandoBinary.run(["restore", "--from", backup, "--db", restored])
        #expect(refused.0 != 0 && refused.2.contains("needs --force"))
        let forced = try BandoBinary.run(["restore", "--from", backup, "--db", restored, "--force"])
        #expect(forced.0 == 0, "\(forced.2)")
        let kept = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("khoi-phuc.sqlite.replaced-") }
        #expect(kept.count == 1)

        // Something that is not a backup is refused, and nothing is put in place.
        let junk = folder + "/rac.sqlite"
        _ = FileManager.default.createFile(atPath: junk, contents: Data("not a database".utf8))
        let wrong = try BandoBinary.run(["restore", "--from", junk, "--db", folder + "/moi.sqlite"])
        #expect(wrong.0 != 0)
        #expect(!FileManager.default.fileExists(atPath: folder + "/moi.sqlite"))
    }

    @Test func scheduledBackupsAreWrittenAndPruned() throws {
        let database = try DemoDatabase.copy()
        let folder = URL(fileURLWithPath: database).deletingLastPathComponent().path + "/backups"
        // Every 1.8 s, keeping two.
        let server = try ServerProcess(database: database, extraArguments: [
            "--backup-dir", folder, "--backup-every", "0.0005", "--backup-keep", "2"])
        var backups: [String] = []
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            Thread.sleep(forTimeInterval: 0.5)
            if server.log().components(separatedBy: "scheduled backup written").count - 1 >= 3 { break }
        }
        #expect(server.stop() == 0)
        backups = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.filter { $0.hasSuffix(".sqlite") } ?? []
        #expect(server.log().components(separatedBy: "scheduled backup written").count - 1 >= 3, "\(server.log())")
        #expect(backups.count == 2, "\(backups)")
        let check = try SQLite3.run(folder + "/" + (backups.sorted().last ?? ""), "PRAGMA quick_check")
        #expect(check.status == 0 && check.output.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
    }
}
