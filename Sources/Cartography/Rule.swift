/// One line of a style: which features (filter, zoom range) are drawn how (symbolizer).
///
/// Rules are tried in order and the first that matches a feature draws it, so a categorized
/// style lists its categories and may end with a catch-all rule for "everything else".
public struct Rule: Sendable, Hashable {
    /// What the legend says for this rule ("Schools", "10 000 – 50 000").
    public var label: String
    public var filter: Filter
    /// The lowest zoom at which the rule applies, inclusive (nil: from zoom 0).
    public var minZoom: Int?
    /// The highest zoom at which the rule applies, inclusive (nil: no limit).
    public var maxZoom: Int?
    public var symbolizer: Symbolizer

    public init(label: String = "", filter: Filter = .all, minZoom: Int? = nil, maxZoom: Int? = nil,
                symbolizer: Symbolizer) {
        self.label = label
        self.filter = filter
        self.minZoom = minZoom
        self.maxZoom = maxZoom
        self.symbolizer = symbolizer
    }

    /// True when the rule applies at `zoom`.
    public func applies(atZoom zoom: Int) -> Bool {
        if let minZoom, zoom < minZoom { return false }
        if let maxZoom, zoom > maxZoom { return false }
        return true
    }
}

/// Which features a rule selects.
public enum Filter: Sendable, Hashable {
    /// Every feature.
    case all
    /// Features whose attribute equals the value (a categorized style). Numbers compare by
    /// value ("5" matches 5 and 5.0); text compares exactly.
    case equals(attribute: String, value: String)
    /// Features whose numeric attribute lies in `min ..< max` (a graduated style); a missing
    /// bound is open. Text that reads as a number counts as that number.
    case range(attribute: String, min: Double?, max: Double?)

    /// The attribute the filter reads, if any.
    public var attribute: String? {
        switch self {
        case .all: return nil
        case .equals(let attribute, _), .range(let attribute, _, _): return attribute
        }
    }

    /// True when a feature with `value` for the filter's attribute is selected.
    public func matches(_ value: AttributeValue) -> Bool {
        switch self {
        case .all:
            return true
        case .equals(_, let expected):
            return value.equals(text: expected)
        case .range(_, let low, let high):
            guard let number = value.number else { return false }
            if let low, number < low { return false }
            if let high, number >= high { return false }
            return true
        }
    }
}
