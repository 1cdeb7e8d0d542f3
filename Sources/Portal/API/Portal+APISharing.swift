import Foundation
import Formats
import HTTP
import Store

/// The API's sharing, as on the agency's layers screen: the owner agency's administrator reads,
/// gives, changes and takes back another agency's access to a layer, with a reason that goes into
/// the audit log; the agencies are listed for the codes a grant names.
extension Portal {
    /// `GET /api/v1/agencies`: every agency that is not disabled — code, name, kind, parent.
    func apiAgencies(_ request: Request) throws -> Response {
        _ = try apiReader(request)
        let all = try agencies.all().filter { !$0.disabled }
        let codes = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.code) })
        return apiJSON(["agencies": .array(all.map { agency in
            .members([("code", .string(agency.code)), ("name", .string(agency.name)), ("kind", .string(agency.kind.rawValue)),
                      ("parent", agency.parentID.flatMap { codes[$0] }.map(JSONValue.string))])
        })])
    }

    /// The layer of a sharing route and its administrator: a token with the `admin` scope of an
    /// administrator of the agency that owns it; anyone else gets the one 404.
    private func apiSharedLayer(_ request: Request) throws -> (Actor, LayerSummary) {
        let actor = try apiActor(request, .admin)
        return (actor, try authorizedLayer(request.parameters["slug"] ?? "", request, .manageSharing))
    }

    private func apiGrantObject(_ request: Request, _ layer: LayerSummary, _ grant: LayerGrant) -> JSONValue {
        let path = Self.apiBase + "/layers/\(WMSCapabilities.percentEncoded(layer.slug))/grants/\(WMSCapabilities.percentEncoded(grant.agencyCode))"
        return [
            "agency": .string(grant.agencyCode),
            "agencyName": .string(grant.agencyName),
            "permission": .string(grant.permission.rawValue),
            "reason": .string(grant.reason),
            "grantedAt": .string(grant.grantedAt),
            "links": [Self.apiLink(apiURL(request, path), rel: "self")],
        ]
    }

    private func apiGrants(of layer: LayerSummary) throws -> [LayerGrant] {
        try layers.grants(ownerAgencyID: layer.agencyID).filter { $0.layerID == layer.id }
    }

    /// `GET /api/v1/layers/{slug}/grants`: the agencies a layer is shared with.
    func apiGrantList(_ request: Request) throws -> Response {
        let (_, layer) = try apiSharedLayer(request)
        return apiJSON(["layer": .string(layer.slug), "grants": .array(try apiGrants(of: layer).map { apiGrantObject(request, layer, $0) })])
    }

    /// `GET /api/v1/layers/{slug}/grants/{agency}`: one agency's access, or 404.
    func apiGrant(_ request: Request) throws -> Response {
        let (_, layer) = try apiSharedLayer(request)
        guard let grant = try apiGrants(of: layer).first(where: { $0.agencyCode == request.parameters["agency"] }) else {
            throw APIProblem.notFound
        }
        return apiJSON(apiGrantObject(request, layer, grant))
    }

    /// `PUT /api/v1/layers/{slug}/grants/{agency}` with `{"permission": "view" | "view_download",
    /// "reason": "…"}`: gives or changes the agency's access; 201 when new, 200 when changed.
    func apiPutGrant(_ request: Request) throws -> Response {
        let (actor, layer) = try apiSharedLayer(request)
        let body = try apiBody(request)
        guard let grantee = try agencies.find(code: request.parameters["agency"] ?? "") else { throw APIProblem.notFound }
        guard grantee.id != layer.agencyID else {
            throw APIProblem(status: 422, code: "own_agency", title: "Unprocessable Content",
                             detail: "A layer is not shared with the agency that owns it.")
        }
        guard !grantee.disabled else {
            throw APIProblem(status: 422, code: "agency_disabled", title: "Unprocessable Content",
                             detail: "Agency \(grantee.code) is disabled.")
        }
        guard let text = try apiText(body, "permission", maxLength: 20) else {
            throw APIProblem.invalidMember("/permission", "is required: view or view_download")
        }
        guard let permission = GrantPermission(rawValue: text) else {
            throw APIProblem.invalidMember("/permission", "must be view or view_download")
        }
        let reason = try apiText(body, "reason", maxLength: 500) ?? ""
        let previous = try apiGrants(of: layer).first { $0.agencyID == grantee.id }
        try layers.setGrant(layerID: layer.id, agencyID: grantee.id, permission: permission, reason: reason, grantedBy: actor.userID)
        audit(request, "grant.create", target: "\(layer.slug)/\(grantee.code)",
              detail: "permission=\(permission.rawValue); previous=\(previous?.permission.rawValue ?? "-"); reason=\(reason)", actor: actor)
        guard let grant = try apiGrants(of: layer).first(where: { $0.agencyID == grantee.id }) else { throw APIProblem.notFound }
        return apiJSON(apiGrantObject(request, layer, grant), status: previous == nil ? 201 : 200)
    }

    /// `DELETE /api/v1/layers/{slug}/grants/{agency}` (optionally `{"reason": "…"}`): takes the
    /// agency's access back; 204, or 404 when it had none.
    func apiDeleteGrant(_ request: Request) throws -> Response {
        let (actor, layer) = try apiSharedLayer(request)
        let body = try apiBody(request)
        let reason = try apiText(body, "reason", maxLength: 500) ?? ""
        guard let grant = try apiGrants(of: layer).first(where: { $0.agencyCode == request.parameters["agency"] }),
              try layers.revokeGrant(layerID: layer.id, agencyID: grant.agencyID) else {
            throw APIProblem.notFound
        }
        audit(request, "grant.revoke", target: "\(layer.slug)/\(grant.agencyCode)",
              detail: "permission=\(grant.permission.rawValue); reason=\(reason)", actor: actor)
        return Response(status: 204, headers: ["Cache-Control": "no-store"], body: .empty)
    }
}
