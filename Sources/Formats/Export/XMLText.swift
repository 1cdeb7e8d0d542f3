/// XML 1.0 text and attribute escaping, scalar by scalar, for every XML this project writes
/// (KML downloads here, the OGC service documents in the portal).
public enum XMLText {
    /// `value` escaped for XML text and attributes; characters XML 1.0 cannot carry (C0
    /// controls but tab, line feed and carriage return, U+FFFE, U+FFFF) become `invalid`.
    public static func escape(_ value: String, invalid: String = "") -> String {
        var out = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&apos;".unicodeScalars)
            case "\t", "\n", "\r": out.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out.append(contentsOf: invalid.unicodeScalars)
                } else {
                    out.append(scalar)
                }
            }
        }
        return String(out)
    }
}
