import Foundation
import GRDB

// A style change waits for the owner agency's approver like a data version does. The layer
// keeps drawing with `layers.style` (tiles and legends read only that column) while the
// proposal sits in `layers.pending_style`; approving copies it over and clears it, rejecting
// clears it and keeps the reason in the layer's events. At most one proposal waits: a new one
// replaces the old. The store keeps style JSON as text; the caller validates it first.

/// The style proposal the approver refused last, with the reason the editors read.
public struct StyleRejection: Sendable, Equatable {
    public var reason: String
    public var by: String?
    public var at: String
}

/// A layer's approved style and the proposal waiting for a decision, as the style page shows them.
public struct LayerStyleState: Sendable, Equatable {
    public var layerID: Int64
    /// The approved style JSON the layer draws with; nil for its geometry kind's default style.
    public var style: String?
    /// The proposed style JSON waiting for the approver.
    public var pending: String?
    public var pendingBy: String?
    public var pendingAt: String?
    /// The last decision, when it was a rejection and nothing was proposed since.
    public var rejection: StyleRejection?
}

/// Proposals, approvals and rejections of layer styles. Each decision writes the layer's
/// columns, its layer event and its audit entry in one transaction.
public struct LayerStyles: Sendable {
    let database: SpatialDatabase
    public init(_ database: SpatialDatabase) { self.database = database }

    /// The style state of layer `layerID`, or nil when there is no such layer.
    public func state(layerID: Int64) throws(StoreError) -> LayerStyleState? {
        try database.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT l.style, l.pending_style, u.username, l.pending_style_at
                FROM layers l LEFT JOIN users u ON u.id = l.pending_style_by WHERE l.id = ?
                """, arguments: [layerID]) else { return nil }
            var rejection: StyleRejection?
            if let last = try Row.fetchOne(db, sql: """
                SELECT e.action, e.note, e.at, u.username FROM layer_events e LEFT JOIN users u ON u.id = e.user_id
                WHERE e.layer_id = ? AND e.action IN ('style_proposed', 'style_approved', 'style_rejected')
                ORDER BY e.id DESC LIMIT 1
                """, arguments: [layerID]), last["action"] as String == LayerEventAction.styleRejected.rawValue {
                rejection = StyleRejection(reason: last["note"], by: last["username"], at: last["at"])
            }
            return LayerStyleState(layerID: layerID, style: row[0], pending: row[1], pendingBy: row[2], pendingAt: row[3],
                                   rejection: rejection)
        }
    }

    /// Puts `json` up for approval in place of any earlier proposal.
    public func propose(layerID: Int64, json: String, userID: Int64, audit: AuditEntry) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: """
                UPDATE layers SET pending_style = ?, pending_style_by = ?,
                  pending_style_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?
                """, arguments: [json, userID, layerID])
            guard db.changesCount > 0 else { throw StoreError.notFound("layer \(layerID)") }
            try LayerEvents.record(db, layerID: layerID, versionID: nil, action: .styleProposed, userID: userID)
            try LayerEvents.audit(db, audit)
        }
    }

    /// Makes the pending style the layer's style.
    /// - Parameter expected: the proposal the approver reviewed; a different one (replaced
    ///   meanwhile) is refused, so nothing unseen is approved.
    /// - Throws: `.invalid` when nothing is pending or the proposal is not `expected`.
    public func approve(layerID: Int64, expected: String, userID: Int64, audit: AuditEntry) throws(StoreError) {
        try decide(layerID: layerID, expected: expected) { db in
            try db.execute(sql: """
                UPDATE layers SET style = pending_style, pending_style = NULL, pending_style_by = NULL,
                  pending_style_at = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?
                """, arguments: [layerID])
            try LayerEvents.record(db, layerID: layerID, versionID: nil, action: .styleApproved, userID: userID)
            try LayerEvents.audit(db, audit)
        }
    }

    /// Refuses the pending style with a reason the editors will read; the layer's style stays.
    /// - Throws: `.invalid` when nothing is pending or the proposal is not `expected`.
    public func reject(layerID: Int64, expected: String, userID: Int64, reason: String, audit: AuditEntry) throws(StoreError) {
        try decide(layerID: layerID, expected: expected) { db in
            try db.execute(sql: """
                UPDATE layers SET pending_style = NULL, pending_style_by = NULL, pending_style_at = NULL WHERE id = ?
                """, arguments: [layerID])
            try LayerEvents.record(db, layerID: layerID, versionID: nil, action: .styleRejected, userID: userID, note: reason)
            try LayerEvents.audit(db, audit)
        }
    }

    private func decide(layerID: Int64, expected: String, _ change: (Database) throws -> Void) throws(StoreError) {
        try database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT pending_style FROM layers WHERE id = ?", arguments: [layerID]) else {
                throw StoreError.notFound("layer \(layerID)")
            }
            guard let pending: String = row[0] else {
                throw StoreError.invalid("layer \(layerID) has no style waiting for approval")
            }
            guard pending == expected else {
                throw StoreError.invalid("the style waiting for approval on layer \(layerID) was replaced; review it again")
            }
            try change(db)
        }
    }
}
