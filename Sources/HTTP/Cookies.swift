/// A cookie to set on the client with `Response.setCookie`.
public struct Cookie: Sendable, Equatable {
    public var name: String
    public var value: String
    public var path: String = "/"
    /// Lifetime in seconds; `nil` makes a session cookie, 0 deletes the cookie.
    public var maxAge: Int? = nil
    public var httpOnly: Bool = true
    public var secure: Bool = false
    /// "Lax", "Strict" or "None"; `nil` leaves the attribute out.
    public var sameSite: String? = "Lax"

    public init(name: String, value: String, path: String = "/", maxAge: Int? = nil,
                httpOnly: Bool = true, secure: Bool = false, sameSite: String? = "Lax") {
        self.name = name
        self.value = value
        self.path = path
        self.maxAge = maxAge
        self.httpOnly = httpOnly
        self.secure = secure
        self.sameSite = sameSite
    }

    /// The Set-Cookie header value. Characters not allowed in a cookie name or value
    /// (controls, spaces, `"`, `,`, `;`, `\`, non-ASCII) are percent-encoded so the header stays intact.
    public var headerValue: String {
        var out = Self.sanitize(name, isName: true) + "=" + Self.sanitize(value, isName: false)
        if !path.isEmpty { out += "; Path=" + Self.sanitize(path, isName: false) }
        if let maxAge {
            out += "; Max-Age=\(max(0, maxAge))"
            if maxAge <= 0 { out += "; Expires=Thu, 01 Jan 1970 00:00:00 GMT" }
        }
        if secure { out += "; Secure" }
        if httpOnly { out += "; HttpOnly" }
        if let sameSite, !sameSite.isEmpty { out += "; SameSite=" + Self.sanitize(sameSite, isName: true) }
        return out
    }

    private static func sanitize(_ text: String, isName: Bool) -> String {
        var out = ""
        for byte in text.utf8 {
            let allowed: Bool
            switch byte {
            case 0x21, 0x23...0x2B, 0x2D...0x3A, 0x3C...0x5B, 0x5D...0x7E:
                allowed = !isName || !"()<>@:/[]?={}".utf8.contains(byte)
            default:
                allowed = false
            }
            if allowed && byte != UInt8(ascii: "%") {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// Parses Cookie header values (`a=1; b=2`). The first occurrence of a name wins; pairs
    /// without `=` are skipped; surrounding quotes are removed from values.
    public static func parse(_ headerValues: [String]) -> [String: String] {
        var cookies: [String: String] = [:]
        for header in headerValues {
            for pair in header.split(separator: ";") {
                guard let eq = pair.firstIndex(of: "=") else { continue }
                let name = pair[..<eq].trimmingSpaces
                var value = pair[pair.index(after: eq)...].trimmingSpaces
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                    value = String(value.dropFirst().dropLast())
                }
                guard !name.isEmpty, cookies[name] == nil else { continue }
                cookies[name] = value
            }
        }
        return cookies
    }
}
