import Crypto
import Foundation
import _CryptoExtras

/// What an ID token must say to sign someone in (OpenID Connect Core §3.1.3.7).
public struct IDTokenExpectations: Sendable {
    public var issuer: String
    public var clientID: String
    public var nonce: String
    public var now: Date
    /// How far the provider's clock may be from ours, either way.
    public var clockSkew: TimeInterval

    public init(issuer: String, clientID: String, nonce: String, now: Date = Date(), clockSkew: TimeInterval = 120) {
        self.issuer = issuer
        self.clientID = clientID
        self.nonce = nonce
        self.now = now
        self.clockSkew = clockSkew
    }
}

/// Checks of a signed ID token: a compact JWS signed with one of the provider's RSA keys.
public enum IDToken {
    /// Algorithms accepted; `none`, HMAC and the rest are refused, whatever the header says.
    public static let algorithms: Set<String> = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]

    /// The claims of `token` once its signature, issuer, audience, times and nonce hold.
    public static func verify(_ token: String, keys: JSONWebKeySet, expecting: IDTokenExpectations) throws(OIDCError) -> JSONObject {
        guard token.utf8.count <= 16_384 else { throw .invalidToken("longer than 16 KB") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]), let claimBytes = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]),
              let header = JSONObject(json: headerBytes), let claims = JSONObject(json: claimBytes) else {
            throw .invalidToken("not a signed JWT in compact form")
        }
        guard let algorithm = header.string("alg"), algorithms.contains(algorithm) else {
            throw .invalidToken("algorithm \(header.string("alg") ?? "(none)") is not accepted")
        }
        if header.members["crit"] != nil { throw .invalidToken("critical header parameters are not understood") }
        guard let key = keys.key(id: header.string("kid")) else {
            throw .invalidToken("no key \(header.string("kid") ?? "(without kid)") in the provider's key set")
        }
        if let only = key.algorithm, only != algorithm { throw .invalidToken("key \(key.id ?? "") is for \(only), not \(algorithm)") }
        let signingInput = Array((parts[0] + "." + parts[1]).utf8)
        guard isValid(signature, signingInput, algorithm, key.rsa) else { throw .invalidToken("the signature does not verify") }
        try check(claims, expecting)
        return claims
    }

    static func isValid(_ signature: [UInt8], _ input: [UInt8], _ algorithm: String, _ key: _RSA.Signing.PublicKey) -> Bool {
        let rsaSignature = _RSA.Signing.RSASignature(rawRepresentation: signature)
        let padding: _RSA.Signing.Padding = algorithm.hasPrefix("PS") ? .PSS : .insecurePKCS1v1_5
        switch algorithm.suffix(3) {
        case "256": return key.isValidSignature(rsaSignature, for: SHA256.hash(data: input), padding: padding)
        case "384": return key.isValidSignature(rsaSignature, for: SHA384.hash(data: input), padding: padding)
        case "512": return key.isValidSignature(rsaSignature, for: SHA512.hash(data: input), padding: padding)
        default: return false
        }
    }

    /// The claim checks, apart from the signature.
    static func check(_ claims: JSONObject, _ expecting: IDTokenExpectations) throws(OIDCError) {
        guard claims.string("iss") == expecting.issuer else {
            throw .invalidToken("issued by \(claims.string("iss") ?? "(nobody)"), not \(expecting.issuer)")
        }
        guard let audience = claims.strings("aud"), audience.contains(expecting.clientID) else {
            throw .invalidToken("not meant for client \(expecting.clientID)")
        }
        if audience.count > 1 || claims.members["azp"] != nil {
            guard claims.string("azp") == expecting.clientID else { throw .invalidToken("authorized party is not \(expecting.clientID)") }
        }
        guard let subject = claims.string("sub"), !subject.isEmpty, subject.utf8.count <= 255 else {
            throw .invalidToken("no subject")
        }
        let now = expecting.now.timeIntervalSince1970
        guard let expiry = claims.number("exp") else { throw .invalidToken("no expiry") }
        guard now < expiry + expecting.clockSkew else { throw .invalidToken("expired") }
        guard let issuedAt = claims.number("iat") else { throw .invalidToken("no issue time") }
        guard issuedAt <= now + expecting.clockSkew else { throw .invalidToken("issued in the future") }
        if let notBefore = claims.number("nbf"), notBefore > now + expecting.clockSkew {
            throw .invalidToken("not valid yet")
        }
        guard let nonce = claims.string("nonce"), constantTimeEqual(nonce, expecting.nonce) else {
            throw .invalidToken("the nonce is not the one this sign-in sent")
        }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
