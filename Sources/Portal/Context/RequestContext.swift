import HTTP
import Store

/// What every handler knows of a request, resolved once by `PortalMiddleware` before any
/// handler runs: the session and actor behind its cookie (one lookup, however many places
/// ask), its language, and its CSRF token when signed in. Handlers read it through
/// `signedIn(_:)`, `actor(for:)` and `Localizer.language(for:)`, which fall back to resolving
/// on the spot only for a request that did not pass the middleware (an unrouted error page).
struct RequestContext: Sendable {
    let session: Session?
    let actor: Actor?
    let language: Language

    init(resolving request: Request, in portal: Portal) {
        let found = portal.lookUpSession(request)
        session = found?.session
        actor = found?.actor
        language = Localizer.negotiate(request)
    }

    init(session: Session?, actor: Actor?, language: Language) {
        self.session = session
        self.actor = actor
        self.language = language
    }

    var signedIn: (session: Session, actor: Actor)? {
        guard let session, let actor else { return nil }
        return (session, actor)
    }

    /// The signed-in visitor's CSRF token (a visitor who is not signed in has a cookie of their own).
    var csrfToken: String? { session?.csrfToken }
}
