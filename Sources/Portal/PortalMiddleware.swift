import HTTP

/// Wraps every route: turns a missing sign-in into a redirect to the sign-in page, and adds the
/// security headers every page carries.
struct PortalMiddleware: Middleware {
    /// Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (`--trusted-proxy`).
    var trustedProxies: [AddressRange] = []
    /// Whether cookies are marked Secure without a proxy saying so (`--secure-cookies`): HSTS then.
    var secureCookies = false
    /// Builds the request's context (session, actor, language) once, for every handler after.
    var resolveContext: (@Sendable (Request) -> RequestContext)?
    /// The answer to a request whose credentials are refused, before any handler; nil to go on.
    var refuseCredentials: (@Sendable (Request) -> Response?)?

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
        var request = ClientAddress.resolve(request, trusting: trustedProxies)
        if let resolveContext { request.context = resolveContext(request) }
        var response: Response
        do {
            if let refusal = refuseCredentials?(request) {
                response = refusal
            } else {
                response = try next(request)
            }
        } catch let redirect as RedirectToLogin {
            response = .redirect(to: redirect.location)
        }
        finish(&response, for: request)
        for (name, value) in Self.securityHeaders where !response.headers.contains(name) {
            response.headers[name] = value
        }
        return response
    }

    /// What every response gets once made, error pages included: `no-store` for anyone signed
    /// in (a page for them is theirs alone, never kept by a browser or a proxy), HSTS when the
    /// client came over HTTPS. `request` is the one `ClientAddress.resolve` returned.
    func finish(_ response: inout Response, for request: Request) {
        if response.headers["Cache-Control"] == nil,
           !(request.cookies[SessionPolicy.cookieName] ?? "").isEmpty || request.headers["Authorization"] != nil {
            response.headers["Cache-Control"] = "no-store"
        }
        if secureCookies || request.headers["X-Forwarded-Proto"]?.lowercased() == "https" {
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        }
    }
}
