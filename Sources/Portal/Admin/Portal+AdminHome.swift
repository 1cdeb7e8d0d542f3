import HTTP
import Store

extension Portal {
    /// `GET /admin`: what the actor may administer, as links; 404 for one who administers nothing.
    func adminHome(_ request: Request) throws -> Response {
        guard let actor = actor(for: request), administers(actor) else { throw Self.adminNotFound }
        let language = Localizer.language(for: request)
        var links: [[String: Any]] = []
        func add(_ href: String, _ key: String, _ hint: String) {
            links.append(["href": href, "label": localizer.text(key, language), "hint": localizer.text(hint, language)])
        }
        if Policy.can(actor, .manageAgencies) {
            add("/admin/agencies", "admin_agencies_title", "admin_agencies_hint")
            add("/admin/users", "admin_users_title", "admin_users_hint")
        }
        if Policy.can(actor, .listAllLayers) {
            add("/admin/layers", "admin_layers_title", "admin_layers_hint")
        }
        let code = actor.agencyCode
        if Policy.can(actor, .manageUsers(agencyID: actor.agencyID)) && !Policy.can(actor, .manageAgencies) {
            add("/admin/agencies/\(code)/users", "admin_agency_users_link", "admin_agency_users_hint")
        }
        if mayAdministerLayers(actor, agencyID: actor.agencyID) {
            add("/admin/agencies/\(code)/layers", "admin_agency_layers_link", "admin_agency_layers_hint")
        }
        if Policy.can(actor, .readAudit(agencyID: nil)) || Policy.can(actor, .readAudit(agencyID: actor.agencyID)) {
            add("/admin/audit", "admin_audit_title", "admin_audit_hint")
        }
        if Policy.can(actor, .manageServices) {
            add("/admin/services", "service_title", "service_hint")
        }
        if Policy.can(actor, .configureSignIn) {
            add("/admin/sso", "sso_admin_title", "sso_admin_hint")
        } else if SSOSettings.load(settings).enabled, Policy.can(actor, .manageUsers(agencyID: actor.agencyID)) {
            add("/admin/sso", "sso_requests_title", "sso_requests_hint")
        }
        let agency = try agencies.find(id: actor.agencyID)
        return page("admin_home", request, title: localizer.text("admin_title", language), [
            "links": links,
            "agency_name": agency?.name ?? "",
            "role": localizer.text("role_\(actor.role.rawValue)", language),
        ])
    }
}
