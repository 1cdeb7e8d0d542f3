import Foundation
import PNGTestSupport
import Raster
import Testing

/// Records the runs a scan converter emits into a coverage grid, and checks that no pixel is
/// covered twice in one render.
struct RecordingBlitter: Blitter {
    let width: Int
    let height: Int
    var coverage: [UInt8]
    var spans = 0
    var overlaps = 0
    var outOfBounds = 0

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        coverage = [UInt8](repeating: 0, count: width * height)
    }

    mutating func blitSpan(x: Int, y: Int, length: Int, coverage c: UInt8) {
        spans += 1
        guard y >= 0, y < height, x >= 0, length > 0, x + length <= width, c > 0 else {
            outOfBounds += 1
            return
        }
        for i in x..<(x + length) {
            if coverage[y * width + i] != 0 { overlaps += 1 }
            coverage[y * width + i] = c
        }
    }

    /// Total coverage in pixels.
    var area: Double { Double(coverage.reduce(0) { $0 + Int($1) }) / 255 }

    func at(_ x: Int, _ y: Int) -> UInt8 { coverage[y * width + x] }
}

/// Scan-converts `path` and returns what was recorded, after checking the run invariants.
func rasterize(_ path: Path, width: Int = 256, height: Int = 256, rule: FillRule = .nonZero,
               sourceLocation: SourceLocation = #_sourceLocation) -> RecordingBlitter {
    let converter = ScanConverter(width: width, height: height)
    converter.add(path)
    var recorder = RecordingBlitter(width: width, height: height)
    converter.render(rule, into: &recorder)
    #expect(recorder.overlaps == 0, "pixels covered twice", sourceLocation: sourceLocation)
    #expect(recorder.outOfBounds == 0, "runs outside the canvas", sourceLocation: sourceLocation)
    #expect(converter.isEmpty, sourceLocation: sourceLocation)
    return recorder
}

/// A closed polygon from points.
func polygon(_ points: [(Double, Double)]) -> Path {
    var p = Path()
    guard let first = points.first else { return p }
    p.move(to: first.0, first.1)
    for q in points.dropFirst() { p.line(to: q.0, q.1) }
    p.close()
    return p
}

/// A regular polygon approximating a circle; `clockwise` on screen when true.
func circlePolygon(cx: Double, cy: Double, r: Double, segments: Int, clockwise: Bool = true) -> Path {
    let points = (0..<segments).map { i -> (Double, Double) in
        let t = Double(i) / Double(segments) * 2 * Double.pi * (clockwise ? 1 : -1)
        return (cx + r * cos(t), cy + r * sin(t))
    }
    return polygon(points)
}

/// Alpha summed over the canvas, in pixels.
func alphaArea(_ canvas: Canvas) -> Double {
    Double(canvas.pixels.reduce(0) { $0 + Int($1 >> 24) }) / 255
}

/// Relative difference |a - b| / b.
func relativeError(_ a: Double, _ b: Double) -> Double { abs(a - b) / abs(b) }

/// Decodes an encoded PNG and checks it with pngcheck.
func checkedDecode(_ png: [UInt8], name: String,
                   sourceLocation: SourceLocation = #_sourceLocation) throws -> DecodedPNG {
    let problems = PNGCheck.problems(png, name: name)
    #expect(problems == nil, "pngcheck: \(problems ?? "")", sourceLocation: sourceLocation)
    return try PNGDecoder.decode(png)
}
