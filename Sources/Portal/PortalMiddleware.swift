import HTTP

/// Wraps every route: turns a missing sign-in into a redirect to the sign-in page, and adds the
/// security headers every page carries.
struct PortalMiddleware: Middleware {
    /// Only our own scripts and styles; Leaflet sets inline style attributes, hence 'unsafe-inline' for styles.
    static let contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        + "script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

    /// The headers every response carries, error pages and the server's own refusals included
    /// (`ServerConfiguration.responseHeaders`); a response may set its own policy instead.
    static let securityHeaders: HTTPHeaders = [
        "Content-Security-Policy": contentSecurityPolicy,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
    ]

    func handle(_ request: Request, next: Handler) throws -> Response {
        var response: Response
        do {
            response = try next(request)
        } catch let redirect as RedirectToLogin {
            response = .redirect(to: redirect.location)
        }
        for (name, value) in Self.securityHeaders where !response.headers.contains(name) {
            response.headers[name] = value
        }
        return response
    }
}
