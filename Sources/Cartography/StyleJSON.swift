import Foundation

// The style's stored form: JSON with a version, rules in order, and for each rule a label,
// a filter, an optional zoom range and one symbolizer tagged by "type":
//
//     {"version":1,"rules":[{"label":"Trường học","minZoom":12,
//       "filter":{"type":"equals","attribute":"loai","value":"truong"},
//       "symbolizer":{"type":"point","shape":"circle","size":6,"fill":"#cc3333"}}]}
//
// Missing optional fields take their defaults, so hand-written styles can be short. The
// canonical form (sorted keys, no spaces) is what the fingerprint hashes.

extension Style: Codable {
    /// The version written into new style JSON.
    public static let jsonVersion = 1

    private enum Keys: String, CodingKey { case version, rules }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let version = try c.decodeIfPresent(Int.self, forKey: .version) ?? Style.jsonVersion
        guard version == Style.jsonVersion else {
            throw DecodingError.dataCorruptedError(forKey: .version, in: c,
                                                   debugDescription: "unknown style version \(version)")
        }
        rules = try c.decode([Rule].self, forKey: .rules)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(Style.jsonVersion, forKey: .version)
        try c.encode(rules, forKey: .rules)
    }

    /// Reads and validates style JSON.
    /// - Throws: `StyleError.invalidJSON` for text that is not a style, or the first problem
    ///   `validate()` finds.
    public init(json: String) throws(StyleError) {
        if json.utf8.count > Self.maxJSONBytes { throw .tooLong(bytes: json.utf8.count, limit: Self.maxJSONBytes) }
        do {
            self = try JSONDecoder().decode(Style.self, from: Data(json.utf8))
        } catch let error as DecodingError {
            throw .invalidJSON(Self.describe(error))
        } catch {
            throw .invalidJSON("\(error)")
        }
        try validate()
    }

    /// The canonical JSON text: sorted keys, no whitespace. Equal styles give equal text.
    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .dataCorrupted(let c):
            return c.codingPath.isEmpty ? c.debugDescription : "\(path(c.codingPath)): \(c.debugDescription)"
        case .keyNotFound(let key, let c):
            return "\(path(c.codingPath + [key])) is missing"
        case .typeMismatch(_, let c), .valueNotFound(_, let c):
            return "\(path(c.codingPath)): \(c.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

extension Rule: Codable {
    private enum Keys: String, CodingKey { case label, filter, minZoom, maxZoom, symbolizer }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        label = try c.decodeIfPresent(String.self, forKey: .label) ?? ""
        filter = try c.decodeIfPresent(Filter.self, forKey: .filter) ?? .all
        minZoom = try c.decodeIfPresent(Int.self, forKey: .minZoom)
        maxZoom = try c.decodeIfPresent(Int.self, forKey: .maxZoom)
        symbolizer = try c.decode(Symbolizer.self, forKey: .symbolizer)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(label, forKey: .label)
        try c.encode(filter, forKey: .filter)
        try c.encodeIfPresent(minZoom, forKey: .minZoom)
        try c.encodeIfPresent(maxZoom, forKey: .maxZoom)
        try c.encode(symbolizer, forKey: .symbolizer)
    }
}

extension Filter: Codable {
    private enum Keys: String, CodingKey { case type, attribute, value, min, max }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "all":
            self = .all
        case "equals":
            let attribute = try c.decode(String.self, forKey: .attribute)
            // The value may be written as text or as a number.
            if let text = try? c.decode(String.self, forKey: .value) {
                self = .equals(attribute: attribute, value: text)
            } else if let int = try? c.decode(Int64.self, forKey: .value) {
                self = .equals(attribute: attribute, value: String(int))
            } else {
                let number = try c.decode(Double.self, forKey: .value)
                self = .equals(attribute: attribute, value: String(number))
            }
        case "range":
            self = .range(attribute: try c.decode(String.self, forKey: .attribute),
                          min: try c.decodeIfPresent(Double.self, forKey: .min),
                          max: try c.decodeIfPresent(Double.self, forKey: .max))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c, debugDescription: "unknown filter type '\(type)' (all, equals, range)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .all:
            try c.encode("all", forKey: .type)
        case .equals(let attribute, let value):
            try c.encode("equals", forKey: .type)
            try c.encode(attribute, forKey: .attribute)
            try c.encode(value, forKey: .value)
        case .range(let attribute, let low, let high):
            try c.encode("range", forKey: .type)
            try c.encode(attribute, forKey: .attribute)
            try c.encodeIfPresent(low, forKey: .min)
            try c.encodeIfPresent(high, forKey: .max)
        }
    }
}

