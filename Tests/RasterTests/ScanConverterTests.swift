import Foundation
import Raster
import Testing

@Suite("Scan conversion")
struct ScanConverterTests {
    @Test("summed coverage equals the analytic area within 0.5 %")
    func analyticAreas() {
        // A square of side 100 rotated by 30°.
        let a = 30.0 * Double.pi / 180
        let corners = [(-50.0, -50.0), (50, -50), (50, 50), (-50, 50)].map { p in
            (128 + p.0 * cos(a) - p.1 * sin(a), 128 + p.0 * sin(a) + p.1 * cos(a))
        }
        #expect(relativeError(rasterize(polygon(corners)).area, 10_000) < 0.005)

        // A triangle.
        let t = [(10.3, 12.7), (201.9, 50.2), (60.6, 230.1)]
        let triangleArea = abs((t[1].0 - t[0].0) * (t[2].1 - t[0].1) - (t[2].0 - t[0].0) * (t[1].1 - t[0].1)) / 2
        #expect(relativeError(rasterize(polygon(t)).area, triangleArea) < 0.005)

        // A circle of 720 segments (area of the polygon itself).
        let n = 720.0, r = 90.3
        let circleArea = n / 2 * r * r * sin(2 * Double.pi / n)
        #expect(relativeError(rasterize(circlePolygon(cx: 127.6, cy: 128.2, r: r, segments: 720)).area,
                              circleArea) < 0.005)

        // A square with a circular hole: reversed hole for non-zero, same direction for even-odd.
        let holeArea = n / 2 * 50 * 50 * sin(2 * Double.pi / n)
        var reversed = Path.rectangle(x: 20.5, y: 20.5, width: 200, height: 200)
        reversed.append(circlePolygon(cx: 120, cy: 120, r: 50, segments: 720, clockwise: false))
        #expect(relativeError(rasterize(reversed).area, 40_000 - holeArea) < 0.005)
        var same = Path.rectangle(x: 20.5, y: 20.5, width: 200, height: 200)
        same.append(circlePolygon(cx: 120, cy: 120, r: 50, segments: 720))
        #expect(relativeError(rasterize(same, rule: .evenOdd).area, 40_000 - holeArea) < 0.005)
        #expect(rasterize(same, rule: .evenOdd).at(120, 120) == 0)
        #expect(rasterize(same, rule: .nonZero).at(120, 120) == 255)
    }

    @Test("curves are flattened within tolerance")
    func curveArea() {
        let r = 60.0
        let area = rasterize(Path.circle(centerX: 100.3, centerY: 90.7, radius: r)).area
        #expect(relativeError(area, Double.pi * r * r) < 0.005)
    }

    @Test("an edge through the middle of a pixel gives half coverage")
    func halfCoverage() {
        let grid = rasterize(Path.rectangle(x: 10.5, y: 4, width: 20, height: 10))
        for y in 4..<14 {
            #expect((127...128).contains(grid.at(10, y)))
            #expect(grid.at(11, y) == 255)
            #expect(grid.at(9, y) == 0)
            #expect((127...128).contains(grid.at(30, y)))
        }
        // Horizontal edges too.
        let h = rasterize(Path.rectangle(x: 4, y: 10.5, width: 10, height: 20))
        #expect((127...128).contains(h.at(6, 10)))
        #expect(h.at(6, 11) == 255)
    }

    @Test("a whole-pixel translation shifts the coverage exactly")
    func translationInvariance() {
        let shape = polygon([(20.3, 30.71), (90.55, 41.2), (70.1, 101.9), (44.44, 70.05), (25.2, 88.8)])
        let a = rasterize(shape, width: 128, height: 128)
        let b = rasterize(shape.translated(dx: 3, dy: 2), width: 128, height: 128)
        for y in 0..<120 {
            for x in 0..<120 where a.at(x, y) != b.at(x + 3, y + 2) {
                Issue.record("pixel (\(x), \(y)) differs after translation")
                return
            }
        }
        #expect(a.area > 0)
    }

    @Test("non-zero and even-odd on a self-overlapping star")
    func star() {
        let points = (0..<5).map { i -> (Double, Double) in
            let t = Double(i * 2) / 5 * 2 * Double.pi - Double.pi / 2
            return (64 + 60 * cos(t), 64 + 60 * sin(t))
        }
        let star = polygon(points)
        let nonZero = rasterize(star, width: 128, height: 128, rule: .nonZero)
        let evenOdd = rasterize(star, width: 128, height: 128, rule: .evenOdd)
        #expect(nonZero.at(64, 64) == 255)
        #expect(evenOdd.at(64, 64) == 0)
        // A point in one of the tips is inside under both rules.
        #expect(nonZero.at(64, 12) == 255)
        #expect(evenOdd.at(64, 12) == 255)
        #expect(nonZero.area > evenOdd.area)
    }

    @Test("overlapping squares with the same and the opposite winding")
    func overlappingSquares() {
        let first = polygon([(10, 10), (70, 10), (70, 70), (10, 70)])
        let sameDirection = polygon([(40, 40), (100, 40), (100, 100), (40, 100)])
        let opposite = polygon([(40, 40), (40, 100), (100, 100), (100, 40)])
        var same = first
        same.append(sameDirection)
        var reversed = first
        reversed.append(opposite)

        let sameNonZero = rasterize(same, width: 128, height: 128, rule: .nonZero)
        let sameEvenOdd = rasterize(same, width: 128, height: 128, rule: .evenOdd)
        let oppositeNonZero = rasterize(reversed, width: 128, height: 128, rule: .nonZero)
        let oppositeEvenOdd = rasterize(reversed, width: 128, height: 128, rule: .evenOdd)
        #expect(sameNonZero.at(55, 55) == 255)
        #expect(sameEvenOdd.at(55, 55) == 0)
        #expect(oppositeNonZero.at(55, 55) == 0)
        #expect(oppositeEvenOdd.at(55, 55) == 0)
        for grid in [sameNonZero, sameEvenOdd, oppositeNonZero, oppositeEvenOdd] {
            #expect(grid.at(20, 20) == 255)
            #expect(grid.at(90, 90) == 255)
            #expect(grid.at(90, 20) == 0)
        }
        #expect(sameNonZero.area == 3600 + 3600 - 900)
        #expect(sameEvenOdd.area == 3600 + 3600 - 1800)
    }

    @Test("shapes partly outside the canvas keep the visible part")
    func partlyOutside() {
        // Left, right, top and bottom overhangs.
        #expect(rasterize(Path.rectangle(x: -50, y: 10, width: 100, height: 20), width: 64, height: 64).area == 50 * 20)
        #expect(rasterize(Path.rectangle(x: 30, y: 10, width: 100, height: 20), width: 64, height: 64).area == 34 * 20)
        #expect(rasterize(Path.rectangle(x: 10, y: -30, width: 20, height: 50), width: 64, height: 64).area == 20 * 20)
        #expect(rasterize(Path.rectangle(x: 10, y: 50, width: 20, height: 50), width: 64, height: 64).area == 20 * 14)
        // Wider than the canvas on both sides.
        #expect(rasterize(Path.rectangle(x: -500, y: -500, width: 1000, height: 1000), width: 64, height: 64).area == 64 * 64)
        // A slanted edge entering from the left: the triangle's visible part.
        let tri = rasterize(polygon([(-64, 0), (64, 64), (-64, 64)]), width: 64, height: 64)
        // Below y = (x + 64) / 2 for 0 ≤ x ≤ 64: 32·64 − 64²/4 = 1024.
        #expect(relativeError(tri.area, 1024) < 0.005)
    }

    @Test("shapes wholly outside the canvas draw nothing")
    func whollyOutside() {
        for (x, y) in [(-200.0, 10.0), (100, 10), (10, -200), (10, 100), (-200, -200), (300, 300)] {
            let grid = rasterize(Path.rectangle(x: x, y: y, width: 50, height: 50), width: 64, height: 64)
            #expect(grid.spans == 0)
        }
    }

    @Test("NaN, infinite and absurd coordinates are skipped without damage")
    func badCoordinates() {
        var path = Path.rectangle(x: 10, y: 10, width: 20, height: 20)
        path.move(to: Double.nan, 5)
        path.line(to: 50, .infinity)
        path.line(to: 1e300, -1e300)
        path.close()
        let grid = rasterize(path, width: 64, height: 64)
        #expect(grid.area == 400)

        // A NaN vertex between two corners of a square is dropped; the square stays whole.
        let dented = rasterize(polygon([(10, 10), (50, 10), (.nan, .nan), (50, 50), (10, 50)]), width: 64, height: 64)
        #expect(dented.area == 1600)

        // Huge but finite: a rectangle far bigger than the canvas covers all of it.
        let huge = rasterize(Path.rectangle(x: -1e8, y: -1e8, width: 2e8, height: 2e8), width: 64, height: 64)
        #expect(huge.area == 64 * 64)

        // Curves with bad control points.
        var curve = Path()
        curve.move(to: 10, 10)
        curve.cubic(to: 40, 40, control1: .nan, 0, control2: 1e308, -1e308)
        curve.quad(to: 10, 40, control: .infinity, .nan)
        curve.close()
        _ = rasterize(curve, width: 64, height: 64)
    }

    @Test("empty and degenerate paths draw nothing")
    func emptyPaths() {
        #expect(rasterize(Path(), width: 16, height: 16).spans == 0)
        var point = Path()
        point.move(to: 5, 5)
        point.close()
        #expect(rasterize(point, width: 16, height: 16).spans == 0)
        var line = Path()
        line.move(to: 1, 1)
        line.line(to: 10, 12)
        #expect(rasterize(line, width: 16, height: 16).spans == 0)
        #expect(rasterize(polygon([(1, 1), (5, 5), (9, 9)]), width: 16, height: 16).spans == 0)
        // A zero-sized canvas.
        _ = rasterize(Path.rectangle(x: 0, y: 0, width: 5, height: 5), width: 0, height: 0)
    }

    @Test("a converter is reusable: render leaves it clean")
    func reuse() {
        let converter = ScanConverter(width: 32, height: 32)
        converter.add(Path.rectangle(x: 2.5, y: 2.5, width: 10, height: 10))
        var first = RecordingBlitter(width: 32, height: 32)
        converter.render(.nonZero, into: &first)
        converter.add(Path.rectangle(x: 20, y: 20, width: 5, height: 5))
        var second = RecordingBlitter(width: 32, height: 32)
        converter.render(.nonZero, into: &second)
        #expect(abs(first.area - 100) < 0.2)  // half-pixel edges quantize to 128/255
        #expect(second.area == 25)
        converter.add(Path.rectangle(x: 1, y: 1, width: 5, height: 5))
        converter.reset()
        var third = RecordingBlitter(width: 32, height: 32)
        converter.render(.nonZero, into: &third)
        #expect(third.spans == 0)
    }
}
