import CSodium
import Foundation

/// Argon2id password hashes from libsodium, as self-describing strings (`$argon2id$v=19$m=…`).
///
/// Hashing costs ~20 ms of CPU and 19 MiB on purpose; callers run it on a worker thread, never on
/// Swift's cooperative pool.
public enum Passwords {
    /// Argon2id time cost (passes).
    public static let opsLimit: UInt64 = 2
    /// Argon2id memory cost in bytes (19 MiB, the OWASP minimum for Argon2id).
    public static let memLimit: Int = 19 * 1024 * 1024

    private static let ready: Bool = sodium_init() >= 0

    /// Hashes `password`; nil only if libsodium cannot allocate its memory.
    public static func hash(_ password: String) -> String? {
        guard ready else { return nil }
        var out = [CChar](repeating: 0, count: Int(crypto_pwhash_STRBYTES))
        var bytes = Array(password.utf8CString)
        let rc = crypto_pwhash_str(&out, &bytes, UInt64(password.utf8.count), opsLimit, memLimit)
        guard rc == 0 else { return nil }
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True when `password` matches `hash`.
    public static func verify(_ password: String, against hash: String) -> Bool {
        guard ready else { return false }
        var bytes = Array(password.utf8CString)
        return crypto_pwhash_str_verify(hash, &bytes, UInt64(password.utf8.count)) == 0
    }

    /// True when `hash` was made with weaker parameters than today's and should be redone at next login.
    public static func needsRehash(_ hash: String) -> Bool {
        crypto_pwhash_str_needs_rehash(hash, opsLimit, memLimit) != 0
    }

    /// A random password of `length` characters from an unambiguous alphabet.
    public static func random(length: Int = 14) -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        _ = ready
        return String((0..<length).map { _ in alphabet[Int(randombytes_uniform(UInt32(alphabet.count)))] })
    }
}
