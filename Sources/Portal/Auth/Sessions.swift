import Foundation
import HTTP
import Store

/// How long sessions live, and what their cookies look like.
public struct SessionPolicy: Sendable {
    /// A session unused this long ends.
    public var idleTimeout: TimeInterval = 60 * 60
    /// A session ends this long after sign-in, used or not.
    public var absoluteTimeout: TimeInterval = 12 * 60 * 60
    /// Mark cookies `Secure` (served over HTTPS) even when no proxy says so.
    public var secureCookies = false

    public init(idleTimeout: TimeInterval = 3600, absoluteTimeout: TimeInterval = 43_200, secureCookies: Bool = false) {
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.secureCookies = secureCookies
    }

    static let cookieName = "bando_session"
    static let csrfCookieName = "bando_csrf"
}

extension Portal {
    /// The signed-in actor of a request, nil for the public (no cookie, unknown, expired or idle
    /// session, disabled user or agency).
    func actor(for request: Request) -> Actor? {
        if let context = request.context as? RequestContext { return context.actor }
        return lookUpSession(request)?.actor
    }

    /// The request's session and actor, when valid: from its context when the middleware has
    /// resolved it (once per request), else looked up now.
    func signedIn(_ request: Request) -> (session: Session, actor: Actor)? {
        if let context = request.context as? RequestContext { return context.signedIn }
        return lookUpSession(request)
    }

    /// The session of the request's cookie and its actor, when valid; refreshes the idle clock at
    /// most once a minute.
    func lookUpSession(_ request: Request) -> (session: Session, actor: Actor)? {
        guard let token = request.cookies[SessionPolicy.cookieName], !token.isEmpty, token.count < 200 else { return nil }
        let hash = Tokens.hash(token)
        guard let active = try? sessions.findActive(tokenHash: hash) else { return nil }
        let session = active.session, user = active.user
        let now = Date()
        if now > session.expiresAt || now.timeIntervalSince(session.lastSeenAt) > sessionPolicy.idleTimeout {
            try? sessions.delete(tokenHash: hash)
            return nil
        }
        if now.timeIntervalSince(session.lastSeenAt) > 60 { try? sessions.touch(tokenHash: hash, at: now) }
        return (session, Actor(userID: user.id, username: user.username, displayName: user.displayName,
                               agencyID: user.agencyID, agencyCode: active.agencyCode, role: user.role))
    }

    /// The actor of the request's session from memory only, for the I/O thread's fast paths:
    /// `.some(nil)` for the public (no session cookie), nil when the session is not known in
    /// memory or needs the store (expired, idle, its idle clock due to be written).
    func memoryActor(_ request: Request) -> Actor?? {
        // A request with credentials of its own is answered on the pool, where they are checked.
        guard request.headers["Authorization"] == nil else { return nil }
        guard let token = request.cookies[SessionPolicy.cookieName], !token.isEmpty else { return .some(nil) }
        guard token.count < 200, let kept = sessions.cachedActive(tokenHash: Tokens.hash(token)), let active = kept else {
            return nil
        }
        let now = Date()
        let idle = now.timeIntervalSince(active.session.lastSeenAt)
        guard now <= active.session.expiresAt, idle <= 60, idle <= sessionPolicy.idleTimeout else { return nil }
        let user = active.user
        return .some(Actor(userID: user.id, username: user.username, displayName: user.displayName,
                           agencyID: user.agencyID, agencyCode: active.agencyCode, role: user.role))
    }

    /// Starts a session for `user`, replacing the request's previous one (the id is never reused
    /// across a sign-in), and sets its cookie on `response`.
    func startSession(for user: User, _ request: Request, _ response: inout Response) throws {
        if let old = request.cookies[SessionPolicy.cookieName], !old.isEmpty {
            try? sessions.delete(tokenHash: Tokens.hash(old))
        }
        let token = Tokens.random()
        let now = Date()
        try sessions.create(Session(tokenHash: Tokens.hash(token), userID: user.id, csrfToken: Tokens.random(),
                                    createdAt: now, lastSeenAt: now, expiresAt: now.addingTimeInterval(sessionPolicy.absoluteTimeout)),
                            clientAddress: request.remoteAddress)
        response.setCookie(Cookie(name: SessionPolicy.cookieName, value: token, path: "/", maxAge: nil,
                                  httpOnly: true, secure: isSecure(request), sameSite: "Lax"))
    }

    /// Ends the request's session and clears its cookie.
    func endSession(_ request: Request, _ response: inout Response) {
        if let token = request.cookies[SessionPolicy.cookieName], !token.isEmpty {
            try? sessions.delete(tokenHash: Tokens.hash(token))
        }
        response.setCookie(Cookie(name: SessionPolicy.cookieName, value: "", path: "/", maxAge: 0,
                                  httpOnly: true, secure: isSecure(request), sameSite: "Lax"))
    }

    /// Whether the client reached us over HTTPS (directly configured, or through a proxy that says so).
    func isSecure(_ request: Request) -> Bool {
        sessionPolicy.secureCookies || request.headers["X-Forwarded-Proto"]?.lowercased() == "https"
    }
}
