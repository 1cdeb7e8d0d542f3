import Crypto
import Foundation
import Testing
import _CryptoExtras
@testable import OIDC

/// The ID token checks, on tokens this test signs with its own RSA key: every check the relying
/// party makes is shown to refuse what it must and to accept a good token.
@Suite struct IDTokenTests {
    static let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let otherKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// The key set a provider would serve for `key`, as JSON.
    static func jwks(_ key: _RSA.Signing.PrivateKey = key, kid: String = "k1", alg: String? = "RS256", extra: String = "") throws -> [UInt8] {
        let primitives = try key.publicKey.getKeyPrimitives()
        let algMember = alg.map { #","alg":"\#($0)""# } ?? ""
        return Array(#"{"keys":[\#(extra){"kty":"RSA","use":"sig","kid":"\#(kid)"\#(algMember),"n":"\#(Base64URL.encode(primitives.modulus))","e":"\#(Base64URL.encode(primitives.publicExponent))"}]}"#.utf8)
    }

    static func claims(_ overrides: [String: Any] = [:], removing: [String] = []) -> [String: Any] {
        var base: [String: Any] = [
            "iss": "https://sso.example.vn/oidc", "aud": "bando", "sub": "u-17", "nonce": "n-1",
            "iat": now.timeIntervalSince1970 - 10, "exp": now.timeIntervalSince1970 + 600,
            "preferred_username": "nguyen.van.a",
        ]
        base.merge(overrides) { _, new in new }
        for name in removing { base[name] = nil }
        return base
    }

    /// A compact JWS of `claims` with `header`, signed by `key` (RS256 unless the header says PS256).
    static func token(_ claims: [String: Any], header: [String: Any] = ["alg": "RS256", "kid": "k1", "typ": "JWT"],
                      key: _RSA.Signing.PrivateKey = key) throws -> String {
        let h = Base64URL.encode(try JSONSerialization.data(withJSONObject: header))
        let c = Base64URL.encode(try JSONSerialization.data(withJSONObject: claims))
        let input = Array((h + "." + c).utf8)
        let padding: _RSA.Signing.Padding = (header["alg"] as? String)?.hasPrefix("PS") == true ? .PSS : .insecurePKCS1v1_5
        let signature = try key.signature(for: SHA256.hash(data: input), padding: padding)
        return h + "." + c + "." + Base64URL.encode(signature.rawRepresentation)
    }

    static let expecting = IDTokenExpectations(issuer: "https://sso.example.vn/oidc", clientID: "bando", nonce: "n-1",
                                               now: now, clockSkew: 120)

    func verify(_ token: String, keys: [UInt8]? = nil, _ expecting: IDTokenExpectations = IDTokenTests.expecting) throws -> JSONObject {
        try IDToken.verify(token, keys: try JSONWebKeySet(json: keys ?? Self.jwks()), expecting: expecting)
    }

    func refusal(_ token: String, keys: [UInt8]? = nil, _ expecting: IDTokenExpectations = IDTokenTests.expecting) -> String? {
        do {
            _ = try verify(token, keys: keys, expecting)
            return nil
        } catch let error as OIDCError {
            guard case .invalidToken(let reason) = error else { return "other: \(error)" }
            return reason
        } catch {
            return "other: \(error)"
        }
    }

    @Test func aGoodTokenGivesItsClaims() throws {
        let claims = try verify(try Self.token(Self.claims()))
        #expect(claims.string("preferred_username") == "nguyen.van.a")
        #expect(claims.string("sub") == "u-17")
    }

    @Test func psSignaturesVerifyToo() throws {
        let token = try Self.token(Self.claims(), header: ["alg": "PS256", "kid": "k1"])
        #expect(try verify(token, keys: try Self.jwks(alg: nil)).string("sub") == "u-17")
    }

    @Test func unsignedAndHMACTokensAreRefused() throws {
        let body = Base64URL.encode(try JSONSerialization.data(withJSONObject: Self.claims()))
        let none = Base64URL.encode(Array(#"{"alg":"none"}"#.utf8)) + "." + body + "."
        #expect(refusal(none)?.contains("algorithm none") == true)
        let hmac = Base64URL.encode(Array(#"{"alg":"HS256","kid":"k1"}"#.utf8)) + "." + body + "." + Base64URL.encode([1, 2, 3])
        #expect(refusal(hmac)?.contains("HS256") == true)
    }

    @Test func aChangedPayloadOrAnotherKeysSignatureIsRefused() throws {
        let good = try Self.token(Self.claims())
        let parts = good.split(separator: ".").map(String.init)
        let forged = Base64URL.encode(try JSONSerialization.data(withJSONObject: Self.claims(["preferred_username": "sysadmin"])))
        #expect(refusal(parts[0] + "." + forged + "." + parts[2]) == "the signature does not verify")
        #expect(refusal(try Self.token(Self.claims(), key: Self.otherKey)) == "the signature does not verify")
    }

    @Test func anUnknownKeyIdOrAKeyForAnotherAlgorithmIsRefused() throws {
        #expect(refusal(try Self.token(Self.claims(), header: ["alg": "RS256", "kid": "k9"]))?.hasPrefix("no key k9") == true)
        #expect(refusal(try Self.token(Self.claims(), header: ["alg": "PS256", "kid": "k1"]))?.contains("is for RS256") == true)
    }

    @Test func issuerAudienceAndAuthorizedPartyMustBeOurs() throws {
        #expect(refusal(try Self.token(Self.claims(["iss": "https://evil.example/oidc"])))?.hasPrefix("issued by https://evil.example") == true)
        #expect(refusal(try Self.token(Self.claims(["aud": "another-client"]))) == "not meant for client bando")
        #expect(refusal(try Self.token(Self.claims(["aud": ["bando", "other"]]))) == "authorized party is not bando")
        #expect(try verify(try Self.token(Self.claims(["aud": ["bando", "other"], "azp": "bando"]))).string("sub") == "u-17")
        #expect(refusal(try Self.token(Self.claims(["azp": "other"]))) == "authorized party is not bando")
        #expect(refusal(try Self.token(Self.claims(removing: ["sub"]))) == "no subject")
    }

    @Test func timesHoldWithinTheClockSkewAndNoFurther() throws {
        let t = Self.now.timeIntervalSince1970
        #expect(refusal(try Self.token(Self.claims(["exp": t - 60]))) == nil, "expired a minute ago: inside two minutes of skew")
        #expect(refusal(try Self.token(Self.claims(["exp": t - 121]))) == "expired")
        #expect(refusal(try Self.token(Self.claims(["iat": t + 60]))) == nil)
        #expect(refusal(try Self.token(Self.claims(["iat": t + 121]))) == "issued in the future")
        #expect(refusal(try Self.token(Self.claims(["nbf": t + 300]))) == "not valid yet")
        #expect(refusal(try Self.token(Self.claims(removing: ["exp"]))) == "no expiry")
        #expect(refusal(try Self.token(Self.claims(["exp": true]))) == "no expiry", "a boolean is not a time")
    }

    @Test func theNonceMustBeThisSignInsOwn() throws {
        #expect(refusal(try Self.token(Self.claims(["nonce": "n-2"]))) == "the nonce is not the one this sign-in sent")
        #expect(refusal(try Self.token(Self.claims(removing: ["nonce"]))) == "the nonce is not the one this sign-in sent")
    }

    @Test func malformedTokensAreRefusedNotCrashedOn() throws {
        for junk in ["", "a.b", "a.b.c.d", "!!.??.**", "e30.e30.", String(repeating: "a", count: 20_000)] {
            #expect(refusal(junk) != nil, "\(junk.prefix(20))")
        }
    }

    @Test func keySetsKeepSigningRSAKeysOnly() throws {
        let withOthers = try Self.jwks(extra: #"{"kty":"EC","crv":"P-256","x":"AA","y":"AA","kid":"ec"},{"kty":"RSA","use":"enc","kid":"e","n":"AQAB","e":"AQAB"},"#)
        let set = try JSONWebKeySet(json: withOthers)
        #expect(set.keys.map(\.id) == ["k1"])
        #expect(set.key(id: nil)?.id == "k1", "without kid, the only key")
        #expect(throws: OIDCError.self) { try JSONWebKeySet(json: Array("[]".utf8)) }
    }

    @Test func pkceFollowsRFC7636() {
        // RFC 7636 appendix B.
        #expect(PKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        let a = PKCE.random(), b = PKCE.random()
        #expect(a.verifier.count == 43 && a.verifier != b.verifier)
    }

    @Test func base64URLRoundTripsAndRefusesOtherAlphabets() {
        let bytes: [UInt8] = [0xfb, 0xff, 0xfe, 0, 1, 2, 3]
        #expect(Base64URL.encode(bytes) == "-__-AAECAw")
        #expect(Base64URL.decode("-__-AAECAw") == bytes)
        #expect(Base64URL.decode("+//+AAECAw") == nil)
        #expect(Base64URL.decode("a") == nil)
    }

    @Test func discoveryMustNameTheIssuerAndUseHTTPS() throws {
        let good = Array(#"{"issuer":"https://sso.example.vn/oidc","authorization_endpoint":"https://sso.example.vn/oidc/auth","token_endpoint":"https://sso.example.vn/oidc/token","jwks_uri":"https://sso.example.vn/oidc/jwks"}"#.utf8)
        let metadata = try ProviderMetadata(json: good, expectedIssuer: "https://sso.example.vn/oidc")
        #expect(metadata.tokenEndpoint.absoluteString == "https://sso.example.vn/oidc/token")
        #expect(throws: OIDCError.self) { try ProviderMetadata(json: good, expectedIssuer: "https://other.example.vn/oidc") }
        let clear = Array(String(decoding: good, as: UTF8.self).replacingOccurrences(of: "https://sso.example.vn/oidc/token", with: "http://sso.example.vn/oidc/token").utf8)
        #expect(throws: OIDCError.self) { try ProviderMetadata(json: clear, expectedIssuer: "https://sso.example.vn/oidc") }
        #expect(throws: Never.self) { try OpenIDClient.checkTransport(URL(string: "http://127.0.0.1:4600/api/oidc")!) }
        #expect(throws: OIDCError.self) { try OpenIDClient.checkTransport(URL(string: "http://10.0.0.5/oidc")!) }
    }
}
