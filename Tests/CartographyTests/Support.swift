import Cartography
import Geometry
import Raster

/// Web Mercator for pixel (x, y) of `tile` at 256 px.
func mercator(_ tile: TileID, _ x: Double, _ y: Double) -> Point {
    let b = tile.mercatorBounds
    let span = b.maxX - b.minX
    return Point(x: b.minX + x / 256 * span, y: b.maxY - y / 256 * span)
}

/// A closed polygon ring in the pixels of `tile`.
func ring(_ tile: TileID, _ pixels: [(Double, Double)]) -> [Point] {
    let points = pixels.map { mercator(tile, $0.0, $0.1) }
    return points + [points[0]]
}

/// An axis-aligned rectangle polygon in the pixels of `tile`.
func rectangle(_ tile: TileID, x: Double, y: Double, width: Double, height: Double) -> Geometry {
    .polygon([ring(tile, [(x, y), (x + width, y), (x + width, y + height), (x, y + height)])])
}

/// A source of plain geometries with no attributes.
func source(_ geometries: [Geometry]) -> InMemoryFeatureSource {
    InMemoryFeatureSource(features: geometries.map { ($0, [:]) })
}

func layer(_ geometries: [Geometry], _ style: Style) throws -> TileLayer {
    try TileLayer(source: source(geometries), style: style)
}

func fillStyle(_ color: String, stroke: String? = nil, width: Double = 0) -> Style {
    Style(rules: [Rule(symbolizer: .polygon(PolygonSymbolizer(fill: color, stroke: stroke, strokeWidth: width)))])
}

let white = Color(r: 255, g: 255, b: 255)

/// The largest per-channel difference between two colours.
func difference(_ a: Color?, _ b: Color?) -> Int {
    guard let a, let b else { return 255 }
    return max(abs(Int(a.r) - Int(b.r)), abs(Int(a.g) - Int(b.g)), abs(Int(a.b) - Int(b.b)),
               abs(Int(a.a) - Int(b.a)))
}

/// Total darkness of a canvas drawn in black on white, in pixels of full coverage.
func darkness(_ canvas: Canvas) -> Double {
    var sum = 0.0
    for y in 0..<canvas.height {
        for x in 0..<canvas.width {
            if let c = canvas.color(x: x, y: y) { sum += Double(255 - Int(c.r)) / 255 }
        }
    }
    return sum
}
