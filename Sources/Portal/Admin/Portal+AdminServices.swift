import Foundation
import HTTP
import Store

/// `/admin/services`: the system administrator's accounts for other systems — the province's
/// data platform, a department's own software — each bound to one agency, with no password, used
/// only through access tokens the administrator makes here (shown once) and revokes. A service
/// reads (`read`) or also uploads (`upload`, whose versions wait for a person to approve them);
/// approving and administering stay with people.
extension Portal {
    /// The scopes a service account may hold.
    static let serviceScopes: [TokenScope] = [.read, .upload]

    /// The role that carries `scopes` and no more.
    static func serviceRole(_ scopes: Set<TokenScope>) -> Role { scopes.contains(.upload) ? .editor : .viewer }

    /// `GET /admin/services`.
    func servicesPage(_ request: Request, message: String? = nil, error: String? = nil, secret: String? = nil,
                      status: Int = 200) throws -> Response {
        _ = try adminActor(request, .manageServices)
        let language = Localizer.language(for: request)
        let csrf = csrfToken(request).token
        let rows: [[String: Any]] = try ServiceAccountRepository(database).all().map { service in
            return [
                "username": service.user.username, "name": service.user.displayName, "agency": service.agencyName,
                "agency_code": service.agencyCode, "purpose": service.purpose, "disabled": service.user.disabled,
                "created": DisplayTime.local(service.createdAt), "created_by": service.createdBy ?? "",
                "ceiling": TokenScope.text(AccessTokens.allowed(for: service.user.role).intersection(Self.serviceScopes)),
                "tokens": try tokenRows(userID: service.user.id, language), "csrf": csrf,
                "token_scopes": Self.serviceScopes.filter { AccessTokens.allowed(for: service.user.role).contains($0) }.map { scope in
                    ["value": scope.rawValue, "label": localizer.text("token_scope_\(scope.rawValue)", language), "checked": scope == .read]
                },
            ]
        }
        let agencyOptions: [[String: Any]] = Self.treeOrder(try agencies.all()).filter { !$0.agency.disabled }.map { agency, depth in
            ["code": agency.code, "label": String(repeating: "· ", count: depth) + agency.name]
        }
        var context: [String: Any] = [
            "csrf": csrf, "services": rows, "has_services": !rows.isEmpty, "agencies": agencyOptions,
            "scopes": Self.serviceScopes.map { scope in
                ["value": scope.rawValue, "label": localizer.text("token_scope_\(scope.rawValue)", language), "checked": scope == .read]
            },
        ]
        if let notice = message ?? doneNotice(request, language) { context["message"] = notice }
        if let error { context["error"] = error }
        if let secret { context["secret"] = secret }
        return page("admin_services", request, title: localizer.text("service_title", language), status: status, context)
    }

    /// The scopes and lifetime of a token form; a `FormProblem` when they cannot be.
    private func serviceTokenChoices(_ form: AdminForm, ceiling: Set<TokenScope>) throws(FormProblem) -> (Set<TokenScope>, Int?) {
        let scopes = Set(form.fields.filter { $0.name == "scope" }.compactMap { TokenScope(rawValue: $0.value) })
        guard !scopes.isEmpty, scopes.isSubset(of: ceiling) else { throw FormProblem(field: "token_scopes", problem: "admin_problem_choice") }
        let days = form.text("days")
        guard days.isEmpty || days == "0" || Int(days).map({ (1...AccessTokenRepository.maxDays).contains($0) }) == true else {
            throw FormProblem(field: "token_days", problem: "admin_problem_choice")
        }
        return (scopes, days.isEmpty || days == "0" ? nil : Int(days))
    }

