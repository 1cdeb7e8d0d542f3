import Foundation
import Raster
import Testing

private let paper = Color(r: 250, g: 248, b: 240)

private func polyline(_ points: [(Double, Double)], closed: Bool = false) -> Path {
    var p = Path()
    p.move(to: points[0].0, points[0].1)
    for q in points.dropFirst() { p.line(to: q.0, q.1) }
    if closed { p.close() }
    return p
}

/// Pictures per feature, compared with Golden/<feature>/<name>.png.
@Suite("Golden images")
struct GoldenTests {
    @Test func fill() throws {
        let painter = Painter(width: 128, height: 128, background: paper)
        let star = (0..<10).map { i -> (Double, Double) in
            let t = Double(i) / 10 * 2 * Double.pi - Double.pi / 2
            let r = i % 2 == 0 ? 40.0 : 17.0
            return (44 + r * cos(t), 46 + r * sin(t))
        }
        painter.fill(polyline(star, closed: true), color: Color(r: 230, g: 120, b: 20))
        painter.fill(Path.circle(centerX: 95.5, centerY: 40.3, radius: 22.2), color: Color(r: 40, g: 110, b: 200))
        var curvy = Path()
        curvy.move(to: 10, 120)
        curvy.quad(to: 118, 118, control: 64, 40)
        curvy.cubic(to: 10, 120, control1: 100, 128, control2: 30, 70)
        painter.fill(curvy, color: Color(r: 30, g: 150, b: 60).withOpacity(0.8))
        // Partly outside the canvas.
        painter.fill(Path.rectangle(x: 110, y: 70, width: 40, height: 25), color: Color(r: 120, g: 60, b: 160))
        try Golden.check(painter.canvas, feature: "fill", name: "shapes")
    }

    @Test func fillRules() throws {
        let painter = Painter(width: 128, height: 64, background: paper)
        for (i, rule) in [FillRule.nonZero, .evenOdd].enumerated() {
            let dx = Double(i) * 64
            let points = (0..<5).map { k -> (Double, Double) in
                let t = Double(k * 2) / 5 * 2 * Double.pi - Double.pi / 2
                return (dx + 32 + 28 * cos(t), 33 + 28 * sin(t))
            }
            var path = polyline(points, closed: true)
            path.append(circlePolygon(cx: dx + 32, cy: 33, r: 8, segments: 48))
            painter.fill(path, color: Color(r: 20, g: 60, b: 140), rule: rule)
        }
        try Golden.check(painter.canvas, feature: "fill-rules", name: "star-nonzero-evenodd")
    }

    @Test func strokesJoins() throws {
        let painter = Painter(width: 160, height: 64, background: paper)
        for (i, join) in [LineJoin.miter, .round, .bevel].enumerated() {
            let dx = Double(i) * 52
            let zigzag = polyline([(dx + 10, 50), (dx + 22, 14), (dx + 34, 50), (dx + 46, 20)])
            painter.stroke(zigzag, color: Color(r: 40, g: 40, b: 40), style: StrokeStyle(width: 7, join: join))
            painter.stroke(zigzag, color: Color(r: 255, g: 200, b: 0), style: StrokeStyle(width: 1, join: join))
        }
        try Golden.check(painter.canvas, feature: "strokes-joins", name: "miter-round-bevel")
    }

    @Test func strokesCaps() throws {
        let painter = Painter(width: 128, height: 96, background: paper)
        for (i, cap) in [LineCap.butt, .round, .square].enumerated() {
            let y = 18 + Double(i) * 28
            painter.stroke(polyline([(24, y), (104, y + 6)]), color: Color(r: 30, g: 90, b: 160),
                           style: StrokeStyle(width: 14, cap: cap))
            painter.stroke(polyline([(24, y), (104, y + 6)]), color: .white, style: StrokeStyle(width: 0.6))
        }
        try Golden.check(painter.canvas, feature: "strokes-caps", name: "butt-round-square")
    }

    @Test func dashes() throws {
        let painter = Painter(width: 128, height: 96, background: paper)
        painter.stroke(polyline([(10, 12), (118, 12)]), color: .black, style: StrokeStyle(width: 2, dash: [8, 4]))
        painter.stroke(polyline([(10, 28), (118, 28)]), color: Color(r: 200, g: 0, b: 0),
                       style: StrokeStyle(width: 4, cap: .round, dash: [0, 8]))
        painter.stroke(polyline([(10, 44), (118, 44)]), color: Color(r: 0, g: 120, b: 0),
                       style: StrokeStyle(width: 3, dash: [12, 3, 3, 3], dashOffset: 5))
        painter.stroke(Path.circle(centerX: 64, centerY: 72, radius: 18), color: Color(r: 60, g: 60, b: 200),
                       style: StrokeStyle(width: 2.5, dash: [6, 4]))
        try Golden.check(painter.canvas, feature: "dashes", name: "patterns")
    }

    @Test func markers() throws {
        let painter = Painter(width: 128, height: 48, background: paper)
        let fill = Color(r: 220, g: 60, b: 60)
        painter.marker(.circle, at: (x: 20, y: 24), size: 20, fill: fill, stroke: .black, strokeWidth: 2)
        painter.marker(.square, at: (x: 52.5, y: 24.5), size: 18, fill: fill, stroke: .black, strokeWidth: 1.5)
        painter.marker(.triangle, at: (x: 84, y: 26), size: 22, fill: fill, stroke: .black, strokeWidth: 1)
        painter.markers(.circle, at: [(x: 106, y: 12), (x: 116, y: 24), (x: 106, y: 36)], size: 6,
                        fill: Color(r: 30, g: 30, b: 200), stroke: .white, strokeWidth: 1)
        try Golden.check(painter.canvas, feature: "markers", name: "shapes")
    }

    @Test func blending() throws {
        let painter = Painter(width: 96, height: 96)
        painter.fill(Path.rectangle(x: 8, y: 8, width: 80, height: 80), color: Color(r: 255, g: 255, b: 255, a: 200))
        painter.fill(Path.circle(centerX: 38, centerY: 38, radius: 26), color: Color(r: 255, g: 0, b: 0).withOpacity(0.5))
        painter.fill(Path.circle(centerX: 58, centerY: 38, radius: 26), color: Color(r: 0, g: 255, b: 0).withOpacity(0.5))
        painter.fill(Path.circle(centerX: 48, centerY: 58, radius: 26), color: Color(r: 0, g: 0, b: 255).withOpacity(0.5))
        painter.stroke(Path.rectangle(x: 20, y: 20, width: 56, height: 56), color: Color(r: 0, g: 0, b: 0, a: 100),
                       style: StrokeStyle(width: 6))
        try Golden.check(painter.canvas, feature: "blending", name: "translucent")
    }
}
