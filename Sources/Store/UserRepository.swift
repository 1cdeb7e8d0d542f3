import Foundation
import GRDB

/// Accounts.
public struct UserRepository: Sendable {
    let database: SpatialDatabase
    public init(_ database: SpatialDatabase) { self.database = database }

    static let columns = "id, username, display_name, email, agency_id, role, password_hash, disabled"

    static func user(_ row: Row) -> User {
        User(id: row["id"], username: row["username"], displayName: row["display_name"], email: row["email"],
             agencyID: row["agency_id"], role: Role(rawValue: row["role"]) ?? .viewer,
             passwordHash: row["password_hash"], disabled: row["disabled"])
    }

    /// Creates a user in the agency with `agencyCode`; `passwordHash` is an Argon2id string.
    @discardableResult
    public func create(username: String, displayName: String, agencyCode: String, role: Role,
                       passwordHash: String, email: String? = nil) throws(StoreError) -> User {
        try database.write { db in
            guard let agencyID = try Int64.fetchOne(db, sql: "SELECT id FROM agencies WHERE code = ?", arguments: [agencyCode]) else {
                throw StoreError.invalid("agency \(agencyCode) does not exist")
            }
            try db.execute(sql: """
                INSERT INTO users(username, display_name, email, agency_id, role, password_hash)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [username, displayName, email, agencyID, role.rawValue, passwordHash])
            return User(id: db.lastInsertedRowID, username: username, displayName: displayName, email: email,
                        agencyID: agencyID, role: role, passwordHash: passwordHash, disabled: false)
        }
    }

    public func find(username: String) throws(StoreError) -> User? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM users WHERE username = ?", arguments: [username]).map(Self.user)
        }
    }

    /// Users of one agency (or all, for nil), by username.
    public func list(agencyID: Int64?) throws(StoreError) -> [User] {
        try database.read { db in
            if let agencyID {
                return try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM users WHERE agency_id = ? ORDER BY username",
                                        arguments: [agencyID]).map(Self.user)
            }
            return try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM users ORDER BY username").map(Self.user)
        }
    }

    public func find(id: Int64) throws(StoreError) -> User? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM users WHERE id = ?", arguments: [id]).map(Self.user)
        }
    }

    /// Replaces a user's password hash.
    public func setPasswordHash(userID: Int64, _ hash: String) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: "UPDATE users SET password_hash = ? WHERE id = ?", arguments: [hash, userID])
        }
    }

    /// Records a successful login.
    public func recordLogin(userID: Int64) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: "UPDATE users SET last_login_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?", arguments: [userID])
        }
    }

    /// Whether the user's agency is disabled.
    public func agencyDisabled(userID: Int64) throws(StoreError) -> Bool {
        try database.read { db in
            try Bool.fetchOne(db, sql: "SELECT a.disabled FROM users u JOIN agencies a ON a.id = u.agency_id WHERE u.id = ?",
                              arguments: [userID]) ?? true
        }
    }
}
