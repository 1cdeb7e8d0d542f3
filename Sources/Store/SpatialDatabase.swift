import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// The one SpatiaLite database file of a Bando installation.
///
/// A GRDB `DatabasePool` in WAL mode: readers run in parallel on their own connections, writes are
/// serialized on one writer. `mod_spatialite` is loaded into every connection as it opens, so SQL
/// anywhere may use SpatiaLite's functions. The file stays a standard SpatiaLite database that QGIS
/// can open.
public final class SpatialDatabase: Sendable {
    /// The pool; repositories run their SQL through it.
    public let pool: DatabasePool
    /// Where the file lives.
    public let path: String
    /// Layer facts read on every request, valid until a commit changes their tables.
    let layerFacts = LayerFactsCache()
    let sessionFacts = KeyedFactsCache<ActiveSession>(tables: ["sessions", "users", "agencies"],
                                                      ignoredColumns: ["sessions": ["last_seen_at"]])
    let tokenFacts = KeyedFactsCache<ActiveToken>(tables: ["access_tokens", "users", "agencies"],
                                                  ignoredColumns: ["access_tokens": ["last_used_at"]], lifetime: 1)

    /// Opens (creating if needed) the database at `path`, with SpatiaLite loaded in every connection.
    /// `spatialiteModule` is the extension to load; only tests name another.
    public init(path: String, maximumReaders: Int = 8, spatialiteModule: String = "mod_spatialite") throws(StoreError) {
        self.path = path
        try Self.checkHeader(path: path)
        var config = Configuration()
        config.maximumReaderCount = maximumReaders
        config.busyMode = .timeout(Double(Self.writerWaitSeconds))
        config.prepareDatabase { db in
            try SpatialDatabase.loadSpatiaLite(spatialiteModule, into: db)
            if let handle = db.sqliteConnection { SpatialDatabase.waitForWriter(on: handle) }
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            pool.add(transactionObserver: RevisionObserver(layerFacts), extent: .databaseLifetime)
            pool.add(transactionObserver: sessionFacts.observer, extent: .databaseLifetime)
            pool.add(transactionObserver: tokenFacts.observer, extent: .databaseLifetime)
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_NOTADB { throw .notADatabase(path: path) }
            if let message = error.message, message.hasPrefix("spatialite:") {
                throw .spatialiteMissing(reason: String(message.dropFirst("spatialite:".count)))
            }
            throw .cannotOpen(path: path, reason: error.message ?? "\(error)")
        } catch {
            throw .cannotOpen(path: path, reason: "\(error)")
        }
    }

    /// How often a connection that finds the writer taken by another process tries again.
    static let writerPollMicroseconds: Int32 = 500
    /// How long it keeps trying before the statement fails with SQLITE_BUSY.
    static let writerWaitSeconds: Int32 = 10

    /// Retries every `writerPollMicroseconds` for `writerWaitSeconds`. SQLite's own handler
    /// (`busy_timeout`) sleeps ever longer, 25 ms and then 100 ms between tries, so behind a
    /// process that pauses only a millisecond between its short transactions — `bando import`
    /// writing into the database the portal serves — a sign-in waited seconds for a gap it kept
    /// missing. Installed after SpatiaLite is loaded, which sets a busy timeout of its own.
    static func waitForWriter(on handle: OpaquePointer) {
        sqlite3_busy_handler(handle, { _, tries in
            guard tries < SpatialDatabase.writerWaitSeconds * 1_000_000 / SpatialDatabase.writerPollMicroseconds else { return 0 }
            usleep(useconds_t(SpatialDatabase.writerPollMicroseconds))
            return 1
        }, nil)
    }

