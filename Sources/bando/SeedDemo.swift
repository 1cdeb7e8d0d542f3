import ArgumentParser
import Foundation
import Portal
import Store

/// `bando seed-demo`: a new database holding the demo province.
///
/// The province is built in a temporary file beside the target and moved into place only when
/// complete, so a failure leaves nothing half-seeded.
struct SeedDemo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-demo", abstract: "Create a database with the demo province and print its accounts.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Password for every demo account (default: a random one each, printed).")
    var password: String?

    func run() throws {
        do {
            let path = try database.path()
            let resources = try Resources.locate()
            if FileManager.default.fileExists(atPath: path) {
                let existing = try SpatialDatabase(path: path)
                if try Migrator(directory: resources.migrations).appliedVersions(existing).count > 0,
                   try AgencyRepository(existing).all().count > 0 {
                    throw fail("\(path) already holds agencies; seed-demo fills a new database (remove the file, or name another)")
                }
            }
            let temporary = path + ".seeding"
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporary + suffix) }
            var accounts: [DemoSeeder.Account] = []
            do {
                let db = try SpatialDatabase(path: temporary)
                try Migrator(directory: resources.migrations).migrate(db)
                accounts = try DemoSeeder(database: db).seed(password: password)
                try db.pool.close()
            } catch {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporary + suffix) }
                throw error
            }
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            if rename(temporary, path) != 0 {
                throw fail("cannot move \(temporary) to \(path): \(String(cString: strerror(errno)))")
            }
            print("Demo province written to \(path)")
            print("Accounts (username · role · agency · password):")
            for account in accounts {
                print("  \(account.username.padding(toLength: 26, withPad: " ", startingAt: 0)) \(account.role.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(account.agencyCode.padding(toLength: 15, withPad: " ", startingAt: 0)) \(account.password)")
            }
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            throw fail("\(error)")
        }
    }
}
