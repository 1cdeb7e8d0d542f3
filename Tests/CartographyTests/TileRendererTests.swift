import Cartography
import Foundation
import Geometry
import Raster
import Testing

@Suite("Tile rendering")
struct TileRendererTests {
    static let tile = TileID(z: 14, x: 13_000, y: 7_000)!
    static let paper = Color(r: 0xf2, g: 0xef, b: 0xe9)
    static let fill = Color(r: 0xd9, g: 0xc8, b: 0xb4)

    @Test func polygonInsideIsFilledOutsideIsBackground() throws {
        let square = rectangle(Self.tile, x: 64, y: 64, width: 128, height: 128)
        let canvas = try TileRenderer().render(Self.tile, layers: [layer([square], fillStyle("#d9c8b4"))],
                                               background: Self.paper)
        #expect(canvas.width == 256 && canvas.height == 256)
        #expect(canvas.color(x: 128, y: 128) == Self.fill)
        #expect(canvas.color(x: 65, y: 190) == Self.fill)
        #expect(canvas.color(x: 10, y: 10) == Self.paper)
        #expect(canvas.color(x: 200, y: 128) == Self.paper)
    }

    @Test func holesStayEmptyWhateverTheirWinding() throws {
        let outer = ring(Self.tile, [(20, 20), (230, 20), (230, 230), (20, 230)])
        // The hole runs the same way round as the outer ring.
        let hole = ring(Self.tile, [(100, 100), (160, 100), (160, 160), (100, 160)])
        let canvas = try TileRenderer().render(
            Self.tile, layers: [layer([.polygon([outer, hole])], fillStyle("#000000"))], background: white)
        #expect(canvas.color(x: 50, y: 50) == .black)
        #expect(canvas.color(x: 130, y: 130) == white)
    }

    @Test func outlinesLinesAndPointsUseTheirColours() throws {
        let square = rectangle(Self.tile, x: 40, y: 40, width: 100, height: 100)
        let line = Geometry.lineString([mercator(Self.tile, 0, 200.5), mercator(Self.tile, 256, 200.5)])
        let point = Geometry.point(mercator(Self.tile, 200, 60))
        let layers = [
            try layer([square], fillStyle("#ffffff", stroke: "#ff0000", width: 2)),
            try layer([line], Style(rules: [Rule(symbolizer: .line(LineSymbolizer(color: "#0000ff", width: 3)))])),
            try layer([point], Style(rules: [Rule(symbolizer: .point(PointSymbolizer(size: 10, fill: "#00ff00")))])),
        ]
        let canvas = try TileRenderer().render(Self.tile, layers: layers, background: .black)
        #expect(canvas.color(x: 40, y: 90) == Color(r: 255, g: 0, b: 0))
        #expect(canvas.color(x: 90, y: 90) == white)
        #expect(canvas.color(x: 128, y: 200) == Color(r: 0, g: 0, b: 255))
        #expect(canvas.color(x: 200, y: 60) == Color(r: 0, g: 255, b: 0))
        #expect(canvas.color(x: 220, y: 20) == .black)
    }

    @Test func categorizedRulesPickBySymbolizerValue() throws {
        func dot(_ x: Double, _ kind: String) -> (geometry: Geometry, attributes: [String: AttributeValue]) {
            (.point(mercator(Self.tile, x, 128)), ["loai": .text(kind)])
        }
        let source = InMemoryFeatureSource(features: [dot(40, "truong"), dot(128, "benh_vien"), dot(216, "khac")])
        func marker(_ hex: String) -> Symbolizer { .point(PointSymbolizer(shape: .square, size: 12, fill: hex)) }
        let style = Style(rules: [
            Rule(filter: .equals(attribute: "loai", value: "truong"), symbolizer: marker("#ff0000")),
            Rule(filter: .equals(attribute: "loai", value: "benh_vien"), symbolizer: marker("#0000ff")),
            Rule(label: "Khác", symbolizer: marker("#00ff00")),
        ])
        let canvas = try TileRenderer().render(Self.tile, layers: [try TileLayer(source: source, style: style)],
                                               background: white)
        #expect(canvas.color(x: 40, y: 128) == Color(r: 255, g: 0, b: 0))
        #expect(canvas.color(x: 128, y: 128) == Color(r: 0, g: 0, b: 255))
        #expect(canvas.color(x: 216, y: 128) == Color(r: 0, g: 255, b: 0))
    }

