import Foundation

/// The portal as an OpenID Connect relying party: the authorization code flow with PKCE (S256),
/// `state` and `nonce`, a confidential client. Discovery and keys are fetched on first use and
/// kept for an hour; an unknown key id fetches the keys again (at most once a minute), so the
/// provider can rotate its keys.
public final class OpenIDClient: @unchecked Sendable {
    public struct Configuration: Sendable, Equatable {
        public var issuer: String
        public var clientID: String
        public var clientSecret: String
        public var redirectURI: String
        public var scope: String
        public var clockSkew: TimeInterval

        public init(issuer: String, clientID: String, clientSecret: String, redirectURI: String,
                    scope: String = "openid profile email", clockSkew: TimeInterval = 120) {
            self.issuer = issuer
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.redirectURI = redirectURI
            self.scope = scope
            self.clockSkew = clockSkew
        }
    }

    public let configuration: Configuration
    private let lock = NSLock()
    private var metadata: (value: ProviderMetadata, fetched: Date)?
    private var keys: (value: JSONWebKeySet, fetched: Date)?
    static let keepFor: TimeInterval = 3600

    public init(_ configuration: Configuration) { self.configuration = configuration }

    /// HTTPS, or plain HTTP to this machine only: the client secret and ID tokens never cross a
    /// network in clear.
    public static func checkTransport(_ url: URL) throws(OIDCError) { try ProviderFetch.checkTransport(url) }

    /// The provider's discovery document, fetched when not known or older than an hour.
    public func providerMetadata(now: Date = Date()) throws(OIDCError) -> ProviderMetadata {
        if let kept = lock.withLock({ metadata }), now.timeIntervalSince(kept.fetched) < Self.keepFor { return kept.value }
        var base = configuration.issuer
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base + "/.well-known/openid-configuration") else {
            throw .configuration("the issuer \(configuration.issuer) is not a URL")
        }
        let answer = try ProviderFetch.get(url)
        guard answer.status == 200 else { throw .provider("discovery answered \(answer.status)") }
        let value = try ProviderMetadata(json: answer.body, expectedIssuer: configuration.issuer)
        lock.withLock { metadata = (value, now) }
        return value
    }

    /// Where to send the browser to sign in.
    public func authorizationURL(state: String, nonce: String, pkce: PKCE) throws(OIDCError) -> String {
        let endpoint = try providerMetadata().authorizationEndpoint
        guard var components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false) else {
            throw .provider("the authorization endpoint is not a URL")
        }
        let parameters = [
            ("response_type", "code"), ("client_id", configuration.clientID), ("redirect_uri", configuration.redirectURI),
            ("scope", configuration.scope), ("state", state), ("nonce", nonce),
            ("code_challenge", pkce.challenge), ("code_challenge_method", "S256"),
        ]
        let existing = components.percentEncodedQuery.map { $0 + "&" } ?? ""
        components.percentEncodedQuery = existing + parameters.map { ProviderFetch.formEncode($0.0) + "=" + ProviderFetch.formEncode($0.1) }
            .joined(separator: "&")
        guard let url = components.string else { throw .provider("the authorization endpoint is not a URL") }
        return url
    }

    /// Trades an authorization code for tokens at the token endpoint, then verifies the ID token;
    /// returns its claims.
    public func redeem(code: String, pkce: PKCE, nonce: String, now: Date = Date()) throws(OIDCError) -> JSONObject {
        let provider = try providerMetadata(now: now)
        var fields = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", configuration.redirectURI),
                      ("code_verifier", pkce.verifier)]
        var basic: (String, String)? = (configuration.clientID, configuration.clientSecret)
        if !provider.tokenAuthMethods.contains("client_secret_basic"), provider.tokenAuthMethods.contains("client_secret_post") {
            basic = nil
            fields += [("client_id", configuration.clientID), ("client_secret", configuration.clientSecret)]
        }
        let answer = try ProviderFetch.postForm(provider.tokenEndpoint, fields, basic: basic)
        guard let body = JSONObject(json: answer.body) else {
            throw .provider("the token endpoint answered \(answer.status) without JSON")
        }
        guard answer.status == 200 else {
            let error = body.string("error") ?? "status \(answer.status)"
            throw .refused([error, body.string("error_description")].compactMap { $0 }.joined(separator: ": "))
        }
        guard let idToken = body.string("id_token") else { throw .provider("the token endpoint gave no ID token") }
        let expecting = IDTokenExpectations(issuer: configuration.issuer, clientID: configuration.clientID, nonce: nonce,
                                            now: now, clockSkew: configuration.clockSkew)
        do {
            return try IDToken.verify(idToken, keys: try signingKeys(now: now), expecting: expecting)
        } catch .invalidToken(let reason) where reason.hasPrefix("no key") {
            // The provider may have rotated its keys since they were fetched.
            return try IDToken.verify(idToken, keys: try signingKeys(now: now, refresh: true), expecting: expecting)
        }
    }

    func signingKeys(now: Date, refresh: Bool = false) throws(OIDCError) -> JSONWebKeySet {
        if let kept = lock.withLock({ keys }) {
            let age = now.timeIntervalSince(kept.fetched)
            if refresh ? age < 60 : age < Self.keepFor { return kept.value }
        }
        let answer = try ProviderFetch.get(try providerMetadata(now: now).jwksURI)
        guard answer.status == 200 else { throw .provider("the key set answered \(answer.status)") }
        let value = try JSONWebKeySet(json: answer.body)
        lock.withLock { keys = (value, now) }
        return value
    }
}
