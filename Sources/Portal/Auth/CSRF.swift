import Foundation
import HTTP

/// Cross-site request forgery protection: every state-changing form carries a hidden `csrf`
/// field. Signed-in users' tokens live in their session; visitors (the sign-in form) get a
/// random token in a `bando_csrf` cookie that the form must repeat.
extension Portal {
    /// The token the request's forms must carry, and a cookie to set when a visitor has none yet.
    func csrfToken(_ request: Request) -> (token: String, cookie: Cookie?) {
        if let (session, _) = signedIn(request) { return (session.csrfToken, nil) }
        if let existing = request.cookies[SessionPolicy.csrfCookieName], existing.count >= 20, existing.count < 100 {
            return (existing, nil)
        }
        let token = Tokens.random()
        return (token, Cookie(name: SessionPolicy.csrfCookieName, value: token, path: "/", maxAge: nil,
                              httpOnly: true, secure: isSecure(request), sameSite: "Lax"))
    }

    /// Refuses (403) a POST whose `csrf` field does not match the request's token.
    func requireCSRF(_ request: Request, _ fields: [(name: String, value: String)]) throws {
        let sent = fields.first { $0.name == "csrf" }?.value ?? ""
        let expected: String?
        if let (session, _) = signedIn(request) {
            expected = session.csrfToken
        } else {
            expected = request.cookies[SessionPolicy.csrfCookieName]
        }
        guard let expected, Tokens.equal(sent, expected) else {
            throw HTTPError(403, localizer.text("csrf_refused", Localizer.language(for: request)))
        }
    }
}
