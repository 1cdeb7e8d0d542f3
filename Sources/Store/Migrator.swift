import Foundation
import GRDB

/// Applies the numbered SQL files of `migrations/` in order, each once, each in its own transaction.
///
/// Files are named `NNNN_name.sql`; the number is the schema version it brings the database to.
/// Applied versions are recorded in `schema_migrations`. A database whose highest recorded version is
/// above the highest file here was written by a newer Bando and is refused untouched.
public struct Migrator: Sendable {
    /// One migration file.
    public struct Migration: Sendable, Equatable {
        public let version: Int
        public let name: String
        public let sql: String
    }

    public let migrations: [Migration]

    /// Reads every `NNNN_name.sql` in `directory`.
    public init(directory: String) throws(StoreError) {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw .badMigrations("cannot read the folder \(directory)")
        }
        var found: [Migration] = []
        for name in names.sorted() where name.hasSuffix(".sql") {
            let stem = name.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0 else {
                throw .badMigrations("\(name) is not named NNNN_name.sql")
            }
            guard let sql = try? String(contentsOfFile: directory + "/" + name, encoding: .utf8) else {
                throw .badMigrations("cannot read \(name) as UTF-8")
            }
            if found.contains(where: { $0.version == version }) {
                throw .badMigrations("two files claim version \(version)")
            }
            found.append(Migration(version: version, name: name, sql: sql))
        }
        if found.isEmpty { throw .badMigrations("no .sql files in \(directory)") }
        migrations = found.sorted { $0.version < $1.version }
    }

    public init(migrations: [Migration]) { self.migrations = migrations.sorted { $0.version < $1.version } }

    /// The highest version these files bring a database to.
    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// The versions already applied to `database`.
    public func appliedVersions(_ database: SpatialDatabase) throws(StoreError) -> [Int] {
        try database.write { db in
            try Self.ensureTable(db)
            return try Int.fetchAll(db, sql: "SELECT version FROM schema_migrations ORDER BY version")
        }
    }

    /// Applies what is missing; returns the names of the files applied now.
    @discardableResult
    public func migrate(_ database: SpatialDatabase) throws(StoreError) -> [String] {
        let applied = Set(try appliedVersions(database))
        if let newest = applied.max(), newest > latestVersion {
            throw .databaseTooNew(databaseVersion: newest, knownVersion: latestVersion)
        }
        var done: [String] = []
        for migration in migrations where !applied.contains(migration.version) {
            do {
                try database.pool.write { db in
                    try db.execute(sql: migration.sql)
                    try db.execute(sql: "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, datetime('now'))",
                                   arguments: [migration.version, migration.name])
                }
            } catch {
                throw .migrationFailed(file: migration.name, reason: SpatialDatabase.map(error).description)
            }
            done.append(migration.name)
        }
        return done
    }

    static func ensureTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS schema_migrations(
              version INTEGER PRIMARY KEY,
              name TEXT NOT NULL,
              applied_at TEXT NOT NULL)
            """)
    }
}
