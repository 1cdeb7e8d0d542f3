import Foundation
import GRDB

/// Which audit entries to read. Every condition present narrows the result; dates are whole days
/// (`yyyy-mm-dd`, UTC, both ends included).
public struct AuditFilter: Sendable, Equatable {
    /// Entries whose actor belonged to this agency; nil for every agency.
    public var agencyID: Int64?
    /// The actor's username (case-insensitive, exact).
    public var username: String?
    /// The action name, exact (`user.create`).
    public var action: String?
    /// First day included.
    public var from: String?
    /// Last day included.
    public var to: String?

    public init(agencyID: Int64? = nil, username: String? = nil, action: String? = nil, from: String? = nil, to: String? = nil) {
        self.agencyID = agencyID
        self.username = username
        self.action = action
        self.from = from
        self.to = to
    }

    /// The SQL condition and its arguments.
    func condition() -> (String, StatementArguments) {
        var clauses: [String] = []
        var arguments = StatementArguments()
        if let agencyID { clauses.append("l.agency_id = ?"); arguments += [agencyID] }
        if let username { clauses.append("l.username = ? COLLATE NOCASE"); arguments += [username] }
        if let action { clauses.append("l.action = ?"); arguments += [action] }
        if let from { clauses.append("l.at >= ?"); arguments += [from] }
        if let to { clauses.append("l.at < date(?, '+1 day')"); arguments += [to] }
        return (clauses.isEmpty ? "1" : clauses.joined(separator: " AND "), arguments)
    }
}

/// One audit entry as read back, with its actor's agency code.
public struct AuditRecord: Sendable, Equatable {
    public var id: Int64
    /// When, as stored: `yyyy-mm-ddThh:mm:ss.sssZ` (UTC).
    public var at: String
    public var username: String?
    public var agencyID: Int64?
    public var agencyCode: String?
    public var action: String
    public var target: String
    public var detail: String
    public var clientAddress: String?
}

extension AuditRepository {
    /// Entries matching `filter`, newest first, `limit` of them after skipping `offset`.
    public func entries(_ filter: AuditFilter, limit: Int, offset: Int = 0) throws(StoreError) -> [AuditRecord] {
        let (condition, arguments) = filter.condition()
        var all = arguments
        all += [max(0, limit), max(0, offset)]
        return try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT l.id, l.at, l.username, l.agency_id, a.code AS agency_code, l.action, l.target, l.detail, l.client_address
                FROM audit_log l LEFT JOIN agencies a ON a.id = l.agency_id
                WHERE \(condition)
                ORDER BY l.id DESC
                LIMIT ? OFFSET ?
                """, arguments: all).map { row in
                AuditRecord(id: row["id"], at: row["at"], username: row["username"], agencyID: row["agency_id"],
                            agencyCode: row["agency_code"], action: row["action"], target: row["target"],
                            detail: row["detail"], clientAddress: row["client_address"])
            }
        }
    }

    /// How many entries match `filter`.
    public func count(_ filter: AuditFilter) throws(StoreError) -> Int {
        let (condition, arguments) = filter.condition()
        return try database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log l WHERE \(condition)", arguments: arguments) ?? 0
        }
    }

    /// The distinct action names in the log, for the filter's suggestions.
    public func actions() throws(StoreError) -> [String] {
        try database.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT action FROM audit_log ORDER BY action") }
    }
}
