import Foundation
import GRDB

/// An account of another system, bound to an agency, reached only through its tokens.
public struct ServiceAccount: Sendable, Equatable {
    public var user: User
    public var agencyCode: String
    public var agencyName: String
    public var purpose: String
    public var createdBy: String?
    public var createdAt: String
}

/// Service accounts: user rows with no password (`Passwords.verify` never accepts the empty
/// hash, and the sign-in refuses them by name too) and a purpose, made by the system
/// administrator for another system.
public struct ServiceAccountRepository: Sendable {
    let database: SpatialDatabase
    public init(_ database: SpatialDatabase) { self.database = database }

    /// Makes the account `username` in the agency `agencyCode` with `role`, audited as `audit`.
    public func create(username: String, displayName: String, agencyCode: String, role: Role, purpose: String,
                       createdBy: String?, audit: AuditEntry) throws(StoreError) -> User {
        try database.write { db in
            guard let agencyID = try Int64.fetchOne(db, sql: "SELECT id FROM agencies WHERE code = ? AND disabled = 0",
                                                    arguments: [agencyCode]) else {
                throw StoreError.invalid("agency \(agencyCode) does not exist or is disabled")
            }
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM users WHERE username = ?", arguments: [username]) == 0 else {
                throw StoreError.invalid("an account named \(username) exists already")
            }
            try db.execute(sql: """
                INSERT INTO users(username, display_name, agency_id, role, password_hash) VALUES (?, ?, ?, ?, '')
                """, arguments: [username, displayName, agencyID, role.rawValue])
            let id = db.lastInsertedRowID
            try db.execute(sql: "INSERT INTO service_accounts(user_id, purpose, created_by) VALUES (?, ?, ?)",
                           arguments: [id, purpose, createdBy])
            try LayerEvents.audit(db, audit)
            return User(id: id, username: username, displayName: displayName, email: nil, agencyID: agencyID, role: role,
                        passwordHash: "", disabled: false)
        }
    }

    /// Every service account, by agency then username.
    public func all() throws(StoreError) -> [ServiceAccount] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT u.id, u.username, u.display_name, u.email, u.agency_id, u.role, u.password_hash, u.disabled,
                       a.code AS agency_code, a.name AS agency_name, s.purpose, s.created_by, s.created_at AS service_created
                FROM service_accounts s JOIN users u ON u.id = s.user_id JOIN agencies a ON a.id = u.agency_id
                ORDER BY a.code, u.username
                """).map { row in
                ServiceAccount(user: UserRepository.user(row), agencyCode: row["agency_code"], agencyName: row["agency_name"],
                               purpose: row["purpose"], createdBy: row["created_by"], createdAt: row["service_created"])
            }
        }
    }

    /// The service account named `username`, or nil when there is none (or it is a person's).
    public func find(username: String) throws(StoreError) -> ServiceAccount? {
        try all().first { $0.user.username.caseInsensitiveCompare(username) == .orderedSame }
    }

    /// Whether the user is a service account.
    public func isService(userID: Int64) throws(StoreError) -> Bool {
        try database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM service_accounts WHERE user_id = ?", arguments: [userID]) == 1
        }
    }
}
