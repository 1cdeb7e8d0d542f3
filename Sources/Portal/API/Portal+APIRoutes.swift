import Foundation
import Formats
import HTTP
import Store

/// The JSON API at `/api/v1`: the same layers, versions, uploads, decisions, grants and audit as
/// the pages, for other systems. It takes access tokens only (`Authorization: Bearer`, or Basic
/// with the username and the token), never the session cookie, so no request of another site can
/// act through it and its writes need no CSRF token. Each route asks for its token scope — reads
/// `read` (and the public may read open data without one), uploads `upload`, decisions
/// `approve`, sharing and the audit log `admin` — and then the one access policy, like the page
/// beside it. Errors are problem+json (`APIProblem`).
extension Portal {
    /// Where the API lives.
    static let apiBase = "/api/v1"

    func registerAPIRoutes(on router: Router, desk: UploadDesk) {
        let base = Self.apiBase
        router.get(base) { [self] request in answeringAPI(request) { try apiIndex(request) } }
        router.get(base + "/openapi.json") { [self] request in
            answeringAPI(request) {
                _ = try apiReader(request)
                return apiJSON(APIOpenAPI.document(base: apiURL(request, Self.apiBase)))
            }
        }
        router.get(base + "/me") { [self] request in answeringAPI(request) { try apiMe(request) } }
        router.get(base + "/layers") { [self] request in answeringAPI(request) { try apiLayers(request) } }
        router.post(base + "/layers", maxBody: uploadBodyLimit) { [self] request in
            answeringAPI(request) { try apiUpload(request, desk) }
        }
        router.get(base + "/layers/:slug") { [self] request in answeringAPI(request) { try apiLayer(request) } }
        router.get(base + "/layers/:slug/features") { [self] request in answeringAPI(request) { try apiFeatures(request) } }
        router.get(base + "/layers/:slug/versions") { [self] request in answeringAPI(request) { try apiVersions(request) } }
        router.post(base + "/layers/:slug/versions", maxBody: uploadBodyLimit) { [self] request in
            answeringAPI(request) { try apiUpload(request, desk) }
        }
        router.get(base + "/layers/:slug/versions/:number") { [self] request in answeringAPI(request) { try apiVersion(request) } }
        router.post(base + "/layers/:slug/versions/:number/publish") { [self] request in
            answeringAPI(request) { try apiDecide(request, publish: true) }
        }
        router.post(base + "/layers/:slug/versions/:number/reject") { [self] request in
            answeringAPI(request) { try apiDecide(request, publish: false) }
        }
        router.get(base + "/layers/:slug/grants") { [self] request in answeringAPI(request) { try apiGrantList(request) } }
        router.get(base + "/layers/:slug/grants/:agency") { [self] request in answeringAPI(request) { try apiGrant(request) } }
        router.add(.PUT, base + "/layers/:slug/grants/:agency") { [self] request in answeringAPI(request) { try apiPutGrant(request) } }
        router.add(.DELETE, base + "/layers/:slug/grants/:agency") { [self] request in answeringAPI(request) { try apiDeleteGrant(request) } }
        router.get(base + "/agencies") { [self] request in answeringAPI(request) { try apiAgencies(request) } }
        router.get(base + "/audit") { [self] request in answeringAPI(request) { try apiAudit(request) } }
        router.get(base + "/imports/:id") { [self] request in answeringAPI(request) { try apiImport(request, desk) } }
        for method in [HTTPMethod.GET, .POST, .PUT, .DELETE] {
            router.add(method, "/api/*path") { [self] request in answeringAPI(request) { throw APIProblem.notFound } }
        }
    }

