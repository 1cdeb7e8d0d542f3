import Foundation
import HTTP
import Store

/// Layers in the administration screens: every agency's layers for the system administrator
/// (metadata only), and one agency's layers with their sharing — private ↔ shared and grants for
/// its administrator, public or not for its approver.
extension Portal {
    /// `GET /admin/layers`: every agency's layers, metadata only.
    func allLayers(_ request: Request) throws -> Response {
        _ = try adminActor(request, .listAllLayers)
        let language = Localizer.language(for: request)
        let rows: [[String: Any]] = try layers.listVisible(to: ListingScope(agencyID: nil, seesEverything: true))
            .sorted { ($0.agencyName, $0.title) < ($1.agencyName, $1.title) }
            .map { layer in
                ["title": layer.title, "agency": layer.agencyName, "agency_code": layer.agencyCode,
                 "visibility": localizer.text("visibility_\(layer.visibility.rawValue)", language),
                 "features": Self.formatCount(layer.featureCount, language),
                 "version": layer.publishedVersion.map(String.init) ?? "—"]
            }
        return page("admin_layers", request, title: localizer.text("admin_layers_title", language), [
            "layers": rows, "layer_count": rows.count,
        ])
    }

    /// The actor and the URL's agency, when the actor may manage that agency's layers; otherwise 404.
    func layerManager(_ request: Request) throws -> (Actor, Agency) {
        guard let actor = actor(for: request) else { throw Self.adminNotFound }
        let agency = try urlAgency(request)
        guard mayAdministerLayers(actor, agencyID: agency.id) else { throw Self.adminNotFound }
        return (actor, agency)
    }

    /// The URL's layer, when the URL's agency owns it and the policy lets the actor do `action` on it.
    func ownedLayer(_ request: Request, _ actor: Actor, _ agency: Agency, _ action: LayerAction) throws -> LayerSummary {
        guard let slug = request.parameters["slug"], let found = try layers.findForAccess(slug: slug, agencyID: actor.agencyID),
              found.layer.agencyID == agency.id, Policy.can(actor, action, Self.facts(found.layer, grant: found.grant)) else {
            throw Self.adminNotFound
        }
        return found.layer
    }

    /// `GET /admin/agencies/{code}/layers`: the agency's layers, their visibility and grants.
    func agencyLayers(_ request: Request, error: String? = nil, status: Int = 200) throws -> Response {
        let (actor, agency) = try layerManager(request)
        let language = Localizer.language(for: request)
        let owned = try layers.listVisible(to: ListingScope(agencyID: agency.id, seesEverything: false))
            .filter { $0.agencyID == agency.id }
        let grants = Dictionary(grouping: try layers.grants(ownerAgencyID: agency.id), by: \.layerID)
        let others = Self.treeOrder(try agencies.all()).map(\.agency).filter { $0.id != agency.id && !$0.disabled }
        let rows: [[String: Any]] = owned.map { layer in
            let facts = Self.facts(layer)
            let mayShare = Policy.can(actor, .manageSharing, facts)
            let mayApprove = Policy.can(actor, .approve, facts)
            var choices: [Visibility] = []
            if mayShare && layer.visibility != .public { choices.append(layer.visibility == .private ? .shared : .private) }
            if mayApprove { choices += layer.visibility == .public ? [.shared, .private] : [.public] }
            let layerGrants: [[String: Any]] = mayShare ? (grants[layer.id] ?? []).map { grant in
                ["agency_code": grant.agencyCode, "grantee_name": grant.agencyName, "reason": grant.reason, "granted_at": String(grant.grantedAt.prefix(10)),
                 "permission": localizer.text("admin_permission_\(grant.permission.rawValue)", language)]
            } : []
            return [
                "slug": layer.slug, "title": layer.title,
                "visibility": localizer.text("visibility_\(layer.visibility.rawValue)", language),
                "features": Self.formatCount(layer.featureCount, language),
                "published": layer.publishedVersion != nil,
                "choices": choices.map { ["value": $0.rawValue, "label": localizer.text("admin_make_\($0.rawValue)", language)] },
                "may_share": mayShare,
                "public_by_approver": mayShare && layer.visibility == .public,
                "private_note": mayShare && layer.visibility == .private,
                "grants": layerGrants,
                "has_grants": !layerGrants.isEmpty,
            ]
        }
        return page("admin_agency_layers", request,
                    title: localizer.text("admin_agency_layers_title", language) + " · " + agency.name, status: status, [
                        "csrf": csrfToken(request).token,
                        "agency": ["code": agency.code, "name": agency.name] as [String: Any],
                        "layers": rows,
                        "has_layers": !rows.isEmpty,
                        "offers": try transferOfferRows(actor, agency),
                        "grantees": others.map { ["code": $0.code, "name": $0.name] },
                        "permissions": GrantPermission.allCases.map {
                            ["value": $0.rawValue, "label": localizer.text("admin_permission_\($0.rawValue)", language)]
                        },
                    ].merging(optional: ["error": error, "message": doneNotice(request, language)]))
    }

