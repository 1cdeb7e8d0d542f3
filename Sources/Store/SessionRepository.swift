import Foundation
import GRDB

/// A signed-in session: whose, its CSRF token, and when it ends.
public struct Session: Sendable, Equatable {
    public var tokenHash: String
    public var userID: Int64
    public var csrfToken: String
    public var createdAt: Date
    public var lastSeenAt: Date
    public var expiresAt: Date

    public init(tokenHash: String, userID: Int64, csrfToken: String, createdAt: Date, lastSeenAt: Date, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.userID = userID
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
    }
}

/// Sessions live in the store (never in process memory), so several portal processes share them.
/// Only a hash of the session token is stored: a copy of the database opens no session.
public struct SessionRepository: Sendable {
    let database: SpatialDatabase
    public init(_ database: SpatialDatabase) { self.database = database }

    static func iso(_ date: Date) -> String { String(format: "%.3f", date.timeIntervalSince1970) }
    static func date(_ text: String) -> Date { Date(timeIntervalSince1970: Double(text) ?? 0) }

    public func create(_ session: Session, clientAddress: String?) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO sessions(token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, client_address)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [session.tokenHash, session.userID, session.csrfToken, Self.iso(session.createdAt),
                                 Self.iso(session.lastSeenAt), Self.iso(session.expiresAt), clientAddress])
        }
    }

    /// The session of `tokenHash` with its user and agency code, when the session exists and the
    /// user and agency are enabled — from memory while nothing it depends on has changed.
    public func findActive(tokenHash: String) throws(StoreError) -> ActiveSession? {
        if let kept = database.sessionFacts.lookup(tokenHash) { return kept }
        let revision = database.sessionFacts.current
        let found = try database.read { db -> ActiveSession? in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at,
                       u.id, u.username, u.display_name, u.email, u.agency_id, u.role, u.password_hash, u.disabled,
                       a.code AS agency_code
                FROM sessions s JOIN users u ON u.id = s.user_id JOIN agencies a ON a.id = u.agency_id
                WHERE s.token_hash = ? AND u.disabled = 0 AND a.disabled = 0
                """, arguments: [tokenHash]) else { return nil }
            let session = Session(tokenHash: row["token_hash"], userID: row["user_id"], csrfToken: row["csrf_token"],
                                  createdAt: Self.date(row["created_at"]), lastSeenAt: Self.date(row["last_seen_at"]),
                                  expiresAt: Self.date(row["expires_at"]))
            return ActiveSession(session: session, user: UserRepository.user(row), agencyCode: row["agency_code"])
        }
        database.sessionFacts.store(tokenHash, found, readAt: revision)
        return found
    }

    /// What `findActive` would answer, from memory only: nil when it is not known there.
    public func cachedActive(tokenHash: String) -> ActiveSession?? { database.sessionFacts.lookup(tokenHash) }

    /// Records activity on a session (its idle clock restarts).
    public func touch(tokenHash: String, at date: Date) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", arguments: [Self.iso(date), tokenHash])
        }
        database.sessionFacts.update(tokenHash) { $0.session.lastSeenAt = date }
    }

    public func delete(tokenHash: String) throws(StoreError) {
        try database.write { db in try db.execute(sql: "DELETE FROM sessions WHERE token_hash = ?", arguments: [tokenHash]) }
    }

    /// Ends every session of a user (password reset, account disabled).
    public func deleteAll(userID: Int64) throws(StoreError) {
        try database.write { db in try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [userID]) }
    }

    /// Removes sessions past their absolute expiry.
    public func deleteExpired(now: Date) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE CAST(expires_at AS REAL) < ?", arguments: [now.timeIntervalSince1970])
        }
    }
}

/// Login attempts, for throttling.
public struct LoginAttemptRepository: Sendable {
    let database: SpatialDatabase
    public init(_ database: SpatialDatabase) { self.database = database }

    public func record(username: String, clientAddress: String, at date: Date, success: Bool) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: "INSERT INTO login_attempts(username, client_address, at, success) VALUES (?, ?, ?, ?)",
                           arguments: [username, clientAddress, date.timeIntervalSince1970, success])
        }
    }

    /// Failures since the last success within the window, for an account and for an address,
    /// with the time of the latest failure.
    public func recentFailures(username: String, clientAddress: String, since: Date) throws(StoreError) -> LoginFailures {
        try database.read { db in
            let cutoff = since.timeIntervalSince1970
            // Failures of the account count only since its last success.
            let lastSuccess = try Double.fetchOne(db, sql: """
                SELECT max(at) FROM login_attempts WHERE username = ? AND success = 1
                """, arguments: [username]) ?? 0
            let from = max(cutoff, lastSuccess + 1e-6)
            func figures(_ condition: String, _ arguments: StatementArguments) throws -> (Int, Date?) {
                let row = try Row.fetchOne(db, sql: """
                    SELECT count(*), max(at) FROM login_attempts WHERE success = 0 AND \(condition)
                    """, arguments: arguments)
                return (row?[0] ?? 0, (row?[1] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
            let pair = try figures("username = ? AND client_address = ? AND at >= ?", [username, clientAddress, from])
            let account = try figures("username = ? AND at >= ?", [username, from])
            let address = try figures("client_address = ? AND at >= ?", [clientAddress, cutoff])
            return LoginFailures(pair: pair.0, lastForPair: pair.1, account: account.0, lastForAccount: account.1,
                                 address: address.0, lastForAddress: address.1)
        }
    }
}

/// Failed sign-ins in a window: for one account from one address, for the account from
/// anywhere, and for the address whatever the account — with the time of the latest of each.
public struct LoginFailures: Sendable, Equatable {
    public var pair: Int
    public var lastForPair: Date?
    public var account: Int
    public var lastForAccount: Date?
    public var address: Int
    public var lastForAddress: Date?

    public init(pair: Int = 0, lastForPair: Date? = nil, account: Int = 0, lastForAccount: Date? = nil,
                address: Int = 0, lastForAddress: Date? = nil) {
        self.pair = pair
        self.lastForPair = lastForPair
        self.account = account
        self.lastForAccount = lastForAccount
        self.address = address
        self.lastForAddress = lastForAddress
    }
}
