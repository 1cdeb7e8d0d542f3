import Foundation
import GRDB

/// Access an owner agency granted another agency on one of its layers.
public struct LayerGrant: Sendable, Equatable {
    public var layerID: Int64
    public var agencyID: Int64
    public var agencyCode: String
    public var agencyName: String
    public var permission: GrantPermission
    public var reason: String
    public var grantedAt: String
}

extension LayerRepository {
    /// Every grant on the layers owned by `ownerAgencyID`, by layer then agency code.
    public func grants(ownerAgencyID: Int64) throws(StoreError) -> [LayerGrant] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT g.layer_id, g.agency_id, a.code, a.name, g.permission, g.reason, g.granted_at
                FROM layer_grants g JOIN layers l ON l.id = g.layer_id JOIN agencies a ON a.id = g.agency_id
                WHERE l.owner_agency_id = ?
                ORDER BY g.layer_id, a.code
                """, arguments: [ownerAgencyID]).map { row in
                LayerGrant(layerID: row["layer_id"], agencyID: row["agency_id"], agencyCode: row["code"], agencyName: row["name"],
                           permission: GrantPermission(rawValue: row["permission"]) ?? .view, reason: row["reason"],
                           grantedAt: row["granted_at"])
            }
        }
    }

    /// Grants (or changes the grant of) `agencyID` on layer `layerID`.
    public func setGrant(layerID: Int64, agencyID: Int64, permission: GrantPermission, reason: String,
                         grantedBy: Int64?) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO layer_grants(layer_id, agency_id, permission, granted_by, reason) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(layer_id, agency_id) DO UPDATE SET permission = excluded.permission, reason = excluded.reason,
                  granted_by = excluded.granted_by, granted_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                """, arguments: [layerID, agencyID, permission.rawValue, grantedBy, reason])
        }
    }

    /// Removes the grant of `agencyID` on layer `layerID`; false when there was none.
    @discardableResult
    public func revokeGrant(layerID: Int64, agencyID: Int64) throws(StoreError) -> Bool {
        try database.write { db in
            try db.execute(sql: "DELETE FROM layer_grants WHERE layer_id = ? AND agency_id = ?", arguments: [layerID, agencyID])
            return db.changesCount > 0
        }
    }

    /// Changes who may see a layer.
    public func setVisibility(layerID: Int64, _ visibility: Visibility) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: """
                UPDATE layers SET visibility = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?
                """, arguments: [visibility.rawValue, layerID])
        }
    }
}