    /// `POST /admin/agencies/{code}/layers/{slug}/visibility`: private ↔ shared is the agency
    /// administrator's (`manageSharing`); to or from public is the approver's (`approve`).
    func changeVisibility(_ request: Request) throws -> Response {
        let form = try checkedForm(request)
        let (actor, agency) = try layerManager(request)
        guard let slug = request.parameters["slug"], let found = try layers.findForAccess(slug: slug, agencyID: actor.agencyID),
              found.layer.agencyID == agency.id else { throw Self.adminNotFound }
        let layer = found.layer
        let wanted: Visibility
        do {
            wanted = try form.choice("visibility", label: "col_visibility", among: Visibility.allCases)
        } catch {
            return try agencyLayers(request, error: message(error, Localizer.language(for: request)), status: 400)
        }
        let needed: LayerAction = layer.visibility == .public || wanted == .public ? .approve : .manageSharing
        guard Policy.can(actor, needed, Self.facts(layer, grant: found.grant)) else { throw Self.adminNotFound }
        if wanted != layer.visibility {
            try layers.setVisibility(layerID: layer.id, wanted)
            audit(request, "layer.visibility", target: layer.slug, detail: "from=\(layer.visibility.rawValue); to=\(wanted.rawValue)",
                  actor: actor)
        }
        return .redirect(to: "/admin/agencies/\(agency.code)/layers?done=layer_visibility")
    }

    /// `POST /admin/agencies/{code}/layers/{slug}/grants`: another agency may view (or view and
    /// download) the layer, for a stated reason.
    func grantAccess(_ request: Request) throws -> Response {
        let form = try checkedForm(request)
        let (actor, agency) = try layerManager(request)
        let layer = try ownedLayer(request, actor, agency, .manageSharing)
        do {
            let code = form.text("agency")
            if code.isEmpty { throw FormProblem(field: "admin_field_grantee", problem: "admin_problem_required") }
            guard let grantee = try agencies.find(code: code), grantee.id != agency.id, !grantee.disabled else {
                throw FormProblem(field: "admin_field_grantee", problem: "admin_problem_choice")
            }
            let permission: GrantPermission = try form.choice("permission", label: "admin_field_permission", among: GrantPermission.allCases)
            let reason = try form.line("reason", label: "admin_field_reason", maxLength: 500)
            let previous = try layers.grants(ownerAgencyID: agency.id).first { $0.layerID == layer.id && $0.agencyID == grantee.id }
            try layers.setGrant(layerID: layer.id, agencyID: grantee.id, permission: permission, reason: reason, grantedBy: actor.userID)
            audit(request, "grant.create", target: "\(layer.slug)/\(grantee.code)",
                  detail: "permission=\(permission.rawValue); previous=\(previous?.permission.rawValue ?? "-"); reason=\(reason)",
                  actor: actor)
            return .redirect(to: "/admin/agencies/\(agency.code)/layers?done=grant_created")
        } catch let problem as FormProblem {
            return try agencyLayers(request, error: message(problem, Localizer.language(for: request)), status: 400)
        }
    }

    /// `POST /admin/agencies/{code}/layers/{slug}/grants/{agency}/revoke`, with a reason.
    func revokeAccess(_ request: Request) throws -> Response {
        let form = try checkedForm(request)
        let (actor, agency) = try layerManager(request)
        let layer = try ownedLayer(request, actor, agency, .manageSharing)
        guard let granteeCode = request.parameters["agency"],
              let grant = try layers.grants(ownerAgencyID: agency.id).first(where: { $0.layerID == layer.id && $0.agencyCode == granteeCode })
        else { throw Self.adminNotFound }
        do {
            let reason = try form.line("reason", label: "admin_field_reason", maxLength: 500)
            try layers.revokeGrant(layerID: layer.id, agencyID: grant.agencyID)
            audit(request, "grant.revoke", target: "\(layer.slug)/\(grant.agencyCode)",
                  detail: "permission=\(grant.permission.rawValue); reason=\(reason)", actor: actor)
            return .redirect(to: "/admin/agencies/\(agency.code)/layers?done=grant_revoked")
        } catch let problem as FormProblem {
            return try agencyLayers(request, error: message(problem, Localizer.language(for: request)), status: 400)
        }
    }
}
