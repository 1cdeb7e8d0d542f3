/// How a matching feature is drawn. Colours are "#rrggbb" strings as stored in the style JSON
/// (checked by `Style.validate()`); widths and sizes are in CSS pixels of a 256 px tile and
/// double on a 512 px (@2x) tile.
public enum Symbolizer: Sendable, Hashable {
    /// A filled area, optionally outlined.
    case polygon(PolygonSymbolizer)
    /// A stroked line.
    case line(LineSymbolizer)
    /// A marker at each point.
    case point(PointSymbolizer)

    /// The geometry family this symbolizer is meant for.
    public var kind: SymbolizerKind {
        switch self {
        case .polygon: return .polygon
        case .line: return .line
        case .point: return .point
        }
    }
}

/// The three families of symbolizer, named as in the style JSON's "type".
public enum SymbolizerKind: String, Sendable, Hashable, Codable, CaseIterable {
    case polygon, line, point
}

/// A polygon's fill and outline.
public struct PolygonSymbolizer: Sendable, Hashable {
    /// Fill colour "#rrggbb", or nil for no fill.
    public var fill: String?
    /// Fill opacity, 0...1.
    public var fillOpacity: Double
    /// Outline colour "#rrggbb", or nil for no outline.
    public var stroke: String?
    /// Outline width in pixels (0 for none).
    public var strokeWidth: Double
    /// Outline dash pattern in pixels (dash, gap, …); empty for solid.
    public var dash: [Double]

    public init(fill: String? = "#d9c8b4", fillOpacity: Double = 1, stroke: String? = "#8c7a66",
                strokeWidth: Double = 1, dash: [Double] = []) {
        self.fill = fill
        self.fillOpacity = fillOpacity
        self.stroke = stroke
        self.strokeWidth = strokeWidth
        self.dash = dash
    }
}

/// Line caps as written in the style JSON.
public enum LineCapStyle: String, Sendable, Hashable, Codable, CaseIterable {
    case butt, round, square
}

/// Line joins as written in the style JSON.
public enum LineJoinStyle: String, Sendable, Hashable, Codable, CaseIterable {
    case miter, round, bevel
}

/// A line's stroke.
public struct LineSymbolizer: Sendable, Hashable {
    /// Colour "#rrggbb".
    public var color: String
    /// Width in pixels.
    public var width: Double
    /// Dash pattern in pixels (dash, gap, …); empty for solid.
    public var dash: [Double]
    public var cap: LineCapStyle
    public var join: LineJoinStyle

    public init(color: String = "#3366cc", width: Double = 1.5, dash: [Double] = [],
                cap: LineCapStyle = .butt, join: LineJoinStyle = .miter) {
        self.color = color
        self.width = width
        self.dash = dash
        self.cap = cap
        self.join = join
    }
}

/// Marker shapes as written in the style JSON.
public enum PointShape: String, Sendable, Hashable, Codable, CaseIterable {
    case circle, square, triangle
}

/// A marker drawn at every point.
public struct PointSymbolizer: Sendable, Hashable {
    public var shape: PointShape
    /// Diameter (circle) or side (square, triangle) in pixels.
    public var size: Double
    /// Fill colour "#rrggbb", or nil for none.
    public var fill: String?
    /// Outline colour "#rrggbb", or nil for none.
    public var stroke: String?
    /// Outline width in pixels (0 for none).
    public var strokeWidth: Double

    public init(shape: PointShape = .circle, size: Double = 4, fill: String? = "#cc3333",
                stroke: String? = nil, strokeWidth: Double = 0) {
        self.shape = shape
        self.size = size
        self.fill = fill
        self.stroke = stroke
        self.strokeWidth = strokeWidth
    }
}