    /// `POST /admin/services`: a new service account and its first token, shown once.
    func createService(_ request: Request) throws -> Response {
        let form = try checkedForm(request)
        let actor = try adminActor(request, .manageServices)
        let language = Localizer.language(for: request)
        do {
            let username = try form.username("username", label: "admin_field_username")
            let name = try form.line("display_name", label: "admin_field_display_name")
            let code = try form.agencyCode("agency", label: "col_agency")
            let purpose = try form.line("purpose", label: "service_purpose", maxLength: 500)
            let (scopes, days) = try serviceTokenChoices(form, ceiling: Set(Self.serviceScopes))
            guard let agency = try agencies.find(code: code), !agency.disabled, !agency.isSystem else {
                throw FormProblem(field: "col_agency", problem: "admin_problem_choice")
            }
            if try users.find(username: username) != nil { throw FormProblem(field: "admin_field_username", problem: "admin_problem_taken") }
            let role = Self.serviceRole(scopes)
            let user: User
            do {
                user = try ServiceAccountRepository(database).create(
                    username: username, displayName: name, agencyCode: agency.code, role: role, purpose: purpose, createdBy: actor.username,
                    audit: auditEntry(request, "service.create", target: username,
                                      detail: "agency=\(agency.code); role=\(role.rawValue); purpose=\(purpose)", actor: actor))
            } catch StoreError.invalid {
                throw FormProblem(field: "admin_field_username", problem: "admin_problem_taken")
            }
            let made = try AccessTokens.create(database, user: user, agencyCode: agency.code, name: name, scopes: scopes,
                                               expiresInDays: days, clientAddress: request.remoteAddress)
            return try servicesPage(request, message: localizer.text("service_made", language), secret: made.secret)
        } catch let problem as FormProblem {
            return try servicesPage(request, error: message(problem, language), status: 400)
        }
    }

    /// The service account the URL names; 404 for anything else.
    private func targetService(_ request: Request) throws -> ServiceAccount {
        guard let username = request.parameters["username"], let service = try ServiceAccountRepository(database).find(username: username) else {
            throw Self.adminNotFound
        }
        return service
    }

    /// `POST /admin/services/{username}/tokens`: another token for the service, shown once.
    func createServiceToken(_ request: Request) throws -> Response {
        let form = try checkedForm(request)
        _ = try adminActor(request, .manageServices)
        let service = try targetService(request)
        let language = Localizer.language(for: request)
        do {
            let name = try form.line("name", label: "token_name", maxLength: 80)
            let (scopes, days) = try serviceTokenChoices(form, ceiling: AccessTokens.allowed(for: service.user.role))
            let made = try AccessTokens.create(database, user: service.user, agencyCode: service.agencyCode, name: name, scopes: scopes,
                                               expiresInDays: days, clientAddress: request.remoteAddress)
            return try servicesPage(request, message: localizer.text("token_made", language), secret: made.secret)
        } catch let problem as FormProblem {
            return try servicesPage(request, error: message(problem, language), status: 400)
        } catch let refusal as AccessTokens.Refusal {
            return try servicesPage(request, error: String(format: localizer.text("token_refused", language), refusal.localized(localizer, language)),
                                    status: 400)
        }
    }

    /// `POST /admin/services/{username}/tokens/{id}/revoke`.
    func revokeServiceToken(_ request: Request) throws -> Response {
        _ = try checkedForm(request)
        let actor = try adminActor(request, .manageServices)
        let service = try targetService(request)
        guard let id = request.parameters["id"].flatMap(Int64.init),
              try AccessTokenRepository(database).revoke(id: id, userID: service.user.id,
                                                         audit: auditEntry(request, "token.revoke", target: service.user.username,
                                                                           detail: "id=\(id)", actor: actor)) else {
            throw Self.adminNotFound
        }
        return .redirect(to: "/admin/services?done=token_revoked")
    }

    /// `POST /admin/services/{username}/disable|enable`: a disabled service's tokens open nothing.
    func setServiceDisabled(_ request: Request, _ disabled: Bool) throws -> Response {
        _ = try checkedForm(request)
        let actor = try adminActor(request, .manageServices)
        let service = try targetService(request)
        if service.user.disabled != disabled {
            try users.setDisabled(userID: service.user.id, disabled)
            audit(request, disabled ? "service.disable" : "service.enable", target: service.user.username, actor: actor)
        }
        return .redirect(to: "/admin/services?done=\(disabled ? "service_disabled" : "service_enabled")")
    }
}
