import Foundation

/// DBF column names for long Vietnamese field names: ASCII without diacritics ("đ" as "d"),
/// letters, digits and `_`, at most 10 bytes, unique (case-insensitively, as readers compare
/// them) with a numeric suffix where cutting made two alike — "tên_cơ_sở_y_tế" → "ten_co_so_",
/// the next alike → "ten_co_s_1".
enum DBFNames {
    static let maxLength = 10

    /// `name` in ASCII: diacritics dropped, "đ"/"Đ" as "d"/"D", anything else not a letter,
    /// digit or `_` as `_`.
    static func ascii(_ name: String) -> String {
        var out = ""
        for scalar in name.precomposedStringWithCanonicalMapping.decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.value {
            case 0x0300...0x036F: continue
            case 0x0111: out += "d"
            case 0x0110: out += "D"
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F: out.unicodeScalars.append(scalar)
            default: out += "_"
            }
        }
        return out
    }

    /// The DBF names of `names`, in order.
    static func names(for names: [String]) -> [String] {
        var taken = Set<String>()
        var out: [String] = []
        for name in names {
            var base = ascii(name)
            if base.isEmpty || base.allSatisfy({ $0 == "_" }) { base = "field" }
            if let first = base.unicodeScalars.first, first.value >= 0x30 && first.value <= 0x39 { base = "f" + base }
            var candidate = String(base.prefix(maxLength))
            var suffix = 1
            while taken.contains(candidate.lowercased()) {
                let tail = "_\(suffix)"
                candidate = String(base.prefix(maxLength - tail.count)) + tail
                suffix += 1
            }
            taken.insert(candidate.lowercased())
            out.append(candidate)
        }
        return out
    }
}
