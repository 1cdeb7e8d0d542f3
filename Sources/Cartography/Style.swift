import Geometry
import Raster

/// A layer's style as data: an ordered list of rules, stored per layer as JSON text
/// (see StyleJSON.swift) and fingerprinted for tile-cache keys.
public struct Style: Sendable, Hashable {
    /// The rules, tried in order; the first that matches a feature draws it.
    public var rules: [Rule]

    public init(rules: [Rule]) {
        self.rules = rules
    }

    /// A style that shows a new layer at once: one rule for the geometry family of its data,
    /// in the portal's neutral colours. A mixed or unknown layer gets all three families.
    public static func defaultStyle(for kind: GeometryKind) -> Style {
        switch kind {
        case .polygon:
            return Style(rules: [Rule(label: "Vùng", symbolizer: .polygon(PolygonSymbolizer()))])
        case .line:
            return Style(rules: [Rule(label: "Đường", symbolizer: .line(LineSymbolizer()))])
        case .point:
            return Style(rules: [Rule(label: "Điểm", symbolizer: .point(PointSymbolizer()))])
        case .mixed:
            return Style(rules: defaultStyle(for: .polygon).rules + defaultStyle(for: .line).rules
                + defaultStyle(for: .point).rules)
        }
    }

    /// The attribute names the rules read, each once, in first-use order. A `TileQuery` asks
    /// its source for these.
    public var attributeNames: [String] {
        var names: [String] = []
        for rule in rules {
            if let name = rule.filter.attribute, !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The rule labels in order, for the HTML beside a legend image.
    public var legendLabels: [String] { rules.map(\.label) }

    /// A stable 64-bit fingerprint of the canonical JSON, as 16 hex digits: equal styles give
    /// equal fingerprints on every run and machine, so it can be part of a tile-cache key.
    public var fingerprint: String { Self.fingerprint(of: canonicalJSON) }

    /// The FNV-1a 64-bit hash of `text`'s UTF-8, as 16 hex digits.
    public static func fingerprint(of text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The most rules a style may hold: each is a legend row and a pass over a tile's features.
    public static let maxRules = 200
    /// The longest style JSON accepted.
    public static let maxJSONBytes = 256 * 1024

    /// Every problem of the style, in rule order, each naming its rule ("rule 2: colour '#zzz'
    /// is not #rrggbb"). Empty when the style can be drawn as written.
    public func problems() -> [StyleError] {
        var found: [StyleError] = []
        if rules.isEmpty { found.append(.noRules) }
        if rules.count > Self.maxRules { return [.tooManyRules(count: rules.count, limit: Self.maxRules)] }
        for (index, rule) in rules.enumerated() {
            for message in Self.problems(of: rule) {
                found.append(.invalidRule(number: index + 1, message: message))
            }
        }
        return found
    }

    /// Throws the first problem of the style, if any.
    public func validate() throws(StyleError) {
        if let first = problems().first { throw first }
    }

    private static func problems(of rule: Rule) -> [String] {
        var out: [String] = []
        func colour(_ value: String?, _ what: String) {
            guard let value else { return }
            if parseColor(value) == nil { out.append("\(what) '\(value)' is not #rrggbb") }
        }
        func amount(_ value: Double, _ what: String, upTo limit: Double) {
            if !value.isFinite || value < 0 || value > limit {
                out.append("\(what) \(value) is not between 0 and \(formatted(limit))")
            }
        }
        func dash(_ pattern: [Double]) {
            if pattern.contains(where: { !$0.isFinite || $0 < 0 || $0 > 1000 }) {
                out.append("dash lengths must be between 0 and 1000 pixels")
            }
        }
        if let low = rule.minZoom, !(0...TileID.maxZoom).contains(low) {
            out.append("minZoom \(low) is not between 0 and \(TileID.maxZoom)")
        }
        if let high = rule.maxZoom, !(0...TileID.maxZoom).contains(high) {
            out.append("maxZoom \(high) is not between 0 and \(TileID.maxZoom)")
        }
        if let low = rule.minZoom, let high = rule.maxZoom, low > high {
            out.append("minZoom \(low) is above maxZoom \(high)")
        }
        switch rule.filter {
        case .all:
            break
        case .equals(let attribute, _):
            if attribute.isEmpty { out.append("the filter names no attribute") }
        case .range(let attribute, let low, let high):
            if attribute.isEmpty { out.append("the filter names no attribute") }
            if let low, !low.isFinite { out.append("range minimum \(low) is not a number") }
            if let high, !high.isFinite { out.append("range maximum \(high) is not a number") }
            if let low, let high, low >= high { out.append("range minimum \(formatted(low)) is not below maximum \(formatted(high))") }
        }
        switch rule.symbolizer {
        case .polygon(let p):
            colour(p.fill, "fill colour")
            colour(p.stroke, "stroke colour")
            amount(p.fillOpacity, "fill opacity", upTo: 1)
            amount(p.strokeWidth, "stroke width", upTo: 64)
            dash(p.dash)
        case .line(let l):
            colour(l.color, "colour")
            amount(l.width, "width", upTo: 64)
            dash(l.dash)
        case .point(let p):
            colour(p.fill, "fill colour")
            colour(p.stroke, "stroke colour")
            amount(p.size, "size", upTo: 128)
            amount(p.strokeWidth, "stroke width", upTo: 32)
        }
        return out
    }

    /// "#rrggbb" (case-insensitive) as an opaque colour; nil for anything else.
    static func parseColor(_ text: String) -> Color? {
        let utf8 = Array(text.utf8)
        guard utf8.count == 7, utf8[0] == UInt8(ascii: "#"),
              utf8.dropFirst().allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) })
        else { return nil }
        return Color(hex: text)
    }

    private static func formatted(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
