import Foundation
import HTTP
import Store

/// How a request to a service door presents a personal access token.
enum TokenCredential: Sendable, Equatable {
    /// No Authorization header: the request goes on as its session (or the public).
    case none
    /// A usable token of an enabled user: the request acts as that user, within the token's scopes.
    case valid(actor: Actor, token: AccessToken)
    /// An Authorization header that names no usable token (unknown, revoked, expired, another
    /// user's name with it, a malformed header): refused with 401.
    case invalid
}

/// Making personal access tokens, for `/profile` and `bando token create` alike.
public enum AccessTokens {
    /// The scopes a user of `role` may give a token: never more than the role allows.
    public static func allowed(for role: Role) -> Set<TokenScope> {
        switch role {
        case .viewer: return [.read]
        case .editor: return [.read, .upload]
        case .approver: return [.read, .approve]
        case .admin: return [.read, .upload, .admin]
        case .sysadmin: return [.read, .admin]
        }
    }

    /// Why a token cannot be made: in English for the command line (`description`), in the
    /// person's language on the profile page (`localized`).
    public enum Refusal: Error, CustomStringConvertible, Equatable {
        case badName
        case noScope
        case beyondRole(role: Role, scopes: Set<TokenScope>)
        case lifetime
        case tooMany

        public var description: String {
            switch self {
            case .badName: return "the token's name must be 1 to 80 characters"
            case .noScope: return "give the token at least one scope"
            case .beyondRole(let role, let scopes): return "a \(role.rawValue) cannot give a token the scopes \(TokenScope.text(scopes))"
            case .lifetime: return "a token lives 1 to \(AccessTokenRepository.maxDays) days"
            case .tooMany: return "a user holds at most \(AccessTokenRepository.maxPerUser) tokens; revoke one first"
            }
        }

        /// The refusal in `language`, from the `token_refused_*` texts.
        func localized(_ localizer: Localizer, _ language: Language) -> String {
            switch self {
            case .badName: return localizer.text("token_refused_name", language)
            case .noScope: return localizer.text("token_refused_scope", language)
            case .beyondRole(_, let scopes):
                return String(format: localizer.text("token_refused_role", language),
                              scopes.map(\.rawValue).sorted().map { localizer.text("token_scope_" + $0, language) }.joined(separator: ", "))
            case .lifetime: return String(format: localizer.text("token_refused_days", language), AccessTokenRepository.maxDays)
            case .tooMany: return String(format: localizer.text("token_refused_many", language), AccessTokenRepository.maxPerUser)
            }
        }
    }

    /// Makes a token for `user` and returns its id and its secret — shown once, stored hashed.
    public static func create(_ database: SpatialDatabase, user: User, agencyCode: String, name: String,
                              scopes: Set<TokenScope>, expiresInDays days: Int?, clientAddress: String?) throws -> (id: Int64, secret: String) {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...80).contains(name.count) else { throw Refusal.badName }
        guard !scopes.isEmpty else { throw Refusal.noScope }
        let beyond = scopes.subtracting(allowed(for: user.role))
        guard beyond.isEmpty else { throw Refusal.beyondRole(role: user.role, scopes: beyond) }
        if let days, !(1...AccessTokenRepository.maxDays).contains(days) { throw Refusal.lifetime }
        // The repository checks again in its transaction; this gives the reason in words.
        let held = try AccessTokenRepository(database).list(userID: user.id).filter { $0.revokedAt == nil }.count
        guard held < AccessTokenRepository.maxPerUser else { throw Refusal.tooMany }
        let secret = "bando_" + Tokens.random(bytes: 32)
        let expires = days.map { Date().addingTimeInterval(Double($0) * 86_400) }
        let id = try AccessTokenRepository(database).create(
            userID: user.id, name: name, tokenHash: Tokens.hash(secret), scopes: scopes, expiresAt: expires,
            audit: AuditEntry(userID: user.id, username: user.username, agencyID: user.agencyID, action: "token.create",
                              target: user.username, detail: "name=\(name); scopes=\(TokenScope.text(scopes)); days=\(days.map(String.init) ?? "none")",
                              clientAddress: clientAddress))
        return (id, secret)
    }
}

extension Portal {
    /// The doors that take a token: the OGC services, the tiles and legends their documents
    /// point at, and the download files. Pages never do (their forms rest on the session and
    /// its CSRF token).
    static func acceptsTokens(_ path: String) -> Bool {
        isAPI(path) || path == "/ows" || path == "/wms" || path.hasPrefix("/wmts/") || path == "/ogc" || path.hasPrefix("/ogc/")
            || path.hasPrefix("/tiles/") || path.hasPrefix("/legend/") || isDownload(path)
    }

