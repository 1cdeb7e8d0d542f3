import Foundation
import GRDB

/// A sign-in sent to the OpenID provider, as kept until the browser comes back.
public struct SignInFlow: Sendable, Equatable {
    public var nonce: String
    public var verifier: String
    public var next: String
    public var createdAt: Date

    public init(nonce: String, verifier: String, next: String, createdAt: Date) {
        self.nonce = nonce
        self.verifier = verifier
        self.next = next
        self.createdAt = createdAt
    }
}

/// An official known to the provider who asked to use the portal.
public struct AccessRequest: Sendable, Equatable {
    public enum Status: String, Sendable { case pending, approved, refused }
    public var id: Int64
    public var issuer: String
    public var subject: String
    public var username: String
    public var displayName: String
    public var email: String?
    public var claimedAgency: String?
    public var requestedAt: String
    public var status: Status
    public var reason: String?
}

/// Central accounts tied to local users, sign-ins under way, and officials waiting for a place.
public struct ExternalIdentityRepository: Sendable {
    let database: SpatialDatabase
    public init(_ database: SpatialDatabase) { self.database = database }

    /// How long a sign-in may stay at the provider.
    public static let flowLifetime: TimeInterval = 600
    /// Sign-ins under way at once, past which new ones are refused (a flood of starts).
    public static let maxFlows = 10_000

    // MARK: Identities

    /// The local user a central account is tied to.
    public func user(issuer: String, subject: String) throws(StoreError) -> User? {
        try database.read { db in
            try Row.fetchOne(db, sql: """
                SELECT \(UserRepository.columns.split(separator: ",").map { "u." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
                FROM external_identities x JOIN users u ON u.id = x.user_id WHERE x.issuer = ? AND x.subject = ?
                """, arguments: [issuer, subject]).map(UserRepository.user)
        }
    }

