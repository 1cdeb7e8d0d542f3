import Foundation
import Raster
import Testing

/// Strokes on a transparent canvas in opaque white, so alpha is coverage.
private func strokeArea(_ path: Path, _ style: StrokeStyle, size: Int = 256) -> (area: Double, canvas: Canvas) {
    let painter = Painter(width: size, height: size)
    painter.stroke(path, color: .white, style: style)
    return (alphaArea(painter.canvas), painter.canvas)
}

private func line(_ points: [(Double, Double)], closed: Bool = false) -> Path {
    var p = Path()
    p.move(to: points[0].0, points[0].1)
    for q in points.dropFirst() { p.line(to: q.0, q.1) }
    if closed { p.close() }
    return p
}

@Suite("Strokes")
struct StrokerTests {
    @Test("a horizontal line covers width × length", arguments: [1.5, 4.0, 7.3, 20.0, 41.0])
    func horizontalLine(width: Double) {
        let (area, _) = strokeArea(line([(40.25, 128.4), (200.25, 128.4)]), StrokeStyle(width: width))
        #expect(relativeError(area, width * 160) < 0.01)
    }

    @Test("a diagonal line covers width × length")
    func diagonalLine() {
        let (area, _) = strokeArea(line([(30.1, 40.7), (210.6, 190.2)]), StrokeStyle(width: 6))
        #expect(relativeError(area, 6 * hypot(180.5, 149.5)) < 0.01)
    }

    @Test("caps add their area at both ends")
    func caps() {
        let w = 20.0, length = 120.0
        let path = line([(60, 128), (180, 128)])
        let butt = strokeArea(path, StrokeStyle(width: w, cap: .butt)).area
        let square = strokeArea(path, StrokeStyle(width: w, cap: .square)).area
        let round = strokeArea(path, StrokeStyle(width: w, cap: .round)).area
        #expect(relativeError(butt, w * length) < 0.01)
        // Square: half a width beyond each end, w²/2 per end.
        #expect(relativeError(square - butt, w * w) < 0.01)
        // Round: a half disc per end, π(w/2)² together.
        #expect(relativeError(round - butt, Double.pi * w * w / 4) < 0.02)
    }

    @Test("joins: miter fills the corner square, bevel half of it, round a quarter disc")
    func joins() {
        let w = 20.0
        let corner = line([(50, 150), (150, 150), (150, 50)])
        // Two 100 × 20 arms overlapping in a 10 × 10 square: 3 900 px before the join.
        let miter = strokeArea(corner, StrokeStyle(width: w, join: .miter)).area
        let bevel = strokeArea(corner, StrokeStyle(width: w, join: .bevel)).area
        let round = strokeArea(corner, StrokeStyle(width: w, join: .round)).area
        #expect(relativeError(miter, 3900 + 100) < 0.01)
        #expect(relativeError(bevel, 3900 + 50) < 0.01)
        #expect(relativeError(round, 3900 + Double.pi * 100 / 4) < 0.01)
        #expect(miter > round && round > bevel)
    }

    @Test("beyond the miter limit a miter becomes a bevel")
    func miterLimit() {
        // A 20° spike: the miter is 1/sin(10°) ≈ 5.76 widths long.
        let tip = (128.0, 40.0)
        let spread = tan(10 * Double.pi / 180) * 150
        let spike = line([(128 - spread, 190), tip, (128 + spread, 190)])
        let bevel = strokeArea(spike, StrokeStyle(width: 8, join: .bevel)).area
        let limited = strokeArea(spike, StrokeStyle(width: 8, join: .miter, miterLimit: 4)).area
        let long = strokeArea(spike, StrokeStyle(width: 8, join: .miter, miterLimit: 10)).area
        #expect(abs(limited - bevel) < 0.5)
        #expect(long > bevel + 20)
    }

    @Test("dashes cover their share of the line", arguments: [
        ([10.0, 10.0], 0.5), ([30.0, 10.0], 0.75), ([5.0, 15.0, 10.0, 10.0], 0.375), ([10.0], 0.5),
    ])
    func dashes(pattern: [Double], fraction: Double) {
        let full = strokeArea(line([(20, 100), (220, 100)]), StrokeStyle(width: 4)).area
        let dashed = strokeArea(line([(20, 100), (220, 100)]), StrokeStyle(width: 4, dash: pattern)).area
        #expect(relativeError(dashed, full * fraction) < 0.01)
    }

