import Testing
import Geometry

@Suite("Clipping")
struct ClipTests {
    let box = BoundingBox(minX: 0, minY: 0, maxX: 10, maxY: 10)

    @Test func polygonPartiallyInsideKeepsTheRightArea() throws {
        let square = Geometry.polygon([[Point(5, 5), Point(15, 5), Point(15, 15), Point(5, 15), Point(5, 5)]])
        let clipped = try #require(square.clipped(to: box))
        #expect(abs(clipped.planarArea - 25) < 1e-9)
        #expect(clipped.bbox == BoundingBox(minX: 5, minY: 5, maxX: 10, maxY: 10))
        // A diamond centred on the box corner: a quarter of it is inside.
        let diamond = Geometry.polygon([[Point(10, 5), Point(15, 10), Point(10, 15), Point(5, 10), Point(10, 5)]])
        #expect(abs(try #require(diamond.clipped(to: box)).planarArea - 12.5) < 1e-9)
        // A hole straddling the edge is clipped too.
        let withHole = Geometry.polygon([
            [Point(-10, -10), Point(20, -10), Point(20, 20), Point(-10, 20), Point(-10, -10)],
            [Point(8, 4), Point(12, 4), Point(12, 6), Point(8, 6), Point(8, 4)],
        ])
        #expect(abs(try #require(withHole.clipped(to: box)).planarArea - 96) < 1e-9)
        // A polygon covering the whole box becomes the box.
        let cover = Geometry.polygon([[Point(-100, -100), Point(100, -100), Point(100, 100), Point(-100, 100), Point(-100, -100)]])
        #expect(abs(try #require(cover.clipped(to: box)).planarArea - 100) < 1e-9)
    }

    @Test func insideAndOutside() {
        #expect(squareWithHole.clipped(to: box.expanded(by: 1)) == squareWithHole)
        #expect(squareWithHole.clipped(to: BoundingBox(minX: 20, minY: 20, maxX: 30, maxY: 30)) == nil)
        let ring = [Point(20, 0), Point(30, 0), Point(30, 5), Point(20, 0)]
        #expect(Geometry.multiPolygon([[ring], [[Point(1, 1), Point(2, 1), Point(2, 2), Point(1, 1)]]]).clipped(to: box)
            == .multiPolygon([[[Point(1, 1), Point(2, 1), Point(2, 2), Point(1, 1)]]]))
        // The outer ring misses the box while the bounding boxes meet: nothing is left.
        let lShape = Geometry.polygon([[Point(-5, -5), Point(20, -5), Point(20, -1), Point(-1, -1), Point(-1, 20), Point(-5, 20), Point(-5, -5)]])
        #expect(lShape.clipped(to: box) == nil)
    }

    @Test func linesSplitIntoParts() throws {
        let line = Geometry.lineString([Point(-5, 5), Point(5, 5), Point(5, 15), Point(8, 15), Point(8, 5), Point(15, 5)])
        let clipped = try #require(line.clipped(to: box))
        #expect(clipped == .multiLineString([
            [Point(0, 5), Point(5, 5), Point(5, 10)],
            [Point(8, 10), Point(8, 5), Point(10, 5)],
        ]))
        let crossing = Geometry.lineString([Point(-5, -5), Point(15, 15)])
        #expect(crossing.clipped(to: box) == .lineString([Point(0, 0), Point(10, 10)]))
        #expect(Geometry.lineString([Point(-5, 20), Point(20, 20)]).clipped(to: box) == nil)
        let multi = Geometry.multiLineString([[Point(-1, 1), Point(1, 1)], [Point(20, 20), Point(30, 30)]])
        #expect(multi.clipped(to: box) == .multiLineString([[Point(0, 1), Point(1, 1)]]))
        #expect(Clip.line([Point(2, 2)], to: box).isEmpty)
        // Running along the border stays.
        #expect(Clip.line([Point(0, -5), Point(0, 15)], to: box) == [[Point(0, 0), Point(0, 10)]])
    }

    @Test func pointsAreFiltered() {
        #expect(Geometry.point(Point(3, 3)).clipped(to: box) == .point(Point(3, 3)))
        #expect(Geometry.point(Point(13, 3)).clipped(to: box) == nil)
        #expect(Geometry.multiPoint([Point(1, 1), Point(11, 1), Point(10, 10)]).clipped(to: box)
            == .multiPoint([Point(1, 1), Point(10, 10)]))
        let collection = Geometry.geometryCollection([.point(Point(20, 20)), .point(Point(1, 1))])
        #expect(collection.clipped(to: box) == .geometryCollection([.point(Point(1, 1))]))
    }

    @Test func segmentParameters() throws {
        let t = try #require(Clip.segment(Point(-10, 5), Point(10, 5), to: box))
        #expect(t.t0 == 0.5 && t.t1 == 1)
        #expect(Clip.segment(Point(-10, -5), Point(-1, 20), to: box) == nil)
    }
}