    /// Whether `path` is the JSON API's, which takes tokens only and never the session.
    static func isAPI(_ path: String) -> Bool { path == "/api" || path.hasPrefix("/api/") }

    /// Whether `path` is a layer's download file (`/layers/{slug}/download.{format}` or
    /// `/layers/{slug}/versions/{n}/download.{format}`).
    static func isDownload(_ path: String) -> Bool {
        guard path.hasPrefix("/layers/") else { return false }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4 || (parts.count == 6 && parts[3] == "versions"),
              let last = parts.last, last.hasPrefix("download.") else { return false }
        return LayerExport.Format(rawValue: String(last.dropFirst("download.".count))) != nil
    }

    /// The token of the request's Authorization header: `Bearer <token>`, or `Basic` with the
    /// token's user and the token as the password (what QGIS can send). A token in the URL is
    /// never read.
    func lookUpToken(_ request: Request) -> TokenCredential {
        guard let header = request.headers["Authorization"]?.trimmingCharacters(in: .whitespaces), !header.isEmpty else {
            return .none
        }
        var secret: String?
        var username: String?
        let lower = header.lowercased()
        if lower.hasPrefix("bearer ") {
            secret = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        } else if lower.hasPrefix("basic "), let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                  let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":") {
            username = String(pair[..<colon])
            secret = String(pair[pair.index(after: colon)...])
        }
        guard let secret, secret.hasPrefix("bando_"), secret.utf8.count < 120 else { return .invalid }
        let hash = Tokens.hash(secret)
        guard let found = try? AccessTokenRepository(database).findActive(tokenHash: hash) else { return .invalid }
        if let username, username.lowercased() != found.user.username.lowercased() { return .invalid }
        let now = Date()
        if AccessTokenRepository.date(found.token.lastUsedAt).map({ now.timeIntervalSince($0) > 60 }) ?? true {
            try? AccessTokenRepository(database).touch(id: found.token.id, tokenHash: hash, at: now)
        }
        let user = found.user
        return .valid(actor: Actor(userID: user.id, username: user.username, displayName: user.displayName,
                                   agencyID: user.agencyID, agencyCode: found.agencyCode, role: user.role),
                      token: found.token)
    }

    /// The answer to a service door's request whose token is refused (401, asking for Basic or
    /// Bearer), or whose token lacks the `read` scope (403), in the door's own error format; nil
    /// when the request may go on.
    func credentialRefusal(_ request: Request) -> Response? {
        guard Self.acceptsTokens(request.path), let context = request.context as? RequestContext else { return nil }
        let status: Int, message: String
        var wait: Int?
        switch context.credential {
        case .none: return nil
        case .valid(_, let token):
            if !token.scopes.contains(.read) && !Self.isAPI(request.path) {
                // The API's routes each ask for their own scope.
                (status, message) = (403, "This token has no read scope")
            } else if let seconds = tokenRate.take(token.id) {
                wait = seconds
                (status, message) = (429, "This token asks faster than \(Int(tokenRate.perSecond)) requests a second; wait \(seconds) s")
            } else {
                return nil
            }
        case .invalid:
            (status, message) = (401, "The credentials are not a valid access token of this portal")
        }
        var response: Response
        if Self.isAPI(request.path) {
            let code = status == 401 ? "invalid_token" : "rate_limited"
            response = APIProblem(status: status, code: code, title: status == 401 ? "Unauthorized" : "Too Many Requests",
                                  detail: message).response
        } else if request.path.hasPrefix("/ogc") {
            let code = status == 401 ? "Unauthorized" : status == 429 ? "TooManyRequests" : "Forbidden"
            response = FeaturesError(status: status, code: code, description: message).response
        } else if request.path == "/ows" || request.path == "/wms" || request.path.hasPrefix("/wmts/") {
            if OGCParameters(request).nonEmpty("SERVICE")?.uppercased() == "WMTS" || request.path.hasPrefix("/wmts/") {
                response = OWSException(.noApplicableCode, message, status: status).response
            } else {
                response = ServiceException(nil, message, status: status).response
            }
        } else {
            response = Response(status: status, headers: ["Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"],
                                body: .bytes(Array((message + "\n").utf8)))
        }
        if status == 401 { response.headers["WWW-Authenticate"] = "Basic realm=\"Bando\", charset=\"UTF-8\"" }
        if let wait { response.headers["Retry-After"] = String(wait) }
        return response
    }
}

extension Portal {
    /// Records a download made through a token (sessions' reads of the doors are not audited
    /// one by one; a token's are, so its owner can see what another system took).
    func auditTokenDownload(_ request: Request, _ action: String, layer slug: String, detail: String) {
        guard (request.context as? RequestContext)?.token != nil else { return }
        audit(request, action, target: slug, detail: detail)
    }
}
