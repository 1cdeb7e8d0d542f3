import Crypto

/// Proof Key for Code Exchange (RFC 7636) with the S256 method, and the random values of a sign-in.
public struct PKCE: Sendable {
    /// 43 characters from 32 random bytes.
    public let verifier: String

    public init(verifier: String) { self.verifier = verifier }

    public static func random() -> PKCE { PKCE(verifier: randomToken()) }

    public var challenge: String { Base64URL.encode(SHA256.hash(data: Array(verifier.utf8))) }

    /// 32 bytes from the system's generator, base64url: for `state`, `nonce` and the verifier.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
