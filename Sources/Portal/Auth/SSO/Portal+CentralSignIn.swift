import Foundation
import HTTP
import OIDC
import Store

/// Sign-in with the province's central accounts: the browser goes to the OpenID provider with a
/// fresh `state`, `nonce` and PKCE challenge, and comes back to `/login/sso/callback` with a
/// code, which the portal trades for an ID token and checks before it starts a local session.
extension Portal {
    static let ssoCookieName = "bando_sso"

    /// `GET /login/sso?next=…`: off to the provider.
    func startCentralSignIn(_ request: Request) throws -> Response {
        let settings = SSOSettings.load(self.settings)
        guard settings.enabled else { throw HTTPError(404, "no such page") }
        let state = Tokens.random(), nonce = Tokens.random(), pkce = PKCE(verifier: Tokens.random())
        let target: String
        do {
            target = try sso.client(for: settings).authorizationURL(state: state, nonce: nonce, pkce: pkce)
        } catch {
            return centralSignInFailed(request, error, status: 502)
        }
        let flow = SignInFlow(nonce: nonce, verifier: pkce.verifier, next: Self.localTarget(request.query("next")), createdAt: Date())
        guard try identities.startFlow(stateHash: Tokens.hash(state), flow) else {
            throw HTTPError(503, "too many sign-ins under way")
        }
        var response = Response.redirect(to: target, status: 302)
        response.setCookie(Cookie(name: Self.ssoCookieName, value: state, path: "/login/sso", maxAge: Int(ExternalIdentityRepository.flowLifetime),
                                  httpOnly: true, secure: isSecure(request), sameSite: "Lax"))
        response.headers["Cache-Control"] = "no-store"
        return response
    }

    /// `GET /login/sso/callback?code=…&state=…`: back from the provider.
    func finishCentralSignIn(_ request: Request) throws -> Response {
        let settings = SSOSettings.load(self.settings)
        guard settings.enabled else { throw HTTPError(404, "no such page") }
        var response = try centralSignInOutcome(request, settings)
        response.setCookie(Cookie(name: Self.ssoCookieName, value: "", path: "/login/sso", maxAge: 0,
                                  httpOnly: true, secure: isSecure(request), sameSite: "Lax"))
        response.headers["Cache-Control"] = "no-store"
        return response
    }

    func centralSignInOutcome(_ request: Request, _ settings: SSOSettings) throws -> Response {
        // The state must be the one this browser was sent off with (a code pushed into another
        // browser's callback signs nobody in), and is good once.
        guard let state = request.query("state"), let kept = request.cookies[Self.ssoCookieName], Tokens.equal(state, kept),
              let flow = try identities.takeFlow(stateHash: Tokens.hash(state), now: Date()) else {
            return centralSignInFailed(request, OIDCError.invalidToken("the sign-in is unknown, already used or older than ten minutes"),
                                       status: 400, key: "sso_failed_state")
        }
        if let error = request.query("error") {
            let detail = [error, request.query("error_description")].compactMap { $0 }.joined(separator: ": ")
            return centralSignInFailed(request, OIDCError.refused(String(detail.prefix(300))), status: 403)
        }
        guard let code = request.query("code"), !code.isEmpty, code.utf8.count <= 2048 else {
            return centralSignInFailed(request, OIDCError.provider("no code in the callback"), status: 400)
        }
        let claims: JSONObject
        do {
            claims = try sso.client(for: settings).redeem(code: code, pkce: PKCE(verifier: flow.verifier), nonce: flow.nonce)
        } catch {
            return centralSignInFailed(request, error, status: error.isProviderFault ? 502 : 403)
        }
        switch try official(claims, settings, request) {
        case .account(let user):
            return try signInOfficial(user, claims, settings, flow.next, request)
        case .waiting(let pending):
            audit(request, "login.sso.request", target: pending.username,
                  detail: "agency=\(pending.claimedAgency ?? "")", username: pending.username)
            return waitingPage(request, pending)
        case .unusable(let key):
            audit(request, "login.sso.failure", target: claims.string("sub") ?? "", detail: key)
            return renderLogin(request, error: localizer.text(key, Localizer.language(for: request)), username: "", status: 403)
        }
    }

    /// A verified official signs in: the account must be enabled, in an enabled agency.
    func signInOfficial(_ user: User, _ claims: JSONObject, _ settings: SSOSettings, _ next: String, _ request: Request) throws -> Response {
        let language = Localizer.language(for: request)
        if try user.disabled || users.agencyDisabled(userID: user.id) {
            audit(request, "login.disabled", target: user.username, detail: "central sign-in", username: user.username)
            return renderLogin(request, error: localizer.text("login_disabled", language), username: "", status: 403)
        }
        try identities.recordLogin(issuer: settings.issuer, subject: claims.string("sub") ?? "")
        try users.recordLogin(userID: user.id)
        var response = Response.redirect(to: next)
        try startSession(for: user, request, &response)
        let agencyCode = (try? agencies.find(id: user.agencyID))?.code ?? ""
        audit(request, "login.sso.success", target: user.username, detail: "issuer=\(settings.issuer)",
              actor: Actor(userID: user.id, username: user.username, displayName: user.displayName,
                           agencyID: user.agencyID, agencyCode: agencyCode, role: user.role))
        return response
    }

    /// The page an official sees while an administrator has not placed them (or has refused).
    func waitingPage(_ request: Request, _ pending: AccessRequest) -> Response {
        let language = Localizer.language(for: request)
        return page("sso_waiting", request, title: localizer.text("sso_waiting_title", language), status: 403, showUser: false, [
            "name": pending.displayName, "username": pending.username,
            "refused": pending.status == .refused,
        ].merging(optional: ["reason": pending.reason]))
    }

    /// The sign-in page again, saying what went wrong in words an official can act on; the
    /// technical reason goes to the audit log.
    func centralSignInFailed(_ request: Request, _ error: Error, status: Int, key explicit: String? = nil) -> Response {
        let oidc = error as? OIDCError
        let key = explicit ?? {
            switch oidc {
            case .configuration?, .provider?: return "sso_failed_provider"
            case .refused?: return "sso_failed_refused"
            default: return "sso_failed_token"
            }
        }()
        audit(request, "login.sso.failure", target: "", detail: String(describing: error))
        if case .provider? = oidc { logger.warning("central sign-in: \(error)") }
        return renderLogin(request, error: localizer.text(key, Localizer.language(for: request)), username: "", status: status)
    }
}

extension Error {
    /// Whether the provider (not the visitor) is at fault: unreachable, misconfigured.
    var isProviderFault: Bool {
        switch self as? OIDCError {
        case .configuration?, .provider?: true
        default: false
        }
    }
}
