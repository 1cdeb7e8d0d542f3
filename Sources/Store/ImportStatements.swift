import Foundation
import GRDB
import GRDBSQLite

// The import's statements run once per feature — its row, its R-tree entry, and GEOS's check of
// a geometry already in WGS 84 — bound and stepped through SQLite's C API. Through GRDB every
// execution also asks each transaction observer (layer facts, sessions, tokens) whether it
// watches the statement's table — 7 % of a 100k-point import's CPU. None watches `features` or
// the R-tree, and the version being written is seen by nobody until the import's last
// transaction, which changes `layer_versions` (watched) through GRDB as usual.

/// The INSERT of a feature row.
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
        var code = properties.utf8.withContiguousStorageIfAvailable { text -> Int32 in
            guard let base = text.baseAddress, !text.isEmpty else { return sqlite3_bind_text(handle, 4, "", 0, transient) }
            return sqlite3_bind_text(handle, 4, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(text.count), transient)
        } ?? sqlite3_bind_text(handle, 4, properties, -1, transient)
        if code == SQLITE_OK { code = bindBlob(geometry, handle, 5) }
        try finish(statement, db, code)
    }
}

/// The INSERT of a feature's box into the version's R-tree, replacing a row id it already
/// holds as SpatiaLite's trigger does.
struct SpatialIndexInsert {
    let statement: Statement
    let db: Database

    init(_ db: Database) throws {
        self.db = db
        statement = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO idx_features_geom(pkid, xmin, xmax, ymin, ymax) VALUES (?, ?, ?, ?, ?)
            """)
    }

    func run(id: Int64, minX: Double, maxX: Double, minY: Double, maxY: Double) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        var code = sqlite3_bind_int64(handle, 1, id)
        if code == SQLITE_OK { code = sqlite3_bind_double(handle, 2, minX) }
        if code == SQLITE_OK { code = sqlite3_bind_double(handle, 3, maxX) }
        if code == SQLITE_OK { code = sqlite3_bind_double(handle, 4, minY) }
        if code == SQLITE_OK { code = sqlite3_bind_double(handle, 5, maxY) }
        try finish(statement, db, code)
    }
}

/// `ST_IsValid` of a SpatiaLite BLOB (GEOS's answer).
struct ValidityCheck {
    let statement: Statement
    let db: Database

    init(_ db: Database) throws {
        self.db = db
        statement = try db.cachedStatement(sql: "SELECT ST_IsValid(?)")
    }

    /// Whether GEOS finds `blob` valid; false when it cannot tell.
    func isValid(_ blob: Data) throws -> Bool {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        defer { sqlite3_reset(handle) }
        var code = bindBlob(blob, handle, 1)
        if code == SQLITE_OK { code = sqlite3_step(handle) }
        guard code == SQLITE_ROW else { throw failure(statement, db, code) }
        return sqlite3_column_int(handle, 0) == 1
    }
}

/// Steps `statement` when binding went well (`code`), resets it, and throws what SQLite
/// answered unless the row was written.
private func finish(_ statement: Statement, _ db: Database, _ code: Int32) throws {
    let handle = statement.sqliteStatement
    var code = code
    if code == SQLITE_OK { code = sqlite3_step(handle) }
    defer { sqlite3_reset(handle) }
    guard code == SQLITE_DONE else { throw failure(statement, db, code) }
}

/// What SQLite answered `code` for, as GRDB reports it.
private func failure(_ statement: Statement, _ db: Database, _ code: Int32) -> DatabaseError {
    let message = db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) } ?? "error \(code)"
    return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
}

/// SQLite copies what is bound (the bytes may move once the call returns).
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// Binds `data` as a BLOB (an empty one as a zero-length BLOB, not NULL).
private func bindBlob(_ data: Data, _ handle: OpaquePointer?, _ index: Int32) -> Int32 {
    data.withUnsafeBytes { bytes in
        sqlite3_bind_blob(handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count), transient)
    }
}
