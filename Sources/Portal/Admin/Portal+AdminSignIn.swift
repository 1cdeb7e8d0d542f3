import Foundation
import HTTP
import OIDC
import Store

/// `/admin/sso`: the system administrator configures sign-in with central accounts; the system
/// administrator (all) and agency administrators (those claiming their agency) place the officials
/// waiting for an account, or refuse them with a reason.
extension Portal {
    /// Who may see the screen: the system administrator, or an agency administrator while
    /// central sign-in is on.
    func signInAdministrator(_ request: Request) throws -> (Actor, SSOSettings) {
        guard let actor = actor(for: request) else { throw Self.adminNotFound }
        let settings = SSOSettings.load(self.settings)
        let configures = Policy.can(actor, .configureSignIn)
        guard configures || (settings.enabled && Policy.can(actor, .manageUsers(agencyID: actor.agencyID))) else {
            throw Self.adminNotFound
        }
        return (actor, settings)
    }

    /// The requests `actor` may decide: all for the system administrator, those claiming their own
    /// agency for an agency administrator.
    func decidableRequests(_ actor: Actor) throws -> [AccessRequest] {
        let all = try identities.pendingRequests()
        return Policy.can(actor, .manageAgencies) ? all : all.filter { $0.claimedAgency == actor.agencyCode }
    }

    /// `GET /admin/sso`.
    func signInSettingsPage(_ request: Request, form: SSOSettings? = nil, error: String? = nil, status: Int = 200) throws -> Response {
        let (actor, stored) = try signInAdministrator(request)
        let language = Localizer.language(for: request)
        var shown = form ?? stored
        if shown.redirectURI.isEmpty { shown.redirectURI = suggestedRedirectURI(request) }
        let agencyOptions: [[String: Any]] = Policy.can(actor, .manageAgencies)
            ? try agencies.all().filter { !$0.isSystem && !$0.disabled }.map { ["code": $0.code, "name": $0.name] }
            : [["code": actor.agencyCode, "name": (try agencies.find(id: actor.agencyID))?.name ?? actor.agencyCode]]
        let requests: [[String: Any]] = try decidableRequests(actor).map { pending in
            ([
                "id": pending.id, "username": pending.username, "name": pending.displayName,
                "requested_at": Self.auditTime(pending.requestedAt),
                "agencies": agencyOptions.map { option in
                    option.merging(["selected": option["code"] as? String == pending.claimedAgency]) { _, new in new }
                },
            ] as [String: Any]).merging(optional: ["email": pending.email, "claimed_agency": pending.claimedAgency])
        }
        let configures = Policy.can(actor, .configureSignIn)
        return page("admin_sso", request, title: localizer.text("sso_admin_title", language), status: status, [
            "csrf": csrfToken(request).token,
            "configures": configures,
            "settings": configures ? [
                "enabled": shown.enabled, "label": shown.label, "issuer": shown.issuer, "client_id": shown.clientID,
                "secret_kept": !stored.clientSecret.isEmpty, "redirect_uri": shown.redirectURI, "scope": shown.scope,
                "username_claim": shown.usernameClaim, "name_claim": shown.nameClaim, "email_claim": shown.emailClaim,
                "agency_claim": shown.agencyClaim, "clock_skew": shown.clockSkew,
                "new_accounts": SSOSettings.NewAccounts.allCases.map {
                    ["value": $0.rawValue, "label": localizer.text("sso_new_accounts_\($0.rawValue)", language),
                     "selected": $0 == shown.newAccounts] as [String: Any]
                },
            ] as [String: Any] : [:],
            "requests": requests,
            "request_count": requests.count, "has_requests": !requests.isEmpty,
            "roles": roleOptions([.viewer, .editor], selected: .viewer, language),
        ].merging(optional: ["error": error, "message": doneNotice(request, language)]))
    }

    /// The callback address of this portal as the request reached it (a starting point; the
    /// administrator sets the one registered with the provider).
    func suggestedRedirectURI(_ request: Request) -> String {
        let host = request.headers["Host"].flatMap { $0.allSatisfy { $0.isASCII && !$0.isWhitespace && $0 != "/" } ? $0 : nil } ?? "127.0.0.1"
        return (isSecure(request) ? "https://" : "http://") + host + "/login/sso/callback"
    }

    /// `POST /admin/sso`: new settings. Turning sign-in on fetches the provider's discovery
    /// document first, and refuses settings it does not bear out.
    func saveSignInSettings(_ request: Request) throws -> Response {
        let form = try checkedForm(request)
        let actor = try adminActor(request, .configureSignIn)
        let language = Localizer.language(for: request)
        let stored = SSOSettings.load(self.settings)
        var next = SSOSettings()
        next.enabled = form.raw("enabled") == "1"
        next.label = form.text("label")
        next.issuer = form.text("issuer")
        next.clientID = form.text("client_id")
        next.clientSecret = form.raw("client_secret").isEmpty ? stored.clientSecret : form.raw("client_secret")
        next.redirectURI = form.text("redirect_uri")
        next.scope = form.text("scope").isEmpty ? SSOSettings().scope : form.text("scope")
        next.usernameClaim = form.text("username_claim")
        next.nameClaim = form.text("name_claim")
        next.emailClaim = form.text("email_claim")
        next.agencyClaim = form.text("agency_claim")
        next.newAccounts = SSOSettings.NewAccounts(rawValue: form.text("new_accounts")) ?? .approval
        next.clockSkew = Int(form.text("clock_skew")) ?? -1
        if let problem = Self.signInSettingsProblem(next) {
            return try signInSettingsPage(request, form: next, error: message(problem, language), status: 400)
        }
        if next.enabled {
            do {
                _ = try OpenIDClient(next.client).providerMetadata()
            } catch {
                let text = localizer.text("sso_discovery_failed", language) + " " + String(describing: error)
                return try signInSettingsPage(request, form: next, error: text, status: 400)
            }
        }
        try next.save(settings)
        audit(request, "sso.settings", target: next.issuer,
              detail: "enabled=\(next.enabled); client=\(next.clientID); accounts=\(next.newAccounts.rawValue)"
                + (form.raw("client_secret").isEmpty ? "" : "; secret changed"), actor: actor)
        return .redirect(to: "/admin/sso?done=sso_saved")
    }

