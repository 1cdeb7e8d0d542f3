import Foundation

/// Everything the store can refuse, each with a message a person can act on.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    /// The file exists but is not an SQLite database.
    case notADatabase(path: String)
    /// The database could not be opened or created.
    case cannotOpen(path: String, reason: String)
    /// SpatiaLite could not be loaded into a connection.
    case spatialiteMissing(reason: String)
    /// The database was written by a newer Bando than this one.
    case databaseTooNew(databaseVersion: Int, knownVersion: Int)
    /// A migration file failed to apply; nothing of it was kept.
    case migrationFailed(file: String, reason: String)
    /// The migrations folder is missing or holds a badly named file.
    case badMigrations(String)
    /// A lookup found nothing.
    case notFound(String)
    /// A value broke a rule of the schema (duplicate code, unknown parent…).
    case invalid(String)
    /// Any other database failure, with the SQLite message.
    case database(String)

    public var description: String {
        switch self {
        case .notADatabase(let path):
            return "\(path) is not an SQLite database (wrong file, or damaged); point --db at a Bando database or at a new file name"
        case .cannotOpen(let path, let reason):
            return "cannot open database \(path): \(reason)"
        case .spatialiteMissing(let reason):
            return "SpatiaLite could not be loaded (\(reason)); install Debian's libsqlite3-mod-spatialite"
        case .databaseTooNew(let db, let known):
            return "the database is at schema version \(db), newer than this Bando knows (\(known)); run a newer Bando, or restore a backup made for this one"
        case .migrationFailed(let file, let reason):
            return "migration \(file) failed and was rolled back: \(reason)"
        case .badMigrations(let message):
            return "migrations: \(message)"
        case .notFound(let what):
            return "\(what) not found"
        case .invalid(let message):
            return message
        case .database(let message):
            return "database error: \(message)"
        }
    }
}
