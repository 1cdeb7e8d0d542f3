import Foundation
import GRDB

/// The state of a layer version.
public enum VersionStatus: String, Sendable, CaseIterable, Codable {
    /// Waiting for the approver; seen only by the owner agency's editors and approvers.
    case pending
    /// The version everyone allowed to see the layer sees. At most one per layer.
    case published
    /// Refused by the approver, with a reason.
    case rejected
    /// Published once, replaced since; a rollback may publish it again.
    case superseded
}

/// One version of a layer's data, as its history and review pages show it.
public struct VersionRecord: Sendable, Equatable {
    public var id: Int64
    public var layerID: Int64
    public var number: Int
    public var status: VersionStatus
    public var createdBy: String?
    public var createdAt: String
    public var sourceName: String?
    public var sourceSRID: Int?
    public var encoding: String?
    public var featureCount: Int
    /// The extent in EPSG:4326 (nil for an empty version).
    public var extent: (minX: Double, minY: Double, maxX: Double, maxY: Double)?
    public var warnings: [String]
    public var decidedBy: String?
    public var decidedAt: String?
    /// A rejection's reason.
    public var reason: String?
    /// The number of the version this one was made from (edited, or published at upload).
    public var baseNumber: Int?

    public static func == (a: VersionRecord, b: VersionRecord) -> Bool {
        a.id == b.id && a.status == b.status && a.featureCount == b.featureCount && a.reason == b.reason
            && a.decidedAt == b.decidedAt
    }
}

/// What happened to a layer, in order (`layer_events`).
public enum LayerEventAction: String, Sendable, CaseIterable, Codable {
    case submitted, published, rejected
    case rolledBack = "rolled_back"
    case styleProposed = "style_proposed"
    case styleApproved = "style_approved"
    case styleRejected = "style_rejected"
}

/// One entry of a layer's history.
public struct LayerEvent: Sendable, Equatable {
    public var action: LayerEventAction
    public var versionNumber: Int?
    public var username: String?
    public var displayName: String?
    public var at: String
    public var note: String
}

/// Writes of `layer_events`, inside the caller's transaction.
public enum LayerEvents {
    public static func record(_ db: Database, layerID: Int64, versionID: Int64?, action: LayerEventAction,
                              userID: Int64?, note: String = "") throws {
        try db.execute(sql: "INSERT INTO layer_events(layer_id, version_id, action, user_id, note) VALUES (?, ?, ?, ?, ?)",
                       arguments: [layerID, versionID, action.rawValue, userID, note])
    }

