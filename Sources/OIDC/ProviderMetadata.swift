import Foundation

/// What the provider's discovery document says of it (OpenID Connect Discovery 1.0 §3).
public struct ProviderMetadata: Sendable {
    public let issuer: String
    public let authorizationEndpoint: URL
    public let tokenEndpoint: URL
    public let jwksURI: URL
    public let tokenAuthMethods: [String]
    public let codeChallengeMethods: [String]

    /// The document at `issuer/.well-known/openid-configuration`, which must name the same issuer.
    public init(json bytes: some Sequence<UInt8>, expectedIssuer: String) throws(OIDCError) {
        guard let document = JSONObject(json: bytes) else { throw .provider("the discovery document is not a JSON object") }
        guard let issuer = document.string("issuer") else { throw .provider("the discovery document names no issuer") }
        guard issuer == expectedIssuer else {
            throw .configuration("the provider calls itself \(issuer), not \(expectedIssuer)")
        }
        func endpoint(_ name: String) throws(OIDCError) -> URL {
            guard let text = document.string(name), let url = URL(string: text) else {
                throw .provider("the discovery document has no \(name)")
            }
            try ProviderFetch.checkTransport(url)
            return url
        }
        self.issuer = issuer
        authorizationEndpoint = try endpoint("authorization_endpoint")
        tokenEndpoint = try endpoint("token_endpoint")
        jwksURI = try endpoint("jwks_uri")
        tokenAuthMethods = document.strings("token_endpoint_auth_methods_supported") ?? ["client_secret_basic"]
        codeChallengeMethods = document.strings("code_challenge_methods_supported") ?? []
    }
}
