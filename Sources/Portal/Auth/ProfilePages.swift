import Foundation
import HTTP
import Store

extension Portal {
    /// The rules every new password must meet; nil when `password` is acceptable, else a locale key.
    /// OWASP ASVS 2.1.1 (level 2): at least 12 characters.
    static let minimumPasswordLength = 12

    static func passwordProblem(_ password: String, username: String) -> String? {
        if password.count < Self.minimumPasswordLength { return "password_too_short" }
        if password.count > 256 { return "password_too_long" }
        if password.lowercased().contains(username.lowercased()) { return "password_contains_username" }
        if Set(password).count < 4 { return "password_too_simple" }
        return nil
    }

    /// Requires a signed-in actor, or answers with a redirect to the sign-in page.
    func requireActor(_ request: Request) throws -> Actor {
        guard let actor = actor(for: request) else {
            var allowed = CharacterSet.urlQueryAllowed
            allowed.remove(charactersIn: "&=?+#")
            let next = request.target.addingPercentEncoding(withAllowedCharacters: allowed) ?? "/"
            throw RedirectToLogin(location: "/login?next=\(next)")
        }
        return actor
    }

    /// `GET /profile`: who I am, what is shared with my agency, and the password form.
    func profile(_ request: Request, message: String? = nil, error: String? = nil, secret: String? = nil,
                 status: Int = 200) throws -> Response {
        let actor = try requireActor(request)
        let language = Localizer.language(for: request)
        let sharedWithMe = try layers.listVisible(to: Policy.listingScope(actor)).filter { $0.agencyID != actor.agencyID && $0.visibility == .shared }
        let agency = try agencies.find(id: actor.agencyID)
        let tokens = try tokenRows(userID: actor.userID, language)
        return page("profile", request, title: localizer.text("profile_title", language), status: status, [
            "csrf": csrfToken(request).token,
            "me": ["username": actor.username, "name": actor.displayName, "agency": agency?.name ?? "",
                   "role": localizer.text("role_\(actor.role.rawValue)", language)],
            "shared": layerRows(sharedWithMe, language),
            "has_shared": !sharedWithMe.isEmpty,
            "tokens": tokens,
            "has_tokens": !tokens.isEmpty,
            "token_scopes": tokenScopeChoices(actor, language),
        ].merging(optional: ["message": message, "error": error, "secret": secret]))
    }

    /// `POST /profile/password`: the current password, then the new one twice.
    func changePassword(_ request: Request) throws -> Response {
        let actor = try requireActor(request)
        let fields = try request.formFields()
        try requireCSRF(request, fields)
        let language = Localizer.language(for: request)
        func field(_ name: String) -> String { fields.first { $0.name == name }?.value ?? "" }
        // Guessing the current password here is guessing a sign-in: the same throttle, the same count.
        let now = Date()
        switch try throttleVerdict(username: actor.username, request, now: now) {
        case .allow:
            break
        case .wait(let seconds):
            audit(request, "password.change_throttled", target: actor.username, detail: "wait \(seconds)s")
            return try profile(request, error: String(format: localizer.text("login_wait", language), seconds), status: 429)
        case .locked(let seconds):
            audit(request, "password.change_throttled", target: actor.username, detail: "locked \(seconds)s")
            return try profile(request, error: String(format: localizer.text("login_locked", language), max(1, (seconds + 59) / 60)),
                               status: 429)
        }
        guard let user = try users.find(id: actor.userID), Passwords.verify(field("current"), against: user.passwordHash) else {
            try loginAttempts.record(username: actor.username, clientAddress: request.remoteAddress, at: now, success: false)
            audit(request, "password.change_failed", target: actor.username, detail: "wrong current password")
            return try profile(request, error: localizer.text("password_current_wrong", language), status: 400)
        }
        let fresh = field("new")
        guard fresh == field("confirm") else {
            return try profile(request, error: localizer.text("password_mismatch", language), status: 400)
        }
        if let problem = Self.passwordProblem(fresh, username: actor.username) {
            return try profile(request, error: localizer.text(problem, language), status: 400)
        }
        guard let hash = Passwords.hash(fresh) else { throw HTTPError(500, "password hashing failed") }
        try users.setPasswordHash(userID: actor.userID, hash)
        // Other sessions of this account end; this one is replaced by a fresh one.
        try sessions.deleteAll(userID: actor.userID)
        audit(request, "password.change", target: actor.username, actor: actor)
        var response = Response.redirect(to: "/profile?changed=1")
        try startSession(for: user, request, &response)
        return response
    }
}

