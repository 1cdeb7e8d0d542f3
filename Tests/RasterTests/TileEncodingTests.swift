import PNGTestSupport
import Raster
import Testing

/// A 256 px picture of overlapping strokes and markers in five colours: far more than 256
/// colours once anti-aliased, like a dense map tile.
private func busyTile(levels: Int = 256) -> Painter {
    let painter = Painter(width: 256, height: 256, background: Color(r: 0xf2, g: 0xef, b: 0xe9))
    painter.coverageLevels = levels
    var blocks = Polylines()
    for i in 0..<12 {
        let x = Double(i) * 21.3 + 3.1, y = Double(i * 7 % 11) * 19.7 + 5.3
        blocks.append(contour: [x, y, x + 15.2, y + 2.1, x + 13.7, y + 17.9, x - 1.4, y + 15.3], closed: true)
    }
    painter.fill(blocks, color: Color(r: 0xd9, g: 0xc8, b: 0xb4))
    painter.stroke(blocks, color: Color(r: 0x8c, g: 0x7a, b: 0x66), style: StrokeStyle(width: 1))
    var lines = Polylines()
    for i in 0..<8 {
        let y = Double(i) * 31.7 + 2.2
        lines.append(contour: [0, y, 128.3, y + 30.1, 256, y - 7.9], closed: false)
    }
    painter.stroke(lines, color: Color(r: 0x33, g: 0x66, b: 0xcc), style: StrokeStyle(width: 1.5))
    var centers: [(x: Double, y: Double)] = []
    for i in 0..<40 {
        let x = Double((i * 37) % 256) + 0.3
        let y = Double((i * 91) % 256) + 0.6
        centers.append((x, y))
    }
    painter.markers(.circle, at: centers, size: 4, fill: Color(r: 0xcc, g: 0x33, b: 0x33))
    return painter
}

@Suite("Tile encoding")
struct TileEncodingTests {
    @Test func polylinesFillLikePaths() {
        var path = Path()
        path.move(to: 10.5, 20.25)
        path.line(to: 200.75, 40.5)
        path.line(to: 120.1, 230.9)
        path.close()
        let a = Painter(width: 256, height: 256, background: .white)
        a.fill(path, color: .black)
        var polylines = Polylines()
        polylines.append(contour: [10.5, 20.25, 200.75, 40.5, 120.1, 230.9, .nan, 3], closed: true)
        let b = Painter(width: 256, height: 256, background: .white)
        b.fill(polylines, color: .black)
        #expect(a.canvas == b.canvas)
        #expect(polylines.pointCount == 3)
    }

    @Test func workspaceEncodingMatchesPlainEncoding() {
        let workspace = PNGWorkspace()
        let busy = busyTile().canvas
        let plain = Canvas(width: 256, height: 256, background: .white)
        for canvas in [busy, plain, busy, plain] {
            #expect(PNGEncoder.encode(canvas, workspace: workspace) == PNGEncoder.encode(canvas))
        }
    }

    @Test func fewerCoverageLevelsChangeEdgesOnlySlightly() {
        let exact = busyTile().canvas, coarse = busyTile(levels: 64).canvas
        var worst = 0
        for (p, q) in zip(exact.pixels, coarse.pixels) {
            for shift in stride(from: 0 as UInt32, through: 16, by: 8) {
                worst = max(worst, abs(Int(p >> shift & 0xFF) - Int(q >> shift & 0xFF)))
            }
        }
        #expect(worst > 0)
        #expect(worst <= 8)
        #expect(Set(coarse.pixels).count < Set(exact.pixels).count)
    }

    @Test func approximatePaletteStaysWithinTolerance() throws {
        let canvas = busyTile(levels: 64).canvas
        #expect(Set(canvas.pixels).count > 256)
        let exact = try PNGDecoder.decode(PNGEncoder.encode(canvas))
        #expect(exact.colorType == 2)
        let png = PNGEncoder.encode(canvas, workspace: PNGWorkspace(), paletteTolerance: 8)
        let approximate = try PNGDecoder.decode(png)
        #expect(approximate.colorType == 3)
        #expect(png.count < PNGEncoder.encode(canvas).count)
        let original = canvas.unpremultipliedRGBA()
        var worst = 0
        for (a, b) in zip(original, approximate.rgba) { worst = max(worst, abs(Int(a) - Int(b))) }
        #expect(worst <= 8)
        // The most frequent colour (the background) is kept exactly.
        #expect(Array(approximate.rgba[0..<4]) == Array(original[0..<4]))
    }

    @Test func tooStrictAToleranceFallsBackToTruecolour() throws {
        let canvas = busyTile().canvas
        let png = PNGEncoder.encode(canvas, workspace: PNGWorkspace(), paletteTolerance: 1)
        let decoded = try PNGDecoder.decode(png)
        #expect(decoded.colorType == 2)
        #expect(decoded.rgba == canvas.unpremultipliedRGBA())
    }
}
