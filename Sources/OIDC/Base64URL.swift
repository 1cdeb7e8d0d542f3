import Foundation

/// The URL-safe base64 of JOSE (RFC 7515 §2): `-` and `_` for `+` and `/`, no padding.
public enum Base64URL {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The bytes, or nil for text outside the alphabet (padding is tolerated, not required).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var value = String(text)
        while value.hasSuffix("=") { value.removeLast() }
        guard value.utf8.allSatisfy({ byte in
            (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }), value.count % 4 != 1 else { return nil }
        value = value.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        value += String(repeating: "=", count: (4 - value.count % 4) % 4)
        return Data(base64Encoded: value).map { [UInt8]($0) }
    }
}
