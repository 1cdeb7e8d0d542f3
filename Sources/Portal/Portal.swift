import Foundation
import HTTP
import Logging
import Store

/// The Bando application: the store, the templates, the strings, and the routes that tie them.
///
/// Handlers run on the HTTP server's worker threads and may block (SQLite reads, hashing).
public final class Portal: Sendable {
    public let database: SpatialDatabase
    public let resources: Resources
    public let dataDirectory: String
    /// The largest file the upload form accepts, in megabytes (`bando serve --max-upload-mb`).
    public let maxUploadMegabytes: Int
    let views: Views
    let localizer: Localizer
    let staticFiles: StaticFiles
    let vendorFiles: StaticFiles
    let layers: LayerRepository
    let settings: SettingsRepository
    let agencies: AgencyRepository
    let users: UserRepository
    let sessions: SessionRepository
    let loginAttempts: LoginAttemptRepository
    /// Central accounts tied to local ones, sign-ins under way, officials waiting for a place.
    let identities: ExternalIdentityRepository
    /// The OpenID relying party of the current sign-in settings.
    let sso = SSOService()
    let auditLog: AuditRepository
    let sessionPolicy: SessionPolicy
    let loginThrottle: LoginThrottle
    /// The map doors' tile cache, drawn layers and basemap.
    let map: MapServices
    /// The attribute table's kept orders and the downloads' files.
    let tables: TableServices
    /// The public's copies of the home and map pages.
    let publicPages = PublicPages()
    /// The map service's image size and layer limits (`BANDO_WMS_MAX_SIZE`).
    let wmsLimits = WMSLimits.configured()
    /// Pages of OGC API items as GeoJSON, by version and query (`BANDO_ITEM_PAGES_MB`).
    let featurePages = RecentCache<String, FeaturePages.Page>(
        maxBytes: FeaturePages.configuredBytes(ProcessInfo.processInfo.environment), maxEntryBytes: FeaturePages.maxPageBytes)
    /// How fast one access token may ask.
    let tokenRate = TokenRateLimit.configured()
    /// Requests, tiles, queues and writer waits, served at `/metrics`.
    public let metrics: PortalMetrics
    /// Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed.
    public let trustedProxies: [AddressRange]
    let logger: Logger

    /// The security headers of every response (see `PortalMiddleware.securityHeaders`).
    public static var securityHeaders: HTTPHeaders { PortalMiddleware.securityHeaders }

    /// Where Debian's libjs-leaflet installs Leaflet.
    public static let leafletDirectory = "/usr/share/javascript/leaflet"

    public init(database: SpatialDatabase, resources: Resources, dataDirectory: String,
                maxUploadMegabytes: Int = Portal.defaultMaxUploadMegabytes,
                sessionPolicy: SessionPolicy = SessionPolicy(), loginThrottle: LoginThrottle = LoginThrottle(),
                metrics: PortalMetrics = PortalMetrics(), trustedProxies: [AddressRange] = [],
                logger: Logger = Logger(label: "bando")) throws(PortalError) {
        self.database = database
        self.resources = resources
        self.dataDirectory = dataDirectory
        self.maxUploadMegabytes = max(1, maxUploadMegabytes)
        self.views = try Views(directory: resources.templates)
        self.localizer = try Localizer(directory: resources.locales)
        self.staticFiles = StaticFiles(root: resources.publicFiles)
        self.vendorFiles = StaticFiles(root: Self.leafletDirectory, maxAge: 86_400)
        self.layers = LayerRepository(database)
        self.settings = SettingsRepository(database)
        self.agencies = AgencyRepository(database)
        self.users = UserRepository(database)
        self.sessions = SessionRepository(database)
        self.loginAttempts = LoginAttemptRepository(database)
        self.identities = ExternalIdentityRepository(database)
        self.auditLog = AuditRepository(database)
        self.sessionPolicy = sessionPolicy
        self.loginThrottle = loginThrottle
        self.map = MapServices(database: database, dataDirectory: dataDirectory, logger: logger)
        self.tables = TableServices(dataDirectory: dataDirectory)
        self.metrics = metrics
        let published = map.published
        metrics.readMapBuilds { (published.indexBuildCount, published.overviewBuildCount) }
        self.trustedProxies = trustedProxies
        self.logger = logger
        database.observeWriteWaits { [metrics] wait in metrics.writerWait(wait) }
    }

