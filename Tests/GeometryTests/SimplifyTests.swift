import Foundation
import Testing
import Geometry

@Suite("Simplification")
struct SimplifyTests {
    /// A wiggly line of 1000 points: a sine wave with small noise.
    static let wave: [Point] = {
        var generator = SplitMix64(state: 7)
        return (0..<1000).map { i in
            let x = Double(i) * 0.1
            return Point(x, sin(x / 3) * 10 + Double.random(in: -0.05...0.05, using: &generator))
        }
    }()

    @Test(arguments: [0.01, 0.1, 0.5, 2.0])
    func douglasPeuckerKeepsEndsAndTolerance(tolerance: Double) {
        let simplified = Simplify.douglasPeucker(Self.wave, tolerance: tolerance)
        #expect(simplified.first == Self.wave.first)
        #expect(simplified.last == Self.wave.last)
        #expect(simplified.count < Self.wave.count)
        #expect(simplified.count >= 2)
        for point in Self.wave {
            #expect(Measure.distance(from: point, toLine: simplified) <= tolerance * (1 + 1e-9))
        }
        // Kept points are original points, in order.
        var index = 0
        for point in simplified {
            while index < Self.wave.count, Self.wave[index] != point { index += 1 }
            #expect(index < Self.wave.count)
        }
    }

    @Test func douglasPeuckerOnStraightLine() {
        let line = (0...100).map { Point(Double($0), 2 * Double($0)) }
        #expect(Simplify.douglasPeucker(line, tolerance: 0.001) == [Point(0, 0), Point(100, 200)])
        #expect(Simplify.douglasPeucker([Point(0, 0), Point(1, 1)], tolerance: 5) == [Point(0, 0), Point(1, 1)])
        #expect(Simplify.douglasPeucker(line, tolerance: 0) == line)
    }

    @Test func radialDistance() {
        let simplified = Simplify.radialDistance(Self.wave, tolerance: 1)
        #expect(simplified.first == Self.wave.first)
        #expect(simplified.last == Self.wave.last)
        for i in 1..<(simplified.count - 1) {
            #expect(simplified[i].distance(to: simplified[i - 1]) >= 1)
        }
        #expect(simplified.count < Self.wave.count / 3)
    }

    @Test func rings() throws {
        let circle = (0..<360).map { degrees -> Point in
            let a = Double(degrees) * .pi / 180
            return Point(cos(a) * 100, sin(a) * 100)
        } + [Point(100, 0)]
        let simplified = try #require(Simplify.ring(circle, tolerance: 5))
        #expect(simplified.first == simplified.last)
        #expect(simplified.count >= 4 && simplified.count < 40)
        // Coarse: the widest triangle, still a closed ring of 4 points.
        let coarse = try #require(Simplify.ring(circle, tolerance: 150))
        #expect(coarse.count == 4)
        #expect(coarse.first == coarse.last)
        #expect(abs(Measure.signedArea(ofRing: coarse)) > 0)
        #expect(Simplify.ring(circle, tolerance: 250) == nil)
        let collinear = [Point(0, 0), Point(5, 0), Point(10, 0), Point(0, 0)]
        #expect(Simplify.ring(collinear, tolerance: 1) == nil)
        #expect(try #require(Simplify.ring(circle, tolerance: 5, method: .radialDistance)).count >= 4)
    }

    @Test func geometries() throws {
        let big = (0..<360).map { d -> Point in
            Point(cos(Double(d) * .pi / 180) * 100, sin(Double(d) * .pi / 180) * 100)
        } + [Point(100, 0)]
        let tiny = [Point(0, 0), Point(0.1, 0), Point(0.1, 0.1), Point(0, 0)]
        let polygon = Geometry.polygon([big, tiny])
        let simplified = try #require(polygon.simplified(tolerance: 1))
        guard case .polygon(let rings) = simplified else {
            Issue.record("expected a polygon")
            return
        }
        #expect(rings.count == 1)
        #expect(rings[0].count < big.count)
        #expect(Geometry.multiPolygon([[tiny], [big]]).simplified(tolerance: 1)?.vertexCount == rings[0].count)
        #expect(Geometry.polygon([tiny]).simplified(tolerance: 1) == nil)
        #expect(Geometry.multiPolygon([[tiny]]).simplified(tolerance: 1) == nil)
        #expect(Geometry.point(Point(1, 2)).simplified(tolerance: 100) == .point(Point(1, 2)))
        let line = Geometry.lineString(Self.wave)
        #expect(try #require(line.simplified(tolerance: 0.5, method: .radialDistance)).vertexCount < 1000)
        #expect(Geometry.geometryCollection([.polygon([tiny])]).simplified(tolerance: 1) == nil)
    }
}