    /// Ties a central account to a user (once; a second tie of the same account is refused).
    public func link(issuer: String, subject: String, userID: Int64) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: "INSERT INTO external_identities(issuer, subject, user_id) VALUES (?, ?, ?)",
                           arguments: [issuer, subject, userID])
        }
    }

    public func recordLogin(issuer: String, subject: String) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: """
                UPDATE external_identities SET last_login_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                WHERE issuer = ? AND subject = ?
                """, arguments: [issuer, subject])
        }
    }

    // MARK: Flows

    /// Keeps a sign-in under way; false when too many are (after dropping the stale ones).
    public func startFlow(stateHash: String, _ flow: SignInFlow) throws(StoreError) -> Bool {
        try database.write { db in
            try db.execute(sql: "DELETE FROM sso_flows WHERE created_at < ?",
                           arguments: [flow.createdAt.timeIntervalSince1970 - Self.flowLifetime])
            let open = try Int.fetchOne(db, sql: "SELECT count(*) FROM sso_flows") ?? 0
            guard open < Self.maxFlows else { return false }
            try db.execute(sql: "INSERT INTO sso_flows(state_hash, nonce, verifier, next, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [stateHash, flow.nonce, flow.verifier, flow.next, flow.createdAt.timeIntervalSince1970])
            return true
        }
    }

    /// The sign-in of `stateHash`, removed as it is read (a state is good once); nil when unknown
    /// or older than `flowLifetime`.
    public func takeFlow(stateHash: String, now: Date) throws(StoreError) -> SignInFlow? {
        try database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT nonce, verifier, next, created_at FROM sso_flows WHERE state_hash = ?",
                                             arguments: [stateHash]) else { return nil }
            try db.execute(sql: "DELETE FROM sso_flows WHERE state_hash = ?", arguments: [stateHash])
            let flow = SignInFlow(nonce: row["nonce"], verifier: row["verifier"], next: row["next"],
                                  createdAt: Date(timeIntervalSince1970: row["created_at"]))
            return now.timeIntervalSince(flow.createdAt) <= Self.flowLifetime ? flow : nil
        }
    }

    // MARK: Requests

    static func request(_ row: Row) -> AccessRequest {
        AccessRequest(id: row["id"], issuer: row["issuer"], subject: row["subject"], username: row["username"],
                      displayName: row["display_name"], email: row["email"], claimedAgency: row["claimed_agency"],
                      requestedAt: row["requested_at"], status: AccessRequest.Status(rawValue: row["status"]) ?? .pending,
                      reason: row["reason"])
    }

    static let requestColumns = "id, issuer, subject, username, display_name, email, claimed_agency, requested_at, status, reason"

    /// Files the request of a central account, or refreshes it with what the provider says now
    /// (an approved request whose account has since been removed waits again); a refused request
    /// stays refused. Returns it as it stands.
    @discardableResult
    public func fileRequest(issuer: String, subject: String, username: String, displayName: String, email: String?,
                            claimedAgency: String?) throws(StoreError) -> AccessRequest {
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO sso_requests(issuer, subject, username, display_name, email, claimed_agency) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(issuer, subject) DO UPDATE SET username = excluded.username, display_name = excluded.display_name,
                  email = excluded.email, claimed_agency = excluded.claimed_agency, status = 'pending',
                  decided_by = NULL, decided_at = NULL WHERE status <> 'refused'
                """, arguments: [issuer, subject, username, displayName, email, claimedAgency])
            return try Row.fetchOne(db, sql: "SELECT \(Self.requestColumns) FROM sso_requests WHERE issuer = ? AND subject = ?",
                                    arguments: [issuer, subject]).map(Self.request)!
        }
    }

    public func pendingRequests() throws(StoreError) -> [AccessRequest] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.requestColumns) FROM sso_requests WHERE status = 'pending' ORDER BY requested_at, id")
                .map(Self.request)
        }
    }

    public func request(id: Int64) throws(StoreError) -> AccessRequest? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.requestColumns) FROM sso_requests WHERE id = ?", arguments: [id]).map(Self.request)
        }
    }

    /// Approves a pending request: creates the user in `agencyCode` with `role`, ties the central
    /// account to it and closes the request, in one transaction. Nil when the request is no
    /// longer pending; `.invalid` when the username is taken.
    public func approve(id: Int64, agencyCode: String, role: Role, by decider: String) throws(StoreError) -> User? {
        try database.write { db in
            guard let pending = try Row.fetchOne(db, sql: "SELECT \(Self.requestColumns) FROM sso_requests WHERE id = ? AND status = 'pending'",
                                                 arguments: [id]).map(Self.request) else { return nil }
            guard let agencyID = try Int64.fetchOne(db, sql: "SELECT id FROM agencies WHERE code = ?", arguments: [agencyCode]) else {
                throw StoreError.invalid("agency \(agencyCode) does not exist")
            }
            try db.execute(sql: """
                INSERT INTO users(username, display_name, email, agency_id, role, password_hash) VALUES (?, ?, ?, ?, ?, '')
                """, arguments: [pending.username, pending.displayName, pending.email, agencyID, role.rawValue])
            let userID = db.lastInsertedRowID
            try db.execute(sql: "INSERT INTO external_identities(issuer, subject, user_id) VALUES (?, ?, ?)",
                           arguments: [pending.issuer, pending.subject, userID])
            try db.execute(sql: """
                UPDATE sso_requests SET status = 'approved', decided_by = ?, decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?
                """, arguments: [decider, id])
            return User(id: userID, username: pending.username, displayName: pending.displayName, email: pending.email,
                        agencyID: agencyID, role: role, passwordHash: "", disabled: false)
        }
    }

    /// Refuses a pending request with a reason; false when it was no longer pending.
    public func refuse(id: Int64, reason: String, by decider: String) throws(StoreError) -> Bool {
        try database.write { db in
            try db.execute(sql: """
                UPDATE sso_requests SET status = 'refused', reason = ?, decided_by = ?,
                  decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ? AND status = 'pending'
                """, arguments: [reason, decider, id])
            return db.changesCount > 0
        }
    }

    /// Creates a user for a central account and ties them, in one transaction (the agency claim
    /// named an agency); `.invalid` when the username is taken.
    public func createLinked(issuer: String, subject: String, username: String, displayName: String, email: String?,
                             agencyID: Int64, role: Role) throws(StoreError) -> User {
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO users(username, display_name, email, agency_id, role, password_hash) VALUES (?, ?, ?, ?, ?, '')
                """, arguments: [username, displayName, email, agencyID, role.rawValue])
            let userID = db.lastInsertedRowID
            try db.execute(sql: "INSERT INTO external_identities(issuer, subject, user_id) VALUES (?, ?, ?)",
                           arguments: [issuer, subject, userID])
            return User(id: userID, username: username, displayName: displayName, email: email,
                        agencyID: agencyID, role: role, passwordHash: "", disabled: false)
        }
    }
}
