import ArgumentParser
import Foundation
import Logging
import Store

/// `bando backup`: a consistent copy of the database, taken while the portal serves.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Copy the database while it serves (a consistent snapshot).")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The backup file to write; it must not exist yet.")
    var to: String

    func run() throws {
        do {
            let path = try database.path()
            guard FileManager.default.fileExists(atPath: path) else { throw fail("there is no database at \(path)") }
            let db = try SpatialDatabase(path: path)
            let size = try Backup.copy(db, to: to)
            print("\(path): backed up to \(to) (\(size / 1024) KiB)")
        } catch let error as ValidationError {
            throw error
        } catch let error as ExitCode {
            throw error
        } catch {
            throw fail("\(error)")
        }
    }
}

/// `bando restore`: puts a backup in place as the database.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup in place as the database (refused while a server has it open).")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The backup file to restore.")
    var from: String

    @Flag(help: "Replace an existing database (it is kept beside as <db>.replaced-<time>).")
    var force = false

    func run() throws {
        do {
            let path = try database.path()
            let kept = try Backup.restore(from: from, to: path, force: force)
            print("\(path): restored from \(from)" + (kept.map { "; the database it replaced is kept as \($0)" } ?? ""))
        } catch let error as ValidationError {
            throw error
        } catch {
            throw fail("\(error)")
        }
    }
}

/// The scheduled backups of `bando serve --backup-dir … --backup-every … --backup-keep …`: one
/// thread that wakes at each due time, writes a backup and prunes the oldest.
final class ScheduledBackups: Sendable {
    let database: SpatialDatabase
    let directory: String
    let interval: TimeInterval
    let keep: Int
    let logger: Logger

    init(database: SpatialDatabase, directory: String, interval: TimeInterval, keep: Int, logger: Logger) {
        self.database = database
        self.directory = directory
        self.interval = interval
        self.keep = keep
        self.logger = logger
    }

    func start() {
        let thread = Thread { [self] in
            var due = Date().addingTimeInterval(interval)
            while true {
                Thread.sleep(until: due)
                due = due.addingTimeInterval(interval)
                do {
                    let path = try Backup.scheduled(database, directory: directory, keep: keep)
                    logger.info("scheduled backup written: \(path)")
                } catch {
                    logger.error("scheduled backup failed: \(error)")
                }
            }
        }
        thread.name = "backups"
        thread.start()
    }
}