    /// Refuses a file that exists, is not empty, and does not start with SQLite's magic header —
    /// before SQLite itself gets to touch (or WAL-convert) someone else's file.
    private static func checkHeader(path: String) throws(StoreError) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 16)) ?? Data()
        if head.isEmpty { return }
        if head != Data("SQLite format 3\0".utf8) { throw .notADatabase(path: path) }
    }

    /// Loads `mod_spatialite`, enabling extension loading only around the call.
    static func loadSpatiaLite(_ module: String, into db: Database) throws {
        guard let handle = db.sqliteConnection else {
            throw DatabaseError(resultCode: .SQLITE_ERROR, message: "spatialite: no connection handle")
        }
        sqlite3_enable_load_extension(handle, 1)
        defer { sqlite3_enable_load_extension(handle, 0) }
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_load_extension(handle, module, nil, &errorMessage)
        if rc != SQLITE_OK {
            let text = errorMessage.map { String(cString: $0) } ?? "error \(rc)"
            sqlite3_free(errorMessage)
            throw DatabaseError(resultCode: .SQLITE_ERROR, message: "spatialite: \(text)")
        }
    }

    /// Runs a read on a reader connection, mapping database failures to `StoreError`.
    public func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.read(body) } catch { throw Self.map(error) }
    }

    /// Runs a write transaction on the writer connection, mapping failures to `StoreError`.
    /// The time spent waiting for the writer is told to the observer, if one is set.
    public func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        let observer = writeWaitObserver.withLock { $0 }
        guard let observer else {
            do { return try pool.write(body) } catch { throw Self.map(error) }
        }
        let asked = ContinuousClock.now
        do {
            return try pool.write { db in
                observer(ContinuousClock.now - asked)
                return try body(db)
            }
        } catch {
            throw Self.map(error)
        }
    }

    private let writeWaitObserver = Mutex<(@Sendable (Duration) -> Void)?>(nil)

    /// Hears how long each `write` waited for the database's one writer (metrics).
    public func observeWriteWaits(_ observer: @escaping @Sendable (Duration) -> Void) {
        writeWaitObserver.withLock { $0 = observer }
    }

    /// How many callers run with relaxed durability, and the writer's setting before the first.
    private let relaxed = Mutex<(count: Int, setting: Int, cache: Int)>((0, 2, -2000))

    /// The writer's page cache during bulk writes, in KiB.
    static let bulkCacheKiB = 32_768

    /// Runs `body` with the writer's commits not waiting for the disk (`synchronous = NORMAL`;
    /// WAL keeps the file consistent, a power loss may drop the last commits) and its page cache
    /// at `bulkCacheKiB`. For bulk writes whose result a later commit at the writer's own setting
    /// makes durable — a later full sync of the WAL carries every frame before it. Overlapping
    /// callers share one relaxation; the last to leave restores both settings.
    func withRelaxedDurability<T>(_ body: () throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            try relaxed.withLock { state in
                if state.count == 0 {
                    state.setting = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? 2
                    state.cache = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
                    try db.execute(sql: "PRAGMA synchronous = NORMAL")
                    try db.execute(sql: "PRAGMA cache_size = -\(Self.bulkCacheKiB)")
                }
                state.count += 1
            }
        }
        defer {
            try? pool.writeWithoutTransaction { db in
                try relaxed.withLock { state in
                    state.count -= 1
                    if state.count == 0 {
                        try db.execute(sql: "PRAGMA synchronous = \(state.setting)")
                        try db.execute(sql: "PRAGMA cache_size = \(state.cache)")
                    }
                }
            }
        }
        return try body()
    }

    /// Translates any error thrown inside a read or write into a `StoreError`.
    static func map(_ error: Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            if error.resultCode == .SQLITE_NOTADB { return .database("not a database") }
            if error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
                || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                return .invalid("already exists: \(error.message ?? "")")
            }
            return .database(error.message ?? "\(error)")
        }
        return .database("\(error)")
    }

    /// A small health summary: SQLite and SpatiaLite versions, schema version, journal mode.
    public func health() -> [String: String] {
        var out: [String: String] = [:]
        do {
            try pool.read { db in
                out["sqlite"] = try String.fetchOne(db, sql: "SELECT sqlite_version()") ?? ""
                out["spatialite"] = try String.fetchOne(db, sql: "SELECT spatialite_version()") ?? ""
                out["journal_mode"] = try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? ""
                out["schema_version"] = String(try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(version), 0) FROM schema_migrations") ?? 0)
            }
            out["state"] = "ok"
        } catch {
            out["state"] = "error"
            out["error"] = "\(error)"
        }
        return out
    }
}
