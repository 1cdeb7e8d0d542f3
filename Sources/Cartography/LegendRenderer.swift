import Raster

/// Draws a layer's legend as one small PNG: a column of swatches, one row per rule, on a
/// transparent background. Text is left to the page: `labels` gives each row's rule label, in
/// the same order, for the HTML beside the image.
public enum LegendRenderer {
    /// Side of a swatch, and height of a row, in pixels at scale 1.
    public static let swatchSize = 20
    /// Space between rows, in pixels at scale 1.
    public static let rowGap = 4

    /// A legend image and the label of each of its rows.
    public struct Legend: Sendable {
        /// PNG bytes: `swatchSize` wide, one row per rule.
        public let png: [UInt8]
        public let labels: [String]
        /// The top pixel of each row (at the rendered scale), for lining up the HTML labels.
        public let rowTops: [Int]
    }

    /// The legend of `style`; `scale` 2 draws it for high-DPI screens.
    public static func render(_ style: Style, scale: Int = 1) -> Legend {
        let factor = min(max(scale, 1), 4)
        let size = swatchSize * factor, gap = rowGap * factor
        let count = max(style.rules.count, 1)
        let painter = Painter(width: size, height: count * size + (count - 1) * gap)
        let compiled = RenderStyle(style)
        var tops: [Int] = []
        for (i, rule) in compiled.rules.enumerated() {
            let top = Double(i * (size + gap))
            tops.append(Int(top))
            swatch(rule.draw, on: painter, top: top, size: Double(size), factor: Double(factor))
        }
        return Legend(png: PNGEncoder.encode(painter.canvas), labels: style.legendLabels, rowTops: tops)
    }

    private static func swatch(_ draw: RenderStyle.Draw, on painter: Painter, top: Double, size: Double,
                               factor: Double) {
        let inset = 2 * factor
        switch draw {
        case .polygon(let fill, let stroke, let width, let dash):
            let w = width * factor
            let box = Path.rectangle(x: inset + w / 2, y: top + inset + w / 2,
                                     width: size - 2 * inset - w, height: size - 2 * inset - w)
            if let fill { painter.fill(box, color: fill) }
            if let stroke {
                painter.stroke(box, color: stroke, style: StrokeStyle(width: w, dash: dash.map { $0 * factor }))
            }
        case .line(let color, let width, let dash, let cap, let join):
            var line = Path()
            line.move(to: inset, top + size * 0.7)
            line.line(to: size * 0.45, top + size * 0.3)
            line.line(to: size - inset, top + size * 0.55)
            painter.stroke(line, color: color, style: StrokeStyle(
                width: min(width * factor, size / 2), join: join, cap: cap, dash: dash.map { $0 * factor }))
        case .point(let shape, let markerSize, let fill, let stroke, let width):
            painter.marker(shape, at: (size / 2, top + size / 2), size: min(markerSize * factor, size - inset),
                           fill: fill, stroke: stroke, strokeWidth: width * factor)
        }
    }
}