    @Test func graduatedRulesPickByRange() throws {
        let values: [AttributeValue] = [.integer(50), .real(500), .text("5000"), .null]
        let features = values.enumerated().map { i, value in
            (geometry: rectangle(Self.tile, x: Double(i) * 64 + 8, y: 8, width: 48, height: 48),
             attributes: ["dan_so": value])
        }
        let style = Style(rules: [
            Rule(filter: .range(attribute: "dan_so", min: nil, max: 100), symbolizer: .polygon(PolygonSymbolizer(fill: "#ff0000", stroke: nil, strokeWidth: 0))),
            Rule(filter: .range(attribute: "dan_so", min: 100, max: 1000), symbolizer: .polygon(PolygonSymbolizer(fill: "#00ff00", stroke: nil, strokeWidth: 0))),
            Rule(filter: .range(attribute: "dan_so", min: 1000, max: nil), symbolizer: .polygon(PolygonSymbolizer(fill: "#0000ff", stroke: nil, strokeWidth: 0))),
        ])
        let layer = try TileLayer(source: InMemoryFeatureSource(features: features), style: style)
        let canvas = try TileRenderer().render(Self.tile, layers: [layer], background: white)
        #expect(canvas.color(x: 32, y: 32) == Color(r: 255, g: 0, b: 0))
        #expect(canvas.color(x: 96, y: 32) == Color(r: 0, g: 255, b: 0))
        #expect(canvas.color(x: 160, y: 32) == Color(r: 0, g: 0, b: 255))
        #expect(canvas.color(x: 224, y: 32) == white)
    }

    @Test func rulesOutsideTheirZoomRangeDrawNothing() throws {
        let parent = try #require(Self.tile.parent)
        let square = rectangle(parent, x: 0, y: 0, width: 256, height: 256)
        let style = Style(rules: [Rule(minZoom: 14, symbolizer: .polygon(PolygonSymbolizer(fill: "#000000", stroke: nil, strokeWidth: 0)))])
        let renderer = TileRenderer()
        let near = try renderer.render(Self.tile, layers: [layer([square], style)], background: white)
        #expect(near.uniformColor == .black)
        let far = try renderer.render(parent, layers: [layer([square], style)], background: white)
        #expect(far.uniformColor == white)
    }

    @Test func adjacentTilesJoinWithoutSeams() throws {
        let left = Self.tile
        let right = try #require(TileID(z: left.z, x: left.x + 1, y: left.y))
        // A polygon with outline and a line crossing the shared edge at slants.
        let polygon = Geometry.polygon([ring(left, [(150.3, 30.7), (400.2, 60.1), (330.6, 200.9), (180.1, 170.4)])])
        let line = Geometry.lineString([mercator(left, 100.2, 240.3), mercator(left, 256, 110.6),
                                        mercator(left, 420.7, 20.1)])
        let layers = [
            try layer([polygon], fillStyle("#d9c8b4", stroke: "#8c7a66", width: 1)),
            try layer([line], Style(rules: [Rule(symbolizer: .line(LineSymbolizer(color: "#3366cc", width: 1.5)))])),
        ]
        let renderer = TileRenderer()
        let a = try renderer.render(left, layers: layers, background: Self.paper)
        let b = try renderer.render(right, layers: layers, background: Self.paper)
        let both = BoundingBox(minX: left.mercatorBounds.minX, minY: left.mercatorBounds.minY,
                               maxX: right.mercatorBounds.maxX, maxY: right.mercatorBounds.maxY)
        let wide = try renderer.render(area: both, width: 512, height: 256, zoom: left.z, layers: layers,
                                       background: Self.paper)
        var worst = 0
        var touched = 0
        for y in 0..<256 {
            for (x, tileX, tile) in [(254, 254, a), (255, 255, a), (256, 0, b), (257, 1, b)] {
                let d = difference(wide.color(x: x, y: y), tile.color(x: tileX, y: y))
                worst = max(worst, d)
                if wide.color(x: x, y: y) != Self.paper { touched += 1 }
            }
        }
        #expect(worst <= 1)
        #expect(touched > 100)
    }