    @Test("dash offset shifts the pattern; a closed ring keeps its coverage share")
    func dashOffsetAndRings() {
        let path = line([(20, 100), (220, 100)])
        let a = strokeArea(path, StrokeStyle(width: 4, dash: [10, 10])).canvas
        let b = strokeArea(path, StrokeStyle(width: 4, dash: [10, 10], dashOffset: 10)).canvas
        // x = 25 is inside the first dash without offset, inside a gap with it.
        #expect(a.color(x: 25, y: 100)?.a == 255)
        #expect(b.color(x: 25, y: 100)?.a == 0)
        #expect(b.color(x: 35, y: 100)?.a == 255)
        // A closed square ring, 4 × 160 long, dashed 20/20 with butt caps: half its area.
        let ring = line([(40, 40), (200, 40), (200, 200), (40, 200)], closed: true)
        let solid = strokeArea(ring, StrokeStyle(width: 2)).area
        let dashed = strokeArea(ring, StrokeStyle(width: 2, dash: [20, 20], dashOffset: 10)).area
        #expect(relativeError(dashed, solid / 2) < 0.02)
    }

    @Test("a hairline is one pixel of coverage scaled by its width")
    func hairline() {
        let (_, canvas) = strokeArea(line([(10, 100.5), (110, 100.5)]), StrokeStyle(width: 0.5))
        #expect(canvas.color(x: 50, y: 100)?.a == 128)
        #expect(canvas.color(x: 50, y: 99)?.a == 0)
        #expect(canvas.color(x: 50, y: 101)?.a == 0)
        let thin = strokeArea(line([(10, 100.5), (110, 100.5)]), StrokeStyle(width: 0.25)).area
        #expect(relativeError(thin, 25) < 0.02)
    }

    @Test("closed contours have no caps and a hole inside")
    func closedRing() {
        let ring = line([(60, 60), (180, 60), (180, 180), (60, 180)], closed: true)
        let (area, canvas) = strokeArea(ring, StrokeStyle(width: 10, join: .miter))
        // Outer square 130², inner square 110².
        #expect(relativeError(area, 130 * 130 - 110 * 110) < 0.01)
        #expect(canvas.color(x: 120, y: 120)?.a == 0)
    }

    @Test("overlapping parts of one stroke are painted once")
    func selfOverlap() {
        let painter = Painter(width: 128, height: 128)
        let zigzag = line([(10, 64), (118, 64), (10, 66), (118, 62)])
        painter.stroke(zigzag, color: Color(r: 0, g: 0, b: 255).withOpacity(0.5),
                       style: StrokeStyle(width: 12, join: .round))
        let alphas = Set(painter.canvas.pixels.map { $0 >> 24 })
        #expect(alphas.max() == 128)
    }

    @Test("degenerate strokes: empty, single points, zero width, NaN")
    func degenerate() {
        var dot = Path()
        dot.move(to: 50, 50)
        dot.line(to: 50, 50)
        #expect(strokeArea(dot, StrokeStyle(width: 10, cap: .butt)).area == 0)
        #expect(relativeError(strokeArea(dot, StrokeStyle(width: 10, cap: .square)).area, 100) < 0.01)
        #expect(relativeError(strokeArea(dot, StrokeStyle(width: 10, cap: .round)).area, 25 * Double.pi) < 0.02)
        #expect(strokeArea(line([(10, 10), (90, 90)]), StrokeStyle(width: 0)).area == 0)
        #expect(strokeArea(line([(10, 10), (90, 90)]), StrokeStyle(width: .nan)).area == 0)
        #expect(strokeArea(Path(), StrokeStyle(width: 3)).area == 0)
        // A U-turn and NaN points in the middle.
        let uTurn = strokeArea(line([(20, 50), (200, 50), (20, 50.0001)]), StrokeStyle(width: 10, join: .round)).area
        #expect(relativeError(uTurn, 1800 + 25 * Double.pi / 2) < 0.02)
        let broken = strokeArea(line([(20, 50), (.nan, 3), (120, 50)]), StrokeStyle(width: 10)).area
        #expect(relativeError(broken, 1000) < 0.01)
        _ = strokeArea(line([(20, 50), (1e300, 3), (120, 50)]), StrokeStyle(width: 1e10, dash: [1e-9, 1e-9]))
        _ = strokeArea(line([(20, 50), (120, 50)]), StrokeStyle(width: 3, dash: [-1, .nan]))
    }
}
