import HTTP
import Store
import Synchronization

/// What every handler knows of a request, set up once by `PortalMiddleware` before any handler
/// runs: the session and actor behind its cookie (looked up once, on first use, however many
/// places ask — a static file or a tile of a public layer never asks), its language, and its
/// CSRF token when signed in. Handlers read it through `signedIn(_:)`, `actor(for:)` and
/// `Localizer.language(for:)`, which resolve on the spot only for a request that did not pass
/// the middleware (an unrouted error page).
struct RequestContext: Sendable {
    let language: Language
    private let who: SessionBox
    /// The access token of a service door's Authorization header (`Portal.acceptsTokens`); such a
    /// request acts as the token's user and never as a session.
    let credential: TokenCredential

    init(resolving request: Request, in portal: Portal) {
        language = Localizer.negotiate(request)
        credential = Portal.acceptsTokens(request.path) ? portal.lookUpToken(request) : .none
        if credential == .none && !Portal.isAPI(request.path) {
            who = SessionBox { portal.lookUpSession(request) }
        } else {
            who = SessionBox { nil }
        }
    }

    init(session: Session?, actor: Actor?, language: Language) {
        self.language = language
        credential = .none
        let known = session.flatMap { session in actor.map { (session, $0) } }
        who = SessionBox { known }
    }

    var signedIn: (session: Session, actor: Actor)? { who.value }
    var session: Session? { signedIn?.session }
    /// Who acts: the token's user, else the session's; nil for the public.
    var actor: Actor? {
        if case .valid(let actor, _) = credential { return actor }
        return signedIn?.actor
    }
    /// The token the request acts through, for the audit.
    var token: AccessToken? {
        if case .valid(_, let token) = credential { return token }
        return nil
    }

    /// The signed-in visitor's CSRF token (a visitor who is not signed in has a cookie of their own).
    var csrfToken: String? { session?.csrfToken }
}

/// The session lookup of one request, run at most once.
final class SessionBox: Sendable {
    private let state: Mutex<(done: Bool, value: (session: Session, actor: Actor)?)> = Mutex((false, nil))
    private let lookUp: @Sendable () -> (session: Session, actor: Actor)?

    init(_ lookUp: @escaping @Sendable () -> (session: Session, actor: Actor)?) {
        self.lookUp = lookUp
    }

    var value: (session: Session, actor: Actor)? {
        state.withLock { state in
            if !state.done { state = (true, lookUp()) }
            return state.value
        }
    }
}