    @Test func highDPITilesAreTwiceTheSizeWithTwiceTheWidths() throws {
        let line = Geometry.lineString([mercator(Self.tile, 0, 128), mercator(Self.tile, 256, 128)])
        let style = Style(rules: [Rule(symbolizer: .line(LineSymbolizer(color: "#000000", width: 2)))])
        let renderer = TileRenderer()
        let normal = try renderer.render(Self.tile, layers: [layer([line], style)], background: white)
        let double = try renderer.render(Self.tile, layers: [layer([line], style)], scale: 2, background: white)
        #expect(double.width == 512 && double.height == 512)
        #expect(abs(darkness(double) - 4 * darkness(normal)) < 0.01 * darkness(double))
        let png = try renderer.renderPNG(Self.tile, layers: [layer([line], style)], scale: 2, background: white)
        #expect(Array(png[16..<24]) == [0, 0, 2, 0, 0, 0, 2, 0])
    }

    @Test func simplificationAtLowZoomKeepsThePicture() throws {
        // A wiggly ring of 20 000 vertices, far more than a 256 px tile can show.
        let tile = try #require(TileID(z: 3, x: 4, y: 3))
        var pixels: [(Double, Double)] = []
        for i in 0..<20_000 {
            let t = Double(i) / 20_000 * 2 * Double.pi
            let r = 90 + 6 * sin(t * 40) + 0.3 * sin(t * 2000)
            pixels.append((128 + r * cos(t), 128 + r * sin(t)))
        }
        let renderer = TileRenderer()
        let canvas = try renderer.render(tile, layers: [layer([.polygon([ring(tile, pixels)])], fillStyle("#000000"))],
                                         background: white)
        var exact = Path()
        exact.move(to: pixels[0].0, pixels[0].1)
        for p in pixels.dropFirst() { exact.line(to: p.0, p.1) }
        exact.close()
        let painter = Painter(width: 256, height: 256, background: white)
        painter.fill(exact, color: .black)
        let reference = darkness(painter.canvas)
        #expect(abs(darkness(canvas) - reference) < 0.01 * reference)
    }

    @Test func subPixelFeaturesAreDroppedOrMergedIntoDots() throws {
        let tile = try #require(TileID(z: 6, x: 40, y: 25))
        var tiny: [Geometry] = []
        for i in 0..<400 {
            let x = Double(i % 20) * 12 + 8, y = Double(i / 20) * 12 + 8
            tiny.append(rectangle(tile, x: x, y: y, width: 0.2, height: 0.2))
        }
        let renderer = TileRenderer()
        let fillOnly = try renderer.renderPNG(tile, layers: [layer(tiny, fillStyle("#000000"))], background: white)
        let blank = try renderer.renderPNG(tile, layers: [], background: white)
        #expect(fillOnly == blank)
        let outlined = try renderer.render(tile, layers: [layer(tiny, fillStyle("#000000", stroke: "#000000", width: 1))],
                                           background: white)
        #expect(outlined.color(x: 8, y: 8) != white)
        #expect(abs(darkness(outlined) - 400 * 1.2 * 1.2) < 400 * 0.5)
    }

    @Test func transparentTilesAndUniformTilesEncode() throws {
        let renderer = TileRenderer()
        let empty = try renderer.renderPNG(Self.tile, layers: [])
        #expect(Array(empty.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let covered = try renderer.renderPNG(
            Self.tile, layers: [layer([rectangle(Self.tile, x: -10, y: -10, width: 300, height: 300)], fillStyle("#123456"))])
        #expect(covered == PNGEncoder.encodeUniform(Color(hex: "#123456")!, width: 256, height: 256))
    }

    @Test func legendHasOneSwatchRowPerRule() throws {
        let legend = LegendRenderer.render(StyleTests.sample)
        #expect(legend.labels == ["Trường học", "Đông dân", "Đường"])
        let png = legend.png
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(String(decoding: png[12..<16], as: UTF8.self) == "IHDR")
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == LegendRenderer.swatchSize)
        #expect(height == 3 * LegendRenderer.swatchSize + 2 * LegendRenderer.rowGap)
        #expect(String(decoding: png.suffix(8).prefix(4), as: UTF8.self) == "IEND")
        #expect(legend.rowTops == [0, 24, 48])
    }
}