    /// All routes of the portal.
    public func makeRouter() -> Router {
        let router = Router()
        router.use(PortalMiddleware(trustedProxies: trustedProxies, secureCookies: sessionPolicy.secureCookies,
                                    resolveContext: { [self] request in RequestContext(resolving: request, in: self) },
                                    refuseCredentials: { [self] request in credentialRefusal(request) }))
        router.get("/", fast: { [self] request in keptPublicPage(request) }) { [self] request in
            try keepingPublicPage(request, home)
        }
        router.get("/login") { [self] request in loginForm(request) }
        router.post("/login") { [self] request in try login(request) }
        router.post("/logout") { [self] request in try logout(request) }
        router.get("/login/sso") { [self] request in try startCentralSignIn(request) }
        router.get("/login/sso/callback") { [self] request in try finishCentralSignIn(request) }
        router.get("/profile") { [self] request in
            let language = Localizer.language(for: request)
            return try profile(request, message: request.query("changed") == "1" ? localizer.text("password_changed", language)
                               : request.query("revoked") == "1" ? localizer.text("token_revoked", language) : nil)
        }
        router.post("/profile/password") { [self] request in try changePassword(request) }
        router.post("/profile/tokens") { [self] request in try createToken(request) }
        router.post("/profile/tokens/:id/revoke") { [self] request in try revokeToken(request) }
        router.get("/layers/:slug", fast: { [self] request in keptPublicPage(request) }) { [self] request in
            try keepingPublicPage(request, layerPage)
        }
        router.get("/healthz") { [self] request in health(request) }
        router.get("/metrics") { [self] request in try metricsPage(request) }
        router.get("/lang/:code") { request in Self.switchLanguage(request) }
        router.get("/static/*path", inline: true) { [self] request in
            staticFiles.respond(to: request, relativePath: request.parameters["path"] ?? "")
        }
        router.get("/vendor/leaflet/*path", inline: true) { [self] request in
            vendorFiles.respond(to: request, relativePath: request.parameters["path"] ?? "")
        }
        registerMapRoutes(on: router)
        registerSearchRoutes(on: router)
        registerOGCRoutes(on: router)
        registerVersionRoutes(on: router)
        let desk = registerUploadRoutes(on: router)
        registerAPIRoutes(on: router, desk: desk)
        registerTableRoutes(on: router)
        registerEditingRoutes(on: router)
        registerAdminRoutes(on: router)
        return router
    }

    // MARK: Page context

    /// What every page's layout needs: strings, language switch, portal and province names.
    /// `showUser: false` leaves the visitor's name and sign-out form (with its CSRF token) out,
    /// as error pages do.
    func pageContext(_ request: Request, title: String? = nil, showUser: Bool = true) -> [String: Any] {
        let language = Localizer.language(for: request)
        let other: Language = language == .vi ? .en : .vi
        let strings = localizer.strings(language)
        let signedIn = showUser ? self.signedIn(request) : nil
        let portalName = strings["portal_name"] ?? "Bando"
        var here = request.path
        if let raw = request.target.split(separator: "?", maxSplits: 1).dropFirst().first { here += "?" + raw }
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=?+#")
        return ([
            "t": strings,
            "lang": language.rawValue,
            "other_lang": other.rawValue,
            "other_lang_label": localizer.text("language_name", other),
            "here": here.addingPercentEncoding(withAllowedCharacters: allowed) ?? "/",
            "portal_name": portalName,
            "province_name": (try? settings.get("province_name")) ?? nil ?? "",
            "page_title": title.map { "\($0) · \(portalName)" } ?? portalName,
            "admin_link": administers(signedIn?.actor),
        ] as [String: Any]).merging(optional: ["user": signedIn.map { ["name": $0.actor.displayName, "username": $0.actor.username,
                                                      "csrf": $0.session.csrfToken] }])
    }

    func page(_ template: String, _ request: Request, title: String?, status: Int = 200,
              showUser: Bool = true, _ extra: [String: Any]) -> Response {
        var context = pageContext(request, title: title, showUser: showUser)
        context.merge(extra) { _, new in new }
        return .html(views.render(template, context), status: status)
    }

    // MARK: Errors

    /// The page for any HTTP error: 404 and the rest share the layout; nothing of the error's
    /// internals reaches the visitor beyond its status and a safe message, and no sign-out form
    /// (nor its CSRF token) is on it.
    public func errorPage(_ error: HTTPError, _ request: Request?) -> Response {
        guard let request else {
            return .text("\(error.status) \(error.message)\n", status: error.status)
        }
        let language = Localizer.language(for: request)
        if error.status == 404 {
            return page("not_found", request, title: localizer.text("not_found_title", language), status: 404,
                        showUser: false, ["path": request.path])
        }
        if error.status == 503 {
            logger.warning("\(request.method.rawValue) \(request.target): \(error.message)")
        } else if error.status >= 500 {
            logger.error("\(request.method.rawValue) \(request.target): \(error.message)")
        }
        let message = error.status == 503 ? localizer.text("error_busy", language)
            : error.status >= 500 ? localizer.text("error_internal", language) : error.message
        return page("error", request, title: localizer.text("error_title", language), status: error.status,
                    showUser: false, ["status": error.status, "message": message])
    }

    // MARK: Language switch

    /// `/lang/en?next=/layers/x` sets the language cookie and returns to a local page.
    static func switchLanguage(_ request: Request) -> Response {
        let code = request.parameters["code"] ?? ""
        var response = Response.redirect(to: localTarget(request.query("next")))
        if let language = Language(rawValue: code) {
            response.setCookie(Cookie(name: "lang", value: language.rawValue, maxAge: 31_536_000, httpOnly: false))
        }
        return response
    }
}

extension Dictionary where Key == String, Value == Any {
    /// Adds the entries whose values are present. A nil boxed in `Any` would count as true in a
    /// template section, so absent values must be left out, never stored as nil.
    func merging(optional entries: [String: Any?]) -> [String: Any] {
        var out = self
        for (key, value) in entries { if let value { out[key] = value } }
        return out
    }
}
