import Foundation
import GRDB

/// A user as the administration screens list them: the account and its agency.
public struct UserListing: Sendable, Equatable {
    public var user: User
    public var agencyCode: String
    public var agencyName: String
    public var lastLoginAt: String?
}

extension UserRepository {
    /// Every person's account with their agency (or only those of `agencyID`), by agency code then
    /// username; the accounts of other systems are listed on their own screen.
    public func listing(agencyID: Int64?) throws(StoreError) -> [UserListing] {
        try database.read { db in
            let columns = Self.columns.split(separator: ",").map { "u." + $0.trimmingCharacters(in: .whitespaces) }
                .joined(separator: ", ")
            var sql = """
                SELECT \(columns), u.last_login_at, a.code AS agency_code, a.name AS agency_name
                FROM users u JOIN agencies a ON a.id = u.agency_id
                WHERE u.id NOT IN (SELECT user_id FROM service_accounts)
                """
            var arguments = StatementArguments()
            if let agencyID {
                sql += " AND u.agency_id = ?"
                arguments += [agencyID]
            }
            sql += " ORDER BY a.code, u.username"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                UserListing(user: Self.user(row), agencyCode: row["agency_code"], agencyName: row["agency_name"],
                            lastLoginAt: row["last_login_at"])
            }
        }
    }

    /// Changes a user's role.
    public func setRole(userID: Int64, _ role: Role) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: "UPDATE users SET role = ? WHERE id = ?", arguments: [role.rawValue, userID])
        }
    }

    /// Disables or enables a user. Disabling also ends every session of the user, in the same transaction.
    public func setDisabled(userID: Int64, _ disabled: Bool) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: "UPDATE users SET disabled = ? WHERE id = ?", arguments: [disabled, userID])
            if disabled { try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [userID]) }
        }
    }

    /// Replaces a user's password hash and ends every session of the user, in one transaction.
    public func resetPassword(userID: Int64, hash: String) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: "UPDATE users SET password_hash = ? WHERE id = ?", arguments: [hash, userID])
            try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [userID])
        }
    }
}
