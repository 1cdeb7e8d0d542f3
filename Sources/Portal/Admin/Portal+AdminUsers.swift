import Foundation
import HTTP
import Store

/// An agency's users, as its administrator (or the system administrator) manages them: list,
/// create, disable or enable, change role, reset password. Every handler checks the URL's agency
/// and the target user's agency against the policy.
extension Portal {
    /// `GET /admin/agencies/{code}/users`.
    func agencyUsers(_ request: Request, error: String? = nil, status: Int = 200) throws -> Response {
        let (actor, agency) = try userManager(request)
        let language = Localizer.language(for: request)
        let roles = assignableRoles(actor, in: agency)
        let rows: [[String: Any]] = try users.listing(agencyID: agency.id).map { entry in
            let user = entry.user
            return [
                "username": user.username, "name": user.displayName,
                "role": localizer.text("role_\(user.role.rawValue)", language),
                "roles": roleOptions(roles, selected: user.role, language),
                "disabled": user.disabled, "last_login": entry.lastLoginAt.map(Self.auditTime) ?? "",
                "may_change": mayChange(actor, user),
            ]
        }
        return page("admin_agency_users", request, title: localizer.text("admin_agency_users_title", language) + " · " + agency.name,
                    status: status, [
                        "csrf": csrfToken(request).token,
                        "agency": ["code": agency.code, "name": agency.name, "disabled": agency.disabled] as [String: Any],
                        "users": rows,
                        "user_count": rows.count,
                        "roles": roleOptions(roles, selected: .viewer, language),
                        "manages_agencies": Policy.can(actor, .manageAgencies),
                    ].merging(optional: ["error": error, "message": doneNotice(request, language)]))
    }

    /// `roles` as options of a select, `selected` chosen.
    func roleOptions(_ roles: [Role], selected: Role, _ language: Language) -> [[String: Any]] {
        roles.map { ["value": $0.rawValue, "label": localizer.text("role_\($0.rawValue)", language), "selected": $0 == selected] }
    }

    /// The user named by the URL, when they belong to the URL's agency and the actor may change
    /// them; otherwise 404.
    func targetUser(_ request: Request, _ actor: Actor, _ agency: Agency) throws -> User {
        guard let username = request.parameters["username"], let user = try users.find(username: username),
              user.agencyID == agency.id, mayChange(actor, user), try !ServiceAccountRepository(database).isService(userID: user.id) else {
            throw Self.adminNotFound
        }
        return user
    }

    /// Creates an account from the form's `username`, `display_name` and `password` in `agency`
    /// with `role`, and records it. Throws a `FormProblem` for bad input.
    func createAccount(_ request: Request, _ form: AdminForm, in agency: Agency, role: Role, by actor: Actor) throws {
        let username = try form.username("username", label: "admin_field_username")
        let name = try form.line("display_name", label: "admin_field_display_name")
        let password = form.raw("password")
        if let problem = Self.passwordProblem(password, username: username) {
            throw FormProblem(field: "admin_field_password", problem: problem)
        }
        let existing = try users.find(username: username)
        if existing != nil { throw FormProblem(field: "admin_field_username", problem: "admin_problem_taken") }
        guard let hash = Passwords.hash(password) else { throw HTTPError(500, "password hashing failed") }
        if try !createIfFree({ () throws(StoreError) in
            try users.create(username: username, displayName: name, agencyCode: agency.code, role: role, passwordHash: hash)
        }) {
            throw FormProblem(field: "admin_field_username", problem: "admin_problem_taken")
        }
        audit(request, "user.create", target: username, detail: "agency=\(agency.code); role=\(role.rawValue)", actor: actor)
    }

    /// `POST /admin/agencies/{code}/users`: a new account with an initial password.
    func createUser(_ request: Request) throws -> Response {
        let form = try checkedForm(request)
        let (actor, agency) = try userManager(request)
        do {
            let role: Role = try form.choice("role", label: "admin_field_role", among: assignableRoles(actor, in: agency))
            try createAccount(request, form, in: agency, role: role, by: actor)
            return .redirect(to: "/admin/agencies/\(agency.code)/users?done=user_created")
        } catch let problem as FormProblem {
            return try agencyUsers(request, error: message(problem, Localizer.language(for: request)), status: 400)
        }
    }

    /// `POST /admin/agencies/{code}/users/{username}/disable|enable`. Disabling ends the user's sessions.
    func setUserDisabled(_ request: Request, _ disabled: Bool) throws -> Response {
        _ = try checkedForm(request)
        let (actor, agency) = try userManager(request)
        let user = try targetUser(request, actor, agency)
        if user.disabled != disabled {
            try users.setDisabled(userID: user.id, disabled)
            audit(request, disabled ? "user.disable" : "user.enable", target: user.username, actor: actor)
        }
        return .redirect(to: "/admin/agencies/\(agency.code)/users?done=\(disabled ? "user_disabled" : "user_enabled")")
    }

    /// `POST /admin/agencies/{code}/users/{username}/role`.
    func changeRole(_ request: Request) throws -> Response {
        let form = try checkedForm(request)
        let (actor, agency) = try userManager(request)
        let user = try targetUser(request, actor, agency)
        do {
            guard mayManageDuties(of: user, actor) else { throw FormProblem(field: "admin_field_role", problem: "admin_needs_sysadmin") }
            let role: Role = try form.choice("role", label: "admin_field_role", among: assignableRoles(actor, in: agency))
            if role != user.role {
                try users.setRole(userID: user.id, role)
                audit(request, "user.role", target: user.username, detail: "from=\(user.role.rawValue); to=\(role.rawValue)", actor: actor)
            }
            return .redirect(to: "/admin/agencies/\(agency.code)/users?done=user_role")
        } catch let problem as FormProblem {
            return try agencyUsers(request, error: message(problem, Localizer.language(for: request)), status: 400)
        }
    }

    /// `POST /admin/agencies/{code}/users/{username}/password`: the administrator types a new
    /// password; it is hashed, never shown again, and the user's sessions end.
    func resetPassword(_ request: Request) throws -> Response {
        let form = try checkedForm(request)
        let (actor, agency) = try userManager(request)
        let user = try targetUser(request, actor, agency)
        guard mayManageDuties(of: user, actor) else {
            return try agencyUsers(request, error: message(FormProblem(field: "admin_field_new_password", problem: "admin_needs_sysadmin"),
                                                           Localizer.language(for: request)), status: 403)
        }
        let password = form.raw("password")
        if let problem = Self.passwordProblem(password, username: user.username) {
            return try agencyUsers(request, error: message(FormProblem(field: "admin_field_new_password", problem: problem),
                                                           Localizer.language(for: request)), status: 400)
        }
        guard let hash = Passwords.hash(password) else { throw HTTPError(500, "password hashing failed") }
        try users.resetPassword(userID: user.id, hash: hash)
        audit(request, "user.password_reset", target: user.username, actor: actor)
        return .redirect(to: "/admin/agencies/\(agency.code)/users?done=user_password_reset")
    }
}
