import HTTP
import Store

extension Portal {
    /// The layer `slug` if the request's actor may do `action` on it; otherwise 404 — the same
    /// answer a layer that does not exist gets, through every door.
    func authorizedLayer(_ slug: String, _ request: Request, _ action: LayerAction) throws -> LayerSummary {
        let actor = self.actor(for: request)
        guard let found = try layers.findForAccess(slug: slug, agencyID: actor?.agencyID) else {
            throw HTTPError(404, "no such layer")
        }
        let facts = LayerFacts(ownerAgencyID: found.layer.agencyID, visibility: found.layer.visibility,
                               isPublished: found.layer.publishedVersion != nil, grant: found.grant)
        guard Policy.can(actor, action, facts) else { throw HTTPError(404, "no such layer") }
        return found.layer
    }
}
