import Foundation
import HTTP
import Store

extension Portal {
    /// A `next` target that stays on this site, else "/": one `/` followed by neither `/` nor
    /// `\\`, and no control characters — checked on the value as given and once more
    /// after percent-decoding it, since browsers drop a TAB or line feed from `/\t/evil.example`
    /// and read `//evil.example`.
    static func localTarget(_ next: String?) -> String {
        guard let next else { return "/" }
        let decoded = next.removingPercentEncoding ?? next
        for form in [next, decoded] {
            let scalars = Array(form.unicodeScalars)
            guard scalars.first == "/", scalars.count == 1 || (scalars[1] != "/" && scalars[1] != "\\"),
                  !scalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\"
                      || ($0.value >= 0x80 && $0.value < 0xA0) || $0.properties.generalCategory == .format
                      || $0.properties.generalCategory == .lineSeparator || $0.properties.generalCategory == .paragraphSeparator })
            else { return "/" }
        }
        return next
    }

    /// `GET /login`: the sign-in form.
    func loginForm(_ request: Request) -> Response {
        renderLogin(request, error: nil, username: "", status: 200)
    }

    func renderLogin(_ request: Request, error: String?, username: String, status: Int) -> Response {
        let (token, cookie) = csrfToken(request)
        let language = Localizer.language(for: request)
        let central = SSOSettings.load(settings)
        let next = Self.localTarget(request.query("next"))
        var response = page("login", request, title: localizer.text("login_title", language),
                            status: status, [
                                "csrf": token, "username": username, "next": next,
                            ].merging(optional: [
                                "error": error,
                                "sso": central.enabled ? [
                                    "label": central.label.isEmpty ? localizer.text("sso_button", language) : central.label,
                                    "next": next,
                                ] : nil,
                            ]))
        if let cookie { response.setCookie(cookie) }
        response.headers["Cache-Control"] = "no-store"
        return response
    }

    /// `POST /login`: checks the CSRF token, the throttle, the password, the account and its agency.
    func login(_ request: Request) throws -> Response {
        let fields = try request.formFields()
        try requireCSRF(request, fields)
        let language = Localizer.language(for: request)
        let username = (fields.first { $0.name == "username" }?.value ?? "").trimmingCharacters(in: .whitespaces)
        let password = fields.first { $0.name == "password" }?.value ?? ""
        let next = Self.localTarget(fields.first { $0.name == "next" }?.value)
        guard !username.isEmpty, username.count <= 64, password.count <= 1024 else {
            return renderLogin(request, error: localizer.text("login_failed", language), username: "", status: 400)
        }
        let now = Date()
        switch try throttleVerdict(username: username, request, now: now) {
        case .allow:
            break
        case .wait(let seconds):
            audit(request, "login.throttled", target: username, detail: "wait \(seconds)s", username: username)
            return renderLogin(request, error: String(format: localizer.text("login_wait", language), seconds), username: username, status: 429)
        case .locked(let seconds):
            audit(request, "login.locked", target: username, detail: "locked \(seconds)s", username: username)
            let minutes = max(1, (seconds + 59) / 60)
            return renderLogin(request, error: String(format: localizer.text("login_locked", language), minutes), username: username, status: 429)
        }

        let user = try users.find(username: username)
        // Verify against a real hash even for unknown users, so timing does not reveal accounts.
        let hash = user?.passwordHash ?? Self.decoyHash
        let valid = Passwords.verify(password, against: hash) && user != nil
        guard let user, valid else {
            try loginAttempts.record(username: username, clientAddress: request.remoteAddress, at: now, success: false)
            audit(request, "login.failure", target: username, username: username)
            return renderLogin(request, error: localizer.text("login_failed", language), username: username, status: 401)
        }
        let agencyDisabled = try users.agencyDisabled(userID: user.id)
        if user.disabled || agencyDisabled {
            try loginAttempts.record(username: username, clientAddress: request.remoteAddress, at: now, success: false)
            audit(request, "login.disabled", target: username, username: username)
            return renderLogin(request, error: localizer.text("login_disabled", language), username: username, status: 403)
        }
        if Passwords.needsRehash(user.passwordHash), let fresh = Passwords.hash(password) {
            try users.setPasswordHash(userID: user.id, fresh)
        }
        try loginAttempts.record(username: username, clientAddress: request.remoteAddress, at: now, success: true)
        try users.recordLogin(userID: user.id)
        var response = Response.redirect(to: next)
        try startSession(for: user, request, &response)
        let agencyCode = (try? agencies.find(id: user.agencyID))?.code ?? ""
        audit(request, "login.success", target: user.username,
              actor: Actor(userID: user.id, username: user.username, displayName: user.displayName,
                           agencyID: user.agencyID, agencyCode: agencyCode, role: user.role))
        return response
    }

    /// What the throttle says of a password check for `username` from the request's client now
    /// (sign-ins and the current-password check of the profile page count alike).
    func throttleVerdict(username: String, _ request: Request, now: Date) throws -> LoginThrottle.Verdict {
        let failures = try loginAttempts.recentFailures(username: username, clientAddress: request.remoteAddress,
                                                        since: now.addingTimeInterval(-loginThrottle.window))
        return loginThrottle.verdict(failures, now: now)
    }

    /// `POST /logout`.
    func logout(_ request: Request) throws -> Response {
        let fields = try request.formFields()
        try requireCSRF(request, fields)
        if let actor = actor(for: request) { audit(request, "logout", target: actor.username, actor: actor) }
        var response = Response.redirect(to: "/")
        endSession(request, &response)
        return response
    }

    /// A hash of a random password, verified against when the username is unknown.
    static let decoyHash: String = Passwords.hash(Passwords.random(length: 24)) ?? ""
}
