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

    init(resolving request: Request, in portal: Portal) {
        language = Localizer.negotiate(request)
        who = SessionBox { portal.lookUpSession(request) }
    }

    init(session: Session?, actor: Actor?, language: Language) {
        self.language = language
        let known = session.flatMap { session in actor.map { (session, $0) } }
        who = SessionBox { known }
    }

    var signedIn: (session: Session, actor: Actor)? { who.value }
    var session: Session? { signedIn?.session }
    var actor: Actor? { signedIn?.actor }

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
