import Foundation
import GRDB

/// What a personal access token may be used for.
public enum TokenScope: String, Sendable, CaseIterable, Comparable {
    /// Read through the service doors (WMS, WMTS, OGC API), within what the user may see.
    case read
    /// Upload new versions (through the API, when it comes).
    case upload
    /// Publish or reject versions, for approvers.
    case approve
    /// Administer the user's agency, for its administrators.
    case admin

    public static func < (a: TokenScope, b: TokenScope) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The scopes of a comma-separated list; nil when one is not a scope.
    public static func parse(_ text: String) -> Set<TokenScope>? {
        var out = Set<TokenScope>()
        for part in text.split(separator: ",") {
            guard let scope = TokenScope(rawValue: part.trimmingCharacters(in: .whitespaces).lowercased()) else { return nil }
            out.insert(scope)
        }
        return out.isEmpty ? nil : out
    }

    public static func text(_ scopes: Set<TokenScope>) -> String { scopes.sorted().map(\.rawValue).joined(separator: ",") }
}

/// A token as listed: never its secret.
public struct AccessToken: Sendable, Equatable {
    public var id: Int64
    public var userID: Int64
    public var name: String
    public var scopes: Set<TokenScope>
    public var createdAt: String
    public var expiresAt: Date?
    public var lastUsedAt: String?
    public var revokedAt: String?

    /// Neither revoked nor past its expiry at `now`.
    public func isUsable(at now: Date = Date()) -> Bool {
        revokedAt == nil && (expiresAt.map { now < $0 } ?? true)
    }
}

/// A usable token found by its secret, with its user and agency (neither disabled).
public struct ActiveToken: Sendable, Equatable {
    public var token: AccessToken
    public var user: User
    public var agencyCode: String
}

/// Personal access tokens: made, found by the hash of their secret, touched, listed, revoked.
public struct AccessTokenRepository: Sendable {
    let database: SpatialDatabase
    public init(_ database: SpatialDatabase) { self.database = database }

    /// The longest a token may live, and the most tokens one user may hold unrevoked.
    public static let maxDays = 366
    public static let maxPerUser = 20

    public static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    public static func date(_ text: String?) -> Date? {
        guard let text else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// Stores a token for `userID` under the hash of its secret; returns its id.
    public func create(userID: Int64, name: String, tokenHash: String, scopes: Set<TokenScope>, expiresAt: Date?,
                       audit: AuditEntry) throws(StoreError) -> Int64 {
        try database.write { db in
            let held = try Int.fetchOne(db, sql: "SELECT count(*) FROM access_tokens WHERE user_id = ? AND revoked_at IS NULL",
                                        arguments: [userID]) ?? 0
            guard held < Self.maxPerUser else {
                throw StoreError.invalid("a user holds at most \(Self.maxPerUser) tokens; revoke one first")
            }
            try db.execute(sql: """
                INSERT INTO access_tokens(user_id, name, token_hash, scopes, expires_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [userID, name, tokenHash, TokenScope.text(scopes), expiresAt.map(Self.iso)])
            let id = db.lastInsertedRowID
            try LayerEvents.audit(db, audit)
            return id
        }
    }

    /// The usable token with this hash, its user and agency enabled; nil otherwise. Kept in
    /// memory until a commit changes tokens, users or agencies, so a request through a token
    /// reads the database only after such a change.
    public func findActive(tokenHash: String, at now: Date = Date()) throws(StoreError) -> ActiveToken? {
        let found: ActiveToken?
        if let kept = database.tokenFacts.lookup(tokenHash) {
            found = kept
        } else {
            let revision = database.tokenFacts.current
            found = try read(tokenHash)
            database.tokenFacts.store(tokenHash, found, readAt: revision)
        }
        guard let found, found.token.isUsable(at: now) else { return nil }
        return found
    }

    private func read(_ tokenHash: String) throws(StoreError) -> ActiveToken? {
        try database.read { db -> ActiveToken? in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT t.id AS token_id, t.user_id, t.name AS token_name, t.scopes, t.created_at AS token_created,
                       t.expires_at, t.last_used_at, t.revoked_at,
                       u.id, u.username, u.display_name, u.email, u.agency_id, u.role, u.password_hash, u.disabled,
                       a.code AS agency_code
                FROM access_tokens t JOIN users u ON u.id = t.user_id JOIN agencies a ON a.id = u.agency_id
                WHERE t.token_hash = ? AND u.disabled = 0 AND a.disabled = 0
                """, arguments: [tokenHash]) else { return nil }
            return ActiveToken(token: Self.token(row, idColumn: "token_id", nameColumn: "token_name", createdColumn: "token_created"),
                               user: UserRepository.user(row), agencyCode: row["agency_code"])
        }
    }

    /// Records a use of the token (callers do so at most once a minute).
    public func touch(id: Int64, tokenHash: String, at date: Date = Date()) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: "UPDATE access_tokens SET last_used_at = ? WHERE id = ?", arguments: [Self.iso(date), id])
        }
        database.tokenFacts.update(tokenHash) { $0.token.lastUsedAt = Self.iso(date) }
    }

    /// The user's tokens, newest first, revoked ones included.
    public func list(userID: Int64) throws(StoreError) -> [AccessToken] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM access_tokens WHERE user_id = ? ORDER BY id DESC", arguments: [userID])
                .map { Self.token($0, idColumn: "id", nameColumn: "name", createdColumn: "created_at") }
        }
    }

    /// Revokes token `id` of `userID`; false when the user has no such unrevoked token.
    public func revoke(id: Int64, userID: Int64, audit: AuditEntry) throws(StoreError) -> Bool {
        try database.write { db in
            try db.execute(sql: """
                UPDATE access_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                WHERE id = ? AND user_id = ? AND revoked_at IS NULL
                """, arguments: [id, userID])
            guard db.changesCount > 0 else { return false }
            try LayerEvents.audit(db, audit)
            return true
        }
    }

    static func token(_ row: Row, idColumn: String, nameColumn: String, createdColumn: String) -> AccessToken {
        AccessToken(id: row[idColumn], userID: row["user_id"], name: row[nameColumn],
                    scopes: TokenScope.parse(row["scopes"] ?? "") ?? [], createdAt: row[createdColumn],
                    expiresAt: date(row["expires_at"]), lastUsedAt: row["last_used_at"], revokedAt: row["revoked_at"])
    }
}