    /// What is wrong with settings, before the provider is asked.
    static func signInSettingsProblem(_ s: SSOSettings) -> FormProblem? {
        func isClaim(_ name: String) -> Bool {
            !name.isEmpty && name.count <= 64 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-.:".contains($0)) }
        }
        if s.label.count > 80 || s.label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return FormProblem(field: "sso_field_label", problem: "admin_problem_too_long")
        }
        if s.enabled || !s.issuer.isEmpty {
            guard let url = URL(string: s.issuer), (try? OpenIDClient.checkTransport(url)) != nil else {
                return FormProblem(field: "sso_field_issuer", problem: "sso_problem_url")
            }
        }
        if s.enabled {
            if s.clientID.isEmpty || s.clientID.count > 200 { return FormProblem(field: "sso_field_client_id", problem: "admin_problem_required") }
            if s.clientSecret.isEmpty { return FormProblem(field: "sso_field_client_secret", problem: "admin_problem_required") }
            guard let url = URL(string: s.redirectURI), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
                  url.path == "/login/sso/callback" else {
                return FormProblem(field: "sso_field_redirect_uri", problem: "sso_problem_redirect")
            }
        }
        if !s.scope.split(separator: " ").contains("openid") { return FormProblem(field: "sso_field_scope", problem: "sso_problem_scope") }
        for (name, label) in [(s.usernameClaim, "sso_field_username_claim"), (s.nameClaim, "sso_field_name_claim"),
                              (s.emailClaim, "sso_field_email_claim")] where !isClaim(name) {
            return FormProblem(field: label, problem: "sso_problem_claim")
        }
        if !s.agencyClaim.isEmpty && !isClaim(s.agencyClaim) { return FormProblem(field: "sso_field_agency_claim", problem: "sso_problem_claim") }
        if !(0...600).contains(s.clockSkew) { return FormProblem(field: "sso_field_clock_skew", problem: "sso_problem_skew") }
        return nil
    }

    /// The pending request of the URL's `id` that `actor` may decide; 404 otherwise.
    func decidableRequest(_ request: Request, _ actor: Actor) throws -> AccessRequest {
        guard let id = request.parameters["id"].flatMap(Int64.init),
              let pending = try decidableRequests(actor).first(where: { $0.id == id }) else { throw Self.adminNotFound }
        return pending
    }

    /// `POST /admin/sso/requests/{id}/approve`: an account in the chosen agency, as viewer or
    /// editor (higher roles are the system administrator's to give afterwards, as for any account).
    func approveAccessRequest(_ request: Request) throws -> Response {
        let form = try checkedForm(request)
        let (actor, _) = try signInAdministrator(request)
        let pending = try decidableRequest(request, actor)
        let language = Localizer.language(for: request)
        guard let agency = try agencies.find(code: form.text("agency")), !agency.isSystem, !agency.disabled,
              Policy.can(actor, .manageUsers(agencyID: agency.id)) else {
            return try signInSettingsPage(request, error: message(FormProblem(field: "sso_field_agency", problem: "admin_problem_choice"), language),
                                          status: 400)
        }
        let role: Role
        do { role = try form.choice("role", label: "admin_field_role", among: [Role.viewer, .editor]) } catch {
            return try signInSettingsPage(request, error: message(error, language), status: 400)
        }
        let approved: User?
        do {
            approved = try identities.approve(id: pending.id, agencyCode: agency.code, role: role, by: actor.username)
        } catch StoreError.invalid {
            let problem = FormProblem(field: "admin_field_username", problem: "admin_problem_taken")
            return try signInSettingsPage(request, error: message(problem, language), status: 409)
        }
        guard approved != nil else { throw Self.adminNotFound }
        audit(request, "sso.approve", target: pending.username, detail: "agency=\(agency.code); role=\(role.rawValue)", actor: actor)
        return .redirect(to: "/admin/sso?done=sso_approved")
    }

    /// `POST /admin/sso/requests/{id}/refuse`: refused in writing.
    func refuseAccessRequest(_ request: Request) throws -> Response {
        let form = try checkedForm(request)
        let (actor, _) = try signInAdministrator(request)
        let pending = try decidableRequest(request, actor)
        let reason: String
        do { reason = try form.line("reason", label: "sso_field_reason", maxLength: 500) } catch {
            return try signInSettingsPage(request, error: message(error, Localizer.language(for: request)), status: 400)
        }
        guard try identities.refuse(id: pending.id, reason: reason, by: actor.username) else { throw Self.adminNotFound }
        audit(request, "sso.refuse", target: pending.username, detail: reason, actor: actor)
        return .redirect(to: "/admin/sso?done=sso_refused")
    }
}
