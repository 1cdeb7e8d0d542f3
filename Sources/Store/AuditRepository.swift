import Foundation
import GRDB

/// One entry of the append-only audit log.
public struct AuditEntry: Sendable, Equatable {
    public var userID: Int64?
    public var username: String?
    public var agencyID: Int64?
    public var action: String
    public var target: String
    public var detail: String
    public var clientAddress: String?

    public init(userID: Int64?, username: String?, agencyID: Int64?, action: String, target: String,
                detail: String = "", clientAddress: String? = nil) {
        self.userID = userID
        self.username = username
        self.agencyID = agencyID
        self.action = action
        self.target = target
        self.detail = detail
        self.clientAddress = clientAddress
    }
}

/// The audit log: the portal only appends; triggers refuse updates and deletions.
public struct AuditRepository: Sendable {
    let database: SpatialDatabase
    public init(_ database: SpatialDatabase) { self.database = database }

    public func append(_ entry: AuditEntry) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO audit_log(user_id, username, agency_id, action, target, detail, client_address)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [entry.userID, entry.username, entry.agencyID, entry.action, entry.target,
                                 entry.detail, entry.clientAddress])
        }
    }

    public func count() throws(StoreError) -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log") ?? 0 }
    }
}
