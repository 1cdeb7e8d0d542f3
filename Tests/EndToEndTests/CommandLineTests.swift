import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `bando` commands and their answers to bad situations.
@Suite struct CommandLineTests {
    func temporaryFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "bando-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func migrateCreatesThenReportsUpToDate() throws {
        let folder = try temporaryFolder(); defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try BandoBinary.run(["migrate", "--db", folder + "/new.sqlite"])
        #expect(first.0 == 0)
        #expect(first.1.contains("applied 0001_spatial_metadata.sql"))
        let second = try BandoBinary.run(["migrate", "--db", folder + "/new.sqlite"])
        #expect(second.0 == 0 && second.1.contains("already up to date"))
    }

    @Test func seedDemoPrintsAccountsAndRefusesASeededDatabase() throws {
        let folder = try temporaryFolder(); defer { try? FileManager.default.removeItem(atPath: folder) }
        let db = try DemoDatabase.copy()
        let again = try BandoBinary.run(["seed-demo", "--db", db])
        #expect(again.0 != 0)
        #expect(again.2.contains("already holds agencies"))
        let random = try BandoBinary.run(["migrate", "--db", folder + "/x.sqlite"])
        #expect(random.0 == 0)
    }

    @Test func notADatabaseIsExplained() throws {
        let folder = try temporaryFolder(); defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/notes.txt"
        try "hello".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try BandoBinary.run(["serve", "--db", path, "--port", "0"])
        #expect(result.0 == 1)
        #expect(result.2.contains("is not an SQLite database"))
    }

    @Test func portInUseIsExplained() throws {
        let server = try ServerProcess(); defer { server.stop() }
        let result = try BandoBinary.run(["serve", "--db", try DemoDatabase.copy(), "--port", String(server.port)])
        #expect(result.0 == 1)
        #expect(result.2.contains("\(server.port)") && result.2.lowercased().contains("in use"))
    }

    @Test func missingDatabaseOptionIsExplained() throws {
        let result = try BandoBinary.run(["serve"], environment: ["BANDO_DB": ""])
        #expect(result.0 != 0)
        #expect(result.2.contains("--db"))
    }

    @Test func eachRequestIsLoggedOnce() throws {
        let server = try ServerProcess()
        let client = try RawClient(port: server.port)
        _ = try client.get("/layers/co-so-y-te")
        #expect(server.stop() == 0)
        let lines = server.log().split(separator: "\n").filter { $0.contains("GET /layers/co-so-y-te") }
        #expect(lines.count == 1)
        #expect(lines.first?.contains(" 200 ") == true)
    }
}
