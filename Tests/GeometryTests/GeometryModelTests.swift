import Testing
import Geometry

@Suite("Point, BoundingBox and Geometry")
struct GeometryModelTests {
    @Test func boxUnionIntersectsContains() {
        let a = BoundingBox(minX: 0, minY: 0, maxX: 10, maxY: 10)
        let b = BoundingBox(minX: 5, minY: -5, maxX: 15, maxY: 5)
        #expect(a.union(b) == BoundingBox(minX: 0, minY: -5, maxX: 15, maxY: 10))
        #expect(a.intersects(b))
        #expect(a.intersection(b) == BoundingBox(minX: 5, minY: 0, maxX: 10, maxY: 5))
        #expect(a.contains(Point(10, 10)))
        #expect(!a.contains(Point(10.000001, 5)))
        #expect(a.contains(BoundingBox(minX: 1, minY: 1, maxX: 2, maxY: 2)))
        #expect(!a.contains(b))
        let touching = BoundingBox(minX: 10, minY: 10, maxX: 20, maxY: 20)
        #expect(a.intersects(touching))
        let apart = BoundingBox(minX: 11, minY: 0, maxX: 20, maxY: 1)
        #expect(!a.intersects(apart))
        #expect(a.intersection(apart) == nil)
        #expect(a.expanded(by: 2) == BoundingBox(minX: -2, minY: -2, maxX: 12, maxY: 12))
        #expect(a.expanded(by: -6).isEmpty)
        #expect(a.width == 10 && a.height == 10 && a.center == Point(5, 5))
    }

    @Test func emptyBox() {
        let empty = BoundingBox.empty
        #expect(empty.isEmpty)
        #expect(BoundingBox(points: []).isEmpty)
        #expect(!empty.contains(Point(0, 0)))
        #expect(!empty.intersects(BoundingBox(minX: -1, minY: -1, maxX: 1, maxY: 1)))
        let box = BoundingBox(minX: 1, minY: 2, maxX: 3, maxY: 4)
        #expect(empty.union(box) == box)
        #expect(box.union(empty) == box)
        #expect(empty.expanded(by: 5).isEmpty)
        #expect(empty.width == 0)
        #expect(BoundingBox(minX: .nan, minY: 0, maxX: 1, maxY: 1).isEmpty)
        #expect(empty.union(Point(3, 4)) == BoundingBox(minX: 3, minY: 4, maxX: 3, maxY: 4))
    }

    @Test func geometryBoxKindAndCount() {
        #expect(squareWithHole.bbox == BoundingBox(minX: 0, minY: 0, maxX: 10, maxY: 10))
        #expect(squareWithHole.vertexCount == 10)
        #expect(squareWithHole.kind == .polygon)
        #expect(squareWithHole.typeName == "Polygon")
        #expect(Geometry.point(Point(1, 2)).bbox == BoundingBox(minX: 1, minY: 2, maxX: 1, maxY: 2))
        #expect(Geometry.multiPoint([]).kind == .point)
        #expect(Geometry.multiLineString([]).kind == .line)
        #expect(Geometry.multiPolygon([]).kind == .polygon)
        #expect(Geometry.lineString([]).bbox.isEmpty)
        #expect(Geometry.lineString([]).isEmpty)
        let lines = Geometry.geometryCollection([.lineString([Point(0, 0), Point(1, 1)]),
                                                 .multiLineString([[Point(5, 5), Point(6, 7)]])])
        #expect(lines.kind == .line)
        #expect(lines.vertexCount == 4)
        #expect(lines.bbox == BoundingBox(minX: 0, minY: 0, maxX: 6, maxY: 7))
        #expect(Geometry.geometryCollection([.point(Point(0, 0)), lines]).kind == .mixed)
        #expect(Geometry.geometryCollection([]).kind == .mixed)
    }

    @Test func mapPointsKeepsStructure() {
        let moved = squareWithHole.mapPoints { Point($0.x + 1, $0.y * 2) }
        guard case .polygon(let rings) = moved else {
            Issue.record("expected a polygon")
            return
        }
        #expect(rings.count == 2)
        #expect(rings[1][1] == Point(5, 12))
        #expect(moved.bbox == BoundingBox(minX: 1, minY: 0, maxX: 11, maxY: 20))
    }
}
