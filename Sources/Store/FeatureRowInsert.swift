import Foundation
import GRDB
import GRDBSQLite

/// The import's one INSERT of a feature row, bound and stepped through SQLite's C API.
///
/// Through GRDB every execution also asks each transaction observer (layer facts, sessions,
/// tokens) whether it watches the statement's table — 7 % of a 100k-point import's CPU. None
/// watches `features`, and the version being written is seen by nobody until the import's last
/// transaction, which changes `layer_versions` (watched) through GRDB as usual.
struct FeatureRowInsert {
    let statement: Statement
    let db: Database

    init(_ db: Database) throws {
        self.db = db
        statement = try db.cachedStatement(sql: "INSERT INTO features(id, fid, version_id, properties, geom) VALUES (?, ?, ?, ?, ?)")
    }

    /// Writes one row whose id is its fid too; throws what SQLite answered when it refuses.
    func run(id: Int64, versionID: Int64, properties: String, geometry: Data) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, id)
        sqlite3_bind_int64(handle, 2, id)
        sqlite3_bind_int64(handle, 3, versionID)
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        var code = properties.utf8.withContiguousStorageIfAvailable { text -> Int32 in
            guard let base = text.baseAddress, !text.isEmpty else { return sqlite3_bind_text(handle, 4, "", 0, transient) }
            return sqlite3_bind_text(handle, 4, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(text.count), transient)
        } ?? sqlite3_bind_text(handle, 4, properties, -1, transient)
        if code == SQLITE_OK {
            code = geometry.withUnsafeBytes { bytes in
                sqlite3_bind_blob(handle, 5, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count), transient)
            }
        }
        if code == SQLITE_OK { code = sqlite3_step(handle) }
        defer { sqlite3_reset(handle) }
        guard code == SQLITE_DONE else {
            let message = db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) } ?? "error \(code)"
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
    }
}