    /// Appends `entry` to the audit log inside the caller's transaction.
    public static func audit(_ db: Database, _ entry: AuditEntry) throws {
        try db.execute(sql: """
            INSERT INTO audit_log(user_id, username, agency_id, action, target, detail, client_address)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [entry.userID, entry.username, entry.agencyID, entry.action, entry.target,
                             entry.detail, entry.clientAddress])
    }
}

/// A layer's versions: history, review, and the approver's decisions. Every decision writes its
/// layer event and its audit entry in the same transaction as the change itself.
public struct VersionRepository: Sendable {
    let database: SpatialDatabase
    public init(_ database: SpatialDatabase) { self.database = database }

    static let select = """
        SELECT v.id, v.layer_id, v.number, v.status, c.username AS created_by, v.created_at, v.source_name,
               v.source_srid, v.encoding, v.feature_count, v.min_x, v.min_y, v.max_x, v.max_y, v.warnings,
               d.username AS decided_by, v.decided_at, v.reason, b.number AS base_number
        FROM layer_versions v
        LEFT JOIN layer_versions b ON b.id = v.base_version_id
        LEFT JOIN users c ON c.id = v.created_by
        LEFT JOIN users d ON d.id = v.decided_by
        """

    static func record(_ row: Row) -> VersionRecord {
        var extent: (Double, Double, Double, Double)?
        if let a: Double = row["min_x"], let b: Double = row["min_y"], let c: Double = row["max_x"], let d: Double = row["max_y"] {
            extent = (a, b, c, d)
        }
        let warningsText: String = row["warnings"] ?? "[]"
        let warnings = (try? JSONSerialization.jsonObject(with: Data(warningsText.utf8))) as? [String] ?? []
        return VersionRecord(
            id: row["id"], layerID: row["layer_id"], number: row["number"],
            status: VersionStatus(rawValue: row["status"]) ?? .pending, createdBy: row["created_by"],
            createdAt: row["created_at"], sourceName: row["source_name"], sourceSRID: row["source_srid"],
            encoding: row["encoding"], featureCount: row["feature_count"], extent: extent, warnings: warnings,
            decidedBy: row["decided_by"], decidedAt: row["decided_at"], reason: row["reason"],
            baseNumber: row["base_number"])
    }

    /// Every version of a layer, newest first.
    /// The id of every version, and of the published ones.
    public func versionIDs() throws(StoreError) -> (all: Set<Int64>, published: Set<Int64>) {
        try database.read { db in
            (Set(try Int64.fetchAll(db, sql: "SELECT id FROM layer_versions")),
             Set(try Int64.fetchAll(db, sql: "SELECT published_version_id FROM layers WHERE published_version_id IS NOT NULL")))
        }
    }

    public func history(layerID: Int64) throws(StoreError) -> [VersionRecord] {
        try database.read { db in
            try Row.fetchAll(db, sql: "\(Self.select) WHERE v.layer_id = ? AND v.import_state IS NULL ORDER BY v.number DESC", arguments: [layerID])
                .map(Self.record)
        }
    }

    /// One version of a layer by its number.
    public func find(layerID: Int64, number: Int) throws(StoreError) -> VersionRecord? {
        try database.read { db in
            try Row.fetchOne(db, sql: "\(Self.select) WHERE v.layer_id = ? AND v.number = ? AND v.import_state IS NULL", arguments: [layerID, number])
                .map(Self.record)
        }
    }

    /// The layer's published version, if any.
    public func published(layerID: Int64) throws(StoreError) -> VersionRecord? {
        try database.read { db in
            try Row.fetchOne(db, sql: "\(Self.select) JOIN layers l ON l.published_version_id = v.id WHERE l.id = ?",
                             arguments: [layerID]).map(Self.record)
        }
    }

    /// The layer's history of decisions, newest first, at most `limit`.
    public func events(layerID: Int64, limit: Int = 200) throws(StoreError) -> [LayerEvent] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT e.action, v.number, u.username, u.display_name, e.at, e.note
                FROM layer_events e
                LEFT JOIN layer_versions v ON v.id = e.version_id
                LEFT JOIN users u ON u.id = e.user_id
                WHERE e.layer_id = ? ORDER BY e.id DESC LIMIT ?
                """, arguments: [layerID, limit]).map { row in
                LayerEvent(action: LayerEventAction(rawValue: row[0]) ?? .submitted, versionNumber: row[1],
                           username: row[2], displayName: row[3], at: row[4], note: row[5])
            }
        }
    }

    /// The newest rejected version of the layer with its reason, for the editors' notice — while
    /// no newer version is pending or published.
    public func latestRejection(layerID: Int64) throws(StoreError) -> VersionRecord? {
        try database.read { db in
            try Row.fetchOne(db, sql: """
                \(Self.select) WHERE v.layer_id = ? AND v.status = 'rejected' AND v.import_state IS NULL
                  AND v.number > COALESCE((SELECT max(number) FROM layer_versions
                                           WHERE layer_id = ? AND status IN ('pending', 'published') AND import_state IS NULL), 0)
                ORDER BY v.number DESC LIMIT 1
                """, arguments: [layerID, layerID]).map(Self.record)
        }
    }

    /// How many versions of the layer wait for a decision.
    public func pendingCount(layerID: Int64) throws(StoreError) -> Int {
        try database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM layer_versions WHERE layer_id = ? AND status = 'pending' AND import_state IS NULL",
                             arguments: [layerID]) ?? 0
        }
    }

    // MARK: Decisions

    /// Publishes a pending version: the published one (if any) becomes superseded.
    public func publish(layerID: Int64, number: Int, userID: Int64, audit: AuditEntry) throws(StoreError) {
        try decide(layerID: layerID, number: number, allowed: [.pending]) { db, version in
            try Self.makePublished(db, layerID: layerID, versionID: version.id, userID: userID)
            try LayerEvents.record(db, layerID: layerID, versionID: version.id, action: .published, userID: userID)
            try LayerEvents.audit(db, audit)
        }
    }

    /// Rejects a pending version with a reason the editors will read.
    public func reject(layerID: Int64, number: Int, userID: Int64, reason: String, audit: AuditEntry) throws(StoreError) {
        try decide(layerID: layerID, number: number, allowed: [.pending]) { db, version in
            try db.execute(sql: """
                UPDATE layer_versions SET status = 'rejected', decided_by = ?, reason = ?,
                  decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?
                """, arguments: [userID, reason, version.id])
            try LayerEvents.record(db, layerID: layerID, versionID: version.id, action: .rejected, userID: userID, note: reason)
            try LayerEvents.audit(db, audit)
        }
    }

    /// Publishes again a version that was published before (superseded), replacing the current one.
    public func rollback(layerID: Int64, number: Int, userID: Int64, note: String, audit: AuditEntry) throws(StoreError) {
        try decide(layerID: layerID, number: number, allowed: [.superseded]) { db, version in
            try Self.makePublished(db, layerID: layerID, versionID: version.id, userID: userID)
            try LayerEvents.record(db, layerID: layerID, versionID: version.id, action: .rolledBack, userID: userID, note: note)
            try LayerEvents.audit(db, audit)
        }
    }

    private func decide(layerID: Int64, number: Int, allowed: Set<VersionStatus>,
                        _ change: (Database, VersionRecord) throws -> Void) throws(StoreError) {
        try database.write { db in
            guard let version = try Row.fetchOne(db, sql: "\(Self.select) WHERE v.layer_id = ? AND v.number = ? AND v.import_state IS NULL",
                                                 arguments: [layerID, number]).map(Self.record) else {
                throw StoreError.notFound("version \(number)")
            }
            guard allowed.contains(version.status) else {
                throw StoreError.invalid("version \(number) is \(version.status.rawValue)")
            }
            try change(db, version)
        }
    }

    static func makePublished(_ db: Database, layerID: Int64, versionID: Int64, userID: Int64) throws {
        try db.execute(sql: "UPDATE layer_versions SET status = 'superseded' WHERE layer_id = ? AND status = 'published'",
                       arguments: [layerID])
        try db.execute(sql: """
            UPDATE layer_versions SET status = 'published', decided_by = ?, reason = NULL,
              decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?
            """, arguments: [userID, versionID])
        try db.execute(sql: """
            UPDATE layers SET published_version_id = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?
            """, arguments: [versionID, layerID])
    }
}
