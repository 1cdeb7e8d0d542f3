import Foundation
import Glibc
import GRDB

/// Online backups and restores of the database file.
///
/// A backup copies every page with SQLite's backup API inside one read transaction on a reader
/// connection: a consistent snapshot, taken while the portal serves, that never holds the writer.
/// The copy is written beside its destination, checked (`PRAGMA quick_check`), then renamed into
/// place, so a half-written backup never carries the final name.
public enum Backup {
    /// Copies `database` to `destination` (which must not exist yet); returns its size in bytes.
    @discardableResult
    public static func copy(_ database: SpatialDatabase, to destination: String) throws(StoreError) -> Int {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw .invalid("\(destination) already exists; a backup never overwrites a file")
        }
        let partial = destination + ".part"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            let target = try DatabaseQueue(path: partial)
            try database.pool.backup(to: target)
            try target.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try check(target, path: destination)
            try target.close()
            try FileManager.default.moveItem(atPath: partial, toPath: destination)
        } catch let error as StoreError {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw SpatialDatabase.map(error)
        }
        return (try? FileManager.default.attributesOfItem(atPath: destination)[.size] as? Int) ?? 0
    }

    /// Puts the backup `source` in place at `path`. Refuses while any process has `path` open
    /// (a server serving it); refuses an existing database unless `force`, and then keeps it
    /// beside as `<path>.replaced-<time>`. Returns that name, if a database was replaced.
    @discardableResult
    public static func restore(from source: String, to path: String, force: Bool) throws(StoreError) -> String? {
        guard FileManager.default.fileExists(atPath: source) else { throw .notFound("backup file \(source)") }
        if isInUse(path) {
            throw .invalid("\(path) is open in another process (a running server?): stop it before restoring")
        }
        let exists = FileManager.default.fileExists(atPath: path)
        if exists && !force {
            throw .invalid("\(path) already exists; restoring over it needs --force (it is kept beside as a copy)")
        }
        let partial = path + ".restoring"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            try FileManager.default.copyItem(atPath: source, toPath: partial)
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: partial, configuration: configuration)
            try check(queue, path: source)
            guard try queue.read({ db in try db.tableExists("schema_migrations") })
            else { throw StoreError.invalid("\(source) is an SQLite file but not a Bando database") }
            try queue.close()
        } catch let error as StoreError {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw .invalid("\(source) is not a readable database backup (\(error))")
        }
        var kept: String?
        do {
            if exists {
                let stamp = timestamp(Date())
                let aside = "\(path).replaced-\(stamp)"
                try FileManager.default.moveItem(atPath: path, toPath: aside)
                kept = aside
            }
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch {
            throw .invalid("could not put the backup in place at \(path): \(error)")
        }
        return kept
    }

    /// Whether some process has the database at `path` open: every SQLite connection to a WAL
    /// database holds a shared lock on the "dead man switch" byte of its `-shm` file.
    public static func isInUse(_ path: String) -> Bool {
        let fd = open(path + "-shm", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 128   // WALINDEX_LOCK_OFFSET (120) + 8: the DMS byte
        lock.l_len = 1
        guard fcntl(fd, F_GETLK, &lock) == 0 else { return false }
        return lock.l_type != Int16(F_UNLCK)
    }

    /// `bando-20261202-130501.sqlite`: the name of a scheduled backup taken at `date` (UTC).
    public static func scheduledName(_ date: Date) -> String { "bando-\(timestamp(date)).sqlite" }

    /// Takes a scheduled backup into `directory`, then keeps only the newest `keep` of them.
    /// Returns the new file's path.
    @discardableResult
    public static func scheduled(_ database: SpatialDatabase, directory: String, keep: Int,
                                 now: Date = Date()) throws(StoreError) -> String {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .invalid("cannot create the backup folder \(directory): \(error)")
        }
        for stale in ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []) where stale.hasSuffix(".sqlite.part") {
            try? FileManager.default.removeItem(atPath: directory + "/" + stale)
        }
        let path = directory + "/" + scheduledName(now)
        try copy(database, to: path)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("bando-") && $0.hasSuffix(".sqlite") }
            .sorted()
        for name in names.dropLast(max(1, keep)) {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
        return path
    }

    private static func check(_ queue: DatabaseQueue, path: String) throws {
        let result = try queue.read { db in try String.fetchOne(db, sql: "PRAGMA quick_check") }
        guard result == "ok" else { throw StoreError.invalid("the copy of \(path) fails SQLite's check: \(result ?? "no answer")") }
    }

    private static func timestamp(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(format: "%04d%02d%02d-%02d%02d%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