extension Symbolizer: Codable {
    private enum Keys: String, CodingKey {
        case type, fill, fillOpacity, stroke, strokeWidth, dash, color, width, cap, join, shape, size
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let type = try c.decode(String.self, forKey: .type)
        guard let kind = SymbolizerKind(rawValue: type) else {
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c, debugDescription: "unknown symbolizer type '\(type)' (polygon, line, point)")
        }
        switch kind {
        case .polygon:
            let d = PolygonSymbolizer()
            self = .polygon(PolygonSymbolizer(
                fill: try c.decodeIfPresent(String.self, forKey: .fill),
                fillOpacity: try c.decodeIfPresent(Double.self, forKey: .fillOpacity) ?? d.fillOpacity,
                stroke: try c.decodeIfPresent(String.self, forKey: .stroke),
                strokeWidth: try c.decodeIfPresent(Double.self, forKey: .strokeWidth) ?? 0,
                dash: try c.decodeIfPresent([Double].self, forKey: .dash) ?? []))
        case .line:
            let d = LineSymbolizer()
            self = .line(LineSymbolizer(
                color: try c.decode(String.self, forKey: .color),
                width: try c.decodeIfPresent(Double.self, forKey: .width) ?? d.width,
                dash: try c.decodeIfPresent([Double].self, forKey: .dash) ?? [],
                cap: try c.decodeIfPresent(LineCapStyle.self, forKey: .cap) ?? d.cap,
                join: try c.decodeIfPresent(LineJoinStyle.self, forKey: .join) ?? d.join))
        case .point:
            let d = PointSymbolizer()
            self = .point(PointSymbolizer(
                shape: try c.decodeIfPresent(PointShape.self, forKey: .shape) ?? d.shape,
                size: try c.decodeIfPresent(Double.self, forKey: .size) ?? d.size,
                fill: try c.decodeIfPresent(String.self, forKey: .fill),
                stroke: try c.decodeIfPresent(String.self, forKey: .stroke),
                strokeWidth: try c.decodeIfPresent(Double.self, forKey: .strokeWidth) ?? 0))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(kind.rawValue, forKey: .type)
        switch self {
        case .polygon(let p):
            try c.encodeIfPresent(p.fill, forKey: .fill)
            try c.encode(p.fillOpacity, forKey: .fillOpacity)
            try c.encodeIfPresent(p.stroke, forKey: .stroke)
            try c.encode(p.strokeWidth, forKey: .strokeWidth)
            if !p.dash.isEmpty { try c.encode(p.dash, forKey: .dash) }
        case .line(let l):
            try c.encode(l.color, forKey: .color)
            try c.encode(l.width, forKey: .width)
            if !l.dash.isEmpty { try c.encode(l.dash, forKey: .dash) }
            try c.encode(l.cap, forKey: .cap)
            try c.encode(l.join, forKey: .join)
        case .point(let p):
            try c.encode(p.shape, forKey: .shape)
            try c.encode(p.size, forKey: .size)
            try c.encodeIfPresent(p.fill, forKey: .fill)
            try c.encodeIfPresent(p.stroke, forKey: .stroke)
            try c.encode(p.strokeWidth, forKey: .strokeWidth)
        }
    }
}