/// Thrown by handlers that need a signed-in user; the router's error stage turns it into a
/// redirect to the sign-in page.
struct RedirectToLogin: Error {
    let location: String
}

extension Portal {
    /// The rows of the profile's token table: name, scopes, dates, state, and whether it may be revoked.
    func tokenRows(userID: Int64, _ language: Language) throws -> [[String: Any]] {
        let now = Date()
        return try AccessTokenRepository(database).list(userID: userID).map { token in
            let state = token.revokedAt != nil ? "token_state_revoked" : token.isUsable(at: now) ? "token_state_active" : "token_state_expired"
            return ["id": String(token.id), "name": token.name, "scopes": TokenScope.text(token.scopes),
                    "created": DisplayTime.local(token.createdAt),
                    "expires": token.expiresAt.map { DisplayTime.local(AccessTokenRepository.iso($0)) }
                        ?? localizer.text("token_never", language),
                    "last_used": token.lastUsedAt.map(DisplayTime.local) ?? localizer.text("token_never", language),
                    "state": localizer.text(state, language), "revocable": token.revokedAt == nil && token.isUsable(at: now)]
        }
    }

    /// The scopes the actor may give a token, as the form's checkboxes.
    func tokenScopeChoices(_ actor: Actor, _ language: Language) -> [[String: Any]] {
        AccessTokens.allowed(for: actor.role).sorted().map { scope in
            ["value": scope.rawValue, "label": localizer.text("token_scope_\(scope.rawValue)", language), "checked": scope == .read]
        }
    }

    /// `POST /profile/tokens`: makes a personal access token and shows its secret this once.
    func createToken(_ request: Request) throws -> Response {
        let actor = try requireActor(request)
        let fields = try request.formFields()
        try requireCSRF(request, fields)
        let language = Localizer.language(for: request)
        let name = fields.first { $0.name == "name" }?.value ?? ""
        let scopes = Set(fields.filter { $0.name == "scope" }.compactMap { TokenScope(rawValue: $0.value) })
        let daysText = fields.first { $0.name == "days" }?.value ?? ""
        let days = daysText.isEmpty || daysText == "0" ? nil : Int(daysText)
        if !daysText.isEmpty, daysText != "0", days == nil {
            return try profile(request, error: localizer.text("token_bad_days", language), status: 400)
        }
        guard let user = try users.find(id: actor.userID) else { throw HTTPError(404, "no such user") }
        do {
            let made = try AccessTokens.create(database, user: user, agencyCode: actor.agencyCode, name: name, scopes: scopes,
                                               expiresInDays: days, clientAddress: request.remoteAddress)
            return try profile(request, message: localizer.text("token_made", language), secret: made.secret)
        } catch let refusal as AccessTokens.Refusal {
            return try profile(request, error: String(format: localizer.text("token_refused", language), refusal.localized(localizer, language)),
                               status: 400)
        } catch StoreError.invalid(let why) {
            return try profile(request, error: String(format: localizer.text("token_refused", language), why), status: 400)
        }
    }

    /// `POST /profile/tokens/:id/revoke`: revokes one of the actor's own tokens.
    func revokeToken(_ request: Request) throws -> Response {
        let actor = try requireActor(request)
        let fields = try request.formFields()
        try requireCSRF(request, fields)
        guard let id = request.parameters["id"].flatMap(Int64.init) else { throw HTTPError(404, "no such token") }
        let revoked = try AccessTokenRepository(database).revoke(
            id: id, userID: actor.userID,
            audit: AuditEntry(userID: actor.userID, username: actor.username, agencyID: actor.agencyID, action: "token.revoke",
                              target: actor.username, detail: "id=\(id)", clientAddress: request.remoteAddress))
        guard revoked else { throw HTTPError(404, "no such token") }
        return .redirect(to: "/profile?revoked=1")
    }
}
