import Foundation
import GRDB

/// A layer offered by its owner agency to another, waiting for that agency's administrator.
public struct TransferOffer: Sendable, Equatable {
    public var layerID: Int64
    public var slug: String
    public var title: String
    public var fromAgencyCode: String
    public var fromAgencyName: String
    public var toAgencyID: Int64
    public var toAgencyCode: String
    public var toAgencyName: String
    public var offeredBy: String?
    public var offeredAt: String
}

/// Offers of layers between agencies: accepted by the receiving agency's administrator (the
/// layer moves), declined by them, or withdrawn by the owner. Each decision is audited in the
/// same transaction.
extension LayerRepository {
    static let offerSelect = """
        SELECT t.layer_id, l.slug, l.title, fa.code AS from_code, fa.name AS from_name, t.to_agency_id,
               ta.code AS to_code, ta.name AS to_name, t.offered_by, t.offered_at
        FROM layer_transfers t JOIN layers l ON l.id = t.layer_id
        JOIN agencies fa ON fa.id = l.owner_agency_id JOIN agencies ta ON ta.id = t.to_agency_id
        """

    static func offer(_ row: Row) -> TransferOffer {
        TransferOffer(layerID: row["layer_id"], slug: row["slug"], title: row["title"], fromAgencyCode: row["from_code"],
                      fromAgencyName: row["from_name"], toAgencyID: row["to_agency_id"], toAgencyCode: row["to_code"],
                      toAgencyName: row["to_name"], offeredBy: row["offered_by"], offeredAt: row["offered_at"])
    }

    /// The offer standing for a layer, if any.
    public func transferOffer(layerID: Int64) throws(StoreError) -> TransferOffer? {
        try database.read { db in
            try Row.fetchOne(db, sql: Self.offerSelect + " WHERE t.layer_id = ?", arguments: [layerID]).map(Self.offer)
        }
    }

    /// Layers offered to an agency, oldest offer first.
    public func transferOffers(toAgencyID: Int64) throws(StoreError) -> [TransferOffer] {
        try database.read { db in
            try Row.fetchAll(db, sql: Self.offerSelect + " WHERE t.to_agency_id = ? ORDER BY t.offered_at, l.slug",
                             arguments: [toAgencyID]).map(Self.offer)
        }
    }

    /// The receiving agency takes the layer offered to it: it moves, and the offer is gone.
    /// False when no such offer stands; `.invalid` when the receiving agency is now disabled.
    public func acceptTransfer(layerID: Int64, toAgencyID: Int64, audit: AuditEntry) throws(StoreError) -> Bool {
        try database.write { db in
            guard let offer = try Row.fetchOne(db, sql: Self.offerSelect + " WHERE t.layer_id = ? AND t.to_agency_id = ?",
                                               arguments: [layerID, toAgencyID]).map(Self.offer),
                  let from = try Int64.fetchOne(db, sql: "SELECT owner_agency_id FROM layers WHERE id = ?", arguments: [layerID])
            else { return false }
            try db.execute(sql: "DELETE FROM layer_transfers WHERE layer_id = ?", arguments: [layerID])
            try Self.transfer(db, layerID: layerID, slug: offer.slug, from: from, to: toAgencyID, audit: audit)
            return true
        }
    }

    /// The receiving agency declines (`layer.transfer.decline`), or the owner withdraws
    /// (`layer.transfer.withdraw`, with `toAgencyID` nil) the offer. False when none stands.
    public func dropTransfer(layerID: Int64, toAgencyID: Int64?, audit: AuditEntry) throws(StoreError) -> Bool {
        try database.write { db in
            guard let offer = try Row.fetchOne(db, sql: Self.offerSelect + " WHERE t.layer_id = ?", arguments: [layerID]).map(Self.offer),
                  toAgencyID == nil || offer.toAgencyID == toAgencyID else { return false }
            try db.execute(sql: "DELETE FROM layer_transfers WHERE layer_id = ?", arguments: [layerID])
            var entry = audit
            entry.action = toAgencyID == nil ? "layer.transfer.withdraw" : "layer.transfer.decline"
            entry.target = offer.slug
            entry.detail = "from=\(offer.fromAgencyCode); to=\(offer.toAgencyCode)"
            try LayerEvents.audit(db, entry)
            return true
        }
    }
}
