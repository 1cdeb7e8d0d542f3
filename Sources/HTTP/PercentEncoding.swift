/// Percent-decoding for paths, query strings and form bodies.
enum PercentEncoding {
    /// Decodes `%XX` escapes (and `+` as space when `plusIsSpace`). Returns nil for a truncated or
    /// non-hex escape, or when the decoded bytes are not valid UTF-8.
    static func decode<C: Collection>(_ bytes: C, plusIsSpace: Bool) -> String? where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                let first = bytes.index(after: index)
                guard first < bytes.endIndex else { return nil }
                let second = bytes.index(after: first)
                guard second < bytes.endIndex,
                      let high = hexValue(bytes[first]), let low = hexValue(bytes[second]) else { return nil }
                out.append(high << 4 | low)
                index = bytes.index(after: second)
            } else {
                out.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index = bytes.index(after: index)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    static func decode(_ text: Substring, plusIsSpace: Bool) -> String? {
        decode(text.utf8, plusIsSpace: plusIsSpace)
    }

    /// Parses `a=1&b=two+words` into decoded pairs; nil if any escape is malformed.
    static func decodePairs<C: Collection>(_ bytes: C) -> [(name: String, value: String)]?
    where C.Element == UInt8, C.SubSequence: Collection<UInt8> {
        var pairs: [(name: String, value: String)] = []
        for piece in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let name: String, value: String
            if let eq = piece.firstIndex(of: UInt8(ascii: "=")) {
                guard let n = decode(piece[piece.startIndex..<eq], plusIsSpace: true),
                      let v = decode(piece[piece.index(after: eq)...], plusIsSpace: true) else { return nil }
                (name, value) = (n, v)
            } else {
                guard let n = decode(piece, plusIsSpace: true) else { return nil }
                (name, value) = (n, "")
            }
            pairs.append((name: name, value: value))
        }
        return pairs
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986).
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    @inline(__always)
    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
