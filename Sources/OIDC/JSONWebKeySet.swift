import Foundation
import _CryptoExtras

/// The provider's signing keys (RFC 7517), as its `jwks_uri` serves them. Only RSA keys meant
/// for signatures are kept; keys for encryption and other types are passed over.
public struct JSONWebKeySet: Sendable {
    public struct Key: Sendable {
        public let id: String?
        /// The one algorithm the key is for, when the set says.
        public let algorithm: String?
        public let rsa: _RSA.Signing.PublicKey
    }

    public let keys: [Key]

    public init(keys: [Key]) { self.keys = keys }

    public init(json bytes: some Sequence<UInt8>) throws(OIDCError) {
        guard let document = JSONObject(json: bytes), let entries = document.objects("keys") else {
            throw .provider("the key set is not a JSON object with a \"keys\" array")
        }
        var keys: [Key] = []
        for entry in entries where entry.string("kty") == "RSA" && (entry.string("use") ?? "sig") == "sig" {
            guard let n = entry.string("n").flatMap(Base64URL.decode), let e = entry.string("e").flatMap(Base64URL.decode),
                  let key = try? _RSA.Signing.PublicKey(n: n, e: e) else { continue }
            keys.append(Key(id: entry.string("kid"), algorithm: entry.string("alg"), rsa: key))
        }
        self.keys = keys
    }

    /// The key a token's header names by `kid`; without a `kid`, the set's only key.
    public func key(id: String?) -> Key? {
        guard let id else { return keys.count == 1 ? keys[0] : nil }
        return keys.first { $0.id == id }
    }
}