    /// Runs an API handler and answers its errors as problem+json: a refused or missing thing is
    /// the one 404, a busy writer 503 with `Retry-After`, anything unforeseen a logged 500.
    func answeringAPI(_ request: Request, _ body: () throws -> Response) -> Response {
        do {
            return try body()
        } catch let problem as APIProblem {
            return problem.response
        } catch let error as FeaturesError {
            return error.status == 404 ? APIProblem.notFound.response
                : APIProblem(status: error.status, code: "invalid_parameter", title: "Invalid parameter", detail: error.description,
                             parameter: error.description.split(separator: ":").first.map(String.init)).response
        } catch let error as HTTPError {
            switch error.status {
            case 404: return APIProblem.notFound.response
            case 503: return APIProblem.busy().response
            case 400..<500:
                return APIProblem(status: error.status, code: "bad_request", title: Self.reason(error.status), detail: error.message).response
            default:
                logger.error("\(request.method.rawValue) \(request.path): \(error.message)")
                return APIProblem.serverError.response
            }
        } catch {
            logger.error("\(request.method.rawValue) \(request.path): \(error)")
            return APIProblem.serverError.response
        }
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 400: return "Bad Request"
        case 405: return "Method Not Allowed"
        case 409: return "Conflict"
        case 413: return "Content Too Large"
        case 415: return "Unsupported Media Type"
        case 422: return "Unprocessable Content"
        case 429: return "Too Many Requests"
        default: return "Request refused"
        }
    }

    // MARK: Who asks

    /// The reader of an API route: the token's user, or nil for the public. A token without the
    /// `read` scope is refused.
    func apiReader(_ request: Request) throws -> Actor? {
        guard let token = (request.context as? RequestContext)?.token else { return nil }
        guard token.scopes.contains(.read) else { throw APIProblem.insufficientScope(TokenScope.read.rawValue) }
        return actor(for: request)
    }

    /// The actor of a route that needs `scope`: 401 without a token, 403 when the token lacks it.
    func apiActor(_ request: Request, _ scope: TokenScope) throws -> Actor {
        guard let context = request.context as? RequestContext, let token = context.token, let actor = context.actor else {
            throw APIProblem.unauthenticated
        }
        guard token.scopes.contains(scope) else { throw APIProblem.insufficientScope(scope.rawValue) }
        return actor
    }

    // MARK: Answers

    /// A JSON answer, never kept by a cache (what a token sees is its own).
    func apiJSON(_ value: JSONValue, status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) -> Response {
        var response = Response(status: status, headers: ["Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"],
                                body: .bytes(value.jsonBytes))
        for (name, value) in headers { response.headers[name] = value }
        return response
    }

    /// The request's JSON body as an object (an empty body is an empty object); 415 for another
    /// media type, 400 naming where the text stops being JSON.
    func apiBody(_ request: Request) throws -> JSONValue {
        let bytes: [UInt8]
        switch request.body {
        case .none: return [:]
        case .bytes(let held): bytes = held
        case .file: throw APIProblem(status: 413, code: "body_too_large", title: "Content Too Large", detail: "This route takes a small JSON body.")
        }
        if bytes.isEmpty { return [:] }
        let type = (request.headers["Content-Type"] ?? "").lowercased()
        guard type.hasPrefix("application/json") || type.hasSuffix("+json") || type.contains("+json;") else {
            throw APIProblem(status: 415, code: "unsupported_media_type", title: "Unsupported Media Type",
                             detail: "Send the body as application/json.")
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw APIProblem(status: 400, code: "invalid_json", title: "Invalid JSON", detail: "The body is not JSON: \(error.message)", pointer: "")
        }
        guard case .object = value else { throw APIProblem.invalidMember("", "the body must be a JSON object", status: 400) }
        return value
    }

    /// The text member `name` of a body, trimmed: nil when absent; 422 when not a one-line string
    /// of at most `maxLength` characters.
    func apiText(_ body: JSONValue, _ name: String, maxLength: Int) throws -> String? {
        guard let value = body[name], value != .null else { return nil }
        guard let text = value.string else { throw APIProblem.invalidMember("/" + name, "must be a string") }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= maxLength else { throw APIProblem.invalidMember("/" + name, "is longer than \(maxLength) characters") }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" }) else {
            throw APIProblem.invalidMember("/" + name, "holds control characters")
        }
        return trimmed
    }

    /// A whole-number query parameter within `range`, or `fallback` when absent.
    func apiInteger(_ request: Request, _ name: String, in range: ClosedRange<Int>, default fallback: Int) throws -> Int {
        guard let text = request.query(name) else { return fallback }
        guard text.utf8.count <= 9, let value = Int(text), range.contains(value) else {
            throw APIProblem.invalidParameter(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// The absolute URL of `path` on this portal.
    func apiURL(_ request: Request, _ path: String) -> String { serviceBase(request) + path }

    /// A link object.
    static func apiLink(_ href: String, rel: String, type: String = "application/json", title: String? = nil) -> JSONValue {
        .members([("href", .string(href)), ("rel", .string(rel)), ("type", .string(type)), ("title", title.map(JSONValue.string))])
    }

    /// `GET /api/v1`: where everything is.
    func apiIndex(_ request: Request) throws -> Response {
        _ = try apiReader(request)
        let base = apiURL(request, Self.apiBase)
        return apiJSON([
            "title": "Bando API",
            "version": "1",
            "links": [
                Self.apiLink(base, rel: "self"),
                Self.apiLink(base + "/openapi.json", rel: "service-desc", type: "application/vnd.oai.openapi+json;version=3.1",
                             title: "OpenAPI 3.1"),
                Self.apiLink(base + "/me", rel: "me"),
                Self.apiLink(base + "/layers", rel: "layers"),
                Self.apiLink(base + "/agencies", rel: "agencies"),
                Self.apiLink(base + "/audit", rel: "audit"),
                Self.apiLink(apiURL(request, "/ogc"), rel: "ogc-features", title: "OGC API - Features"),
                Self.apiLink(apiURL(request, "/ows?SERVICE=WMS&REQUEST=GetCapabilities"), rel: "wms", type: "text/xml", title: "WMS 1.3.0"),
            ],
        ])
    }

    /// `GET /api/v1/me`: the token's user, agency, role and the token's own scopes.
    func apiMe(_ request: Request) throws -> Response {
        guard let context = request.context as? RequestContext, let token = context.token, let actor = context.actor else {
            throw APIProblem.unauthenticated
        }
        let agency = try agencies.find(id: actor.agencyID)
        return apiJSON([
            "username": .string(actor.username),
            "displayName": .string(actor.displayName),
            "role": .string(actor.role.rawValue),
            "agency": ["code": .string(actor.agencyCode), "name": .string(agency?.name ?? actor.agencyCode)],
            "token": .members([
                ("name", .string(token.name)),
                ("scopes", .array(token.scopes.sorted().map { .string($0.rawValue) })),
                ("expiresAt", token.expiresAt.map { .string(ISO8601DateFormatter().string(from: $0)) }),
            ]),
        ])
    }
}
