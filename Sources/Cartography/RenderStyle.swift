import Raster

/// A style resolved for drawing: colours parsed, each rule reduced to what the painter needs.
/// Built once per layer (when its style is set), so tiles never parse text.
struct RenderStyle: Sendable {
    struct CompiledRule: Sendable {
        let minZoom: Int
        let maxZoom: Int
        let filter: Filter
        /// Index of the filter's attribute in the query's attribute list; -1 for none.
        let attributeIndex: Int
        let draw: Draw

        func applies(atZoom zoom: Int) -> Bool { zoom >= minZoom && zoom <= maxZoom }
    }

    /// One symbolizer with colours resolved; sizes in pixels of a 256 px tile.
    enum Draw: Sendable {
        case polygon(fill: Color?, stroke: Color?, width: Double, dash: [Double])
        case line(color: Color, width: Double, dash: [Double], cap: LineCap, join: LineJoin)
        case point(shape: MarkerShape, size: Double, fill: Color?, stroke: Color?, width: Double)

        /// How far, in pixels of a 256 px tile, drawing reaches beyond the geometry: the clip
        /// margin needed for seamless tile edges.
        var reach: Double {
            switch self {
            case .polygon(_, let stroke, let width, _):
                return stroke == nil ? 1 : width * 2 + 1
            case .line(_, let width, _, _, let join):
                return (join == .miter ? width * 2 : width / 2) + 1
            case .point(_, let size, _, _, let width):
                return size / 2 + width + 1
            }
        }
    }

    let rules: [CompiledRule]
    let attributes: [String]

    init(_ style: Style) {
        let attributes = style.attributeNames
        self.attributes = attributes
        var rules: [CompiledRule] = []
        for rule in style.rules {
            let index = rule.filter.attribute.flatMap { attributes.firstIndex(of: $0) } ?? -1
            rules.append(CompiledRule(minZoom: rule.minZoom ?? 0, maxZoom: rule.maxZoom ?? Int.max,
                                      filter: rule.filter, attributeIndex: index,
                                      draw: Self.draw(rule.symbolizer)))
        }
        self.rules = rules
    }

    private static func draw(_ symbolizer: Symbolizer) -> Draw {
        func colour(_ text: String?) -> Color? { text.flatMap(Style.parseColor) }
        func width(_ w: Double) -> Double { w.isFinite && w > 0 ? w : 0 }
        switch symbolizer {
        case .polygon(let p):
            let opacity = p.fillOpacity.isFinite ? min(max(p.fillOpacity, 0), 1) : 1
            let stroke = width(p.strokeWidth) > 0 ? colour(p.stroke) : nil
            return .polygon(fill: colour(p.fill)?.withOpacity(opacity), stroke: stroke,
                            width: width(p.strokeWidth), dash: p.dash)
        case .line(let l):
            let cap: LineCap = l.cap == .butt ? .butt : l.cap == .round ? .round : .square
            let join: LineJoin = l.join == .miter ? .miter : l.join == .round ? .round : .bevel
            return .line(color: colour(l.color) ?? .transparent, width: width(l.width), dash: l.dash,
                         cap: cap, join: join)
        case .point(let p):
            let shape: MarkerShape = p.shape == .circle ? .circle : p.shape == .square ? .square : .triangle
            let stroke = width(p.strokeWidth) > 0 ? colour(p.stroke) : nil
            return .point(shape: shape, size: width(p.size), fill: colour(p.fill), stroke: stroke,
                          width: width(p.strokeWidth))
        }
    }
}
