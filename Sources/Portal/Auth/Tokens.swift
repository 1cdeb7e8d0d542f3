import CSodium
import Foundation

/// Random tokens and their one-way hashes (libsodium).
enum Tokens {
    private static let ready: Bool = sodium_init() >= 0

    /// A URL-safe random token of `bytes` random bytes.
    static func random(bytes: Int = 32) -> String {
        _ = ready
        var buffer = [UInt8](repeating: 0, count: bytes)
        randombytes_buf(&buffer, bytes)
        return Data(buffer).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The hex BLAKE2b-256 hash of a token, as stored.
    static func hash(_ token: String) -> String {
        _ = ready
        var out = [UInt8](repeating: 0, count: 32)
        var input = Array(token.utf8)
        crypto_generichash(&out, 32, &input, UInt64(input.count), nil, 0)
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in out {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Compares two secrets in time independent of where they differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
