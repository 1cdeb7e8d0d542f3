import Foundation
import HTTP
import Store

/// Layers handed between agencies: the owner's administrator offers a layer from its edit form
/// (and may withdraw the offer there); it moves only when the receiving agency's administrator
/// accepts it on their agency's layers screen, or stays when they decline.
extension Portal {
    /// Whether `actor` administers the sharing of agency `agencyID`'s layers (its admin).
    func receivesTransfers(_ actor: Actor, agencyID: Int64) -> Bool {
        Policy.can(actor, .manageSharing, LayerFacts(ownerAgencyID: agencyID, visibility: .private, isPublished: false, grant: nil))
    }

    /// The offers to the URL's agency, as its layers screen shows them to its administrator.
    func transferOfferRows(_ actor: Actor, _ agency: Agency) throws -> [[String: Any]] {
        guard receivesTransfers(actor, agencyID: agency.id) else { return [] }
        return try layers.transferOffers(toAgencyID: agency.id).map { offer in
            ["slug": offer.slug, "title": offer.title, "from": offer.fromAgencyName,
             "offered_by": offer.offeredBy ?? "", "offered_at": Self.auditTime(offer.offeredAt)]
        }
    }

    /// The actor, the URL's agency and the layer offered to it, when the actor is that agency's
    /// administrator and such an offer stands; otherwise 404.
    func offeredLayer(_ request: Request) throws -> (Actor, Agency, TransferOffer) {
        guard let actor = actor(for: request) else { throw Self.adminNotFound }
        let agency = try urlAgency(request)
        guard receivesTransfers(actor, agencyID: agency.id), let slug = request.parameters["slug"],
              let offer = try layers.transferOffers(toAgencyID: agency.id).first(where: { $0.slug == slug }) else {
            throw Self.adminNotFound
        }
        return (actor, agency, offer)
    }

    func transferAudit(_ request: Request, _ actor: Actor) -> AuditEntry {
        AuditEntry(userID: actor.userID, username: actor.username, agencyID: actor.agencyID, action: "", target: "",
                   clientAddress: request.remoteAddress)
    }

    /// `POST /admin/agencies/{code}/transfers/{slug}/accept`.
    func acceptTransfer(_ request: Request) throws -> Response {
        _ = try checkedForm(request)
        let (actor, agency, offer) = try offeredLayer(request)
        guard try layers.acceptTransfer(layerID: offer.layerID, toAgencyID: agency.id, audit: transferAudit(request, actor)) else {
            throw Self.adminNotFound
        }
        return .redirect(to: "/admin/agencies/\(agency.code)/layers?done=transfer_accepted")
    }

    /// `POST /admin/agencies/{code}/transfers/{slug}/decline`.
    func declineTransfer(_ request: Request) throws -> Response {
        _ = try checkedForm(request)
        let (actor, agency, offer) = try offeredLayer(request)
        guard try layers.dropTransfer(layerID: offer.layerID, toAgencyID: agency.id, audit: transferAudit(request, actor)) else {
            throw Self.adminNotFound
        }
        return .redirect(to: "/admin/agencies/\(agency.code)/layers?done=transfer_declined")
    }

    /// `POST /layers/{slug}/transfer/withdraw`: the owner's administrator takes the offer back.
    func withdrawTransfer(_ request: Request) throws -> Response {
        _ = try checkedForm(request)
        let layer = try authorizedLayer(request.parameters["slug"] ?? "", request, .manageSharing)
        guard let actor = actor(for: request),
              try layers.dropTransfer(layerID: layer.id, toAgencyID: nil, audit: transferAudit(request, actor)) else {
            throw HTTPError(404, "no such offer")
        }
        return .redirect(to: "/layers/\(layer.slug)/edit")
    }
}
