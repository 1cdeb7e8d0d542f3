import HTTP

/// Wraps every route: turns a missing sign-in into a redirect to the sign-in page, and adds the
/// security headers every page carries.
struct PortalMiddleware: Middleware {
    /// Only our own scripts and styles; Leaflet sets inline style attributes, hence 'unsafe-inline' for styles.
    static let contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        + "script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

    func handle(_ request: Request, next: Handler) throws -> Response {
        var response: Response
        do {
            response = try next(request)
        } catch let redirect as RedirectToLogin {
            response = .redirect(to: redirect.location)
        }
        if response.headers["Content-Security-Policy"] == nil {
            response.headers["Content-Security-Policy"] = Self.contentSecurityPolicy
        }
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        return response
    }
}
