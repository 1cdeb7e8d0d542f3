import Testing
import Geometry

/// Reference areas and lengths computed with GeographicLib (geodesic edges on WGS84) and
/// Python's math module.
@Suite("Measures")
struct MeasureTests {
    static func cell(lon: Double, lat: Double, size: Double = 1) -> Geometry {
        .polygon([[Point(lon, lat), Point(lon + size, lat), Point(lon + size, lat + size),
                   Point(lon, lat + size), Point(lon, lat)]])
    }

    @Test func ellipsoidalAreas() {
        // GeographicLib: 12 308 778 361 m² at the equator, 6 122 943 163 m² at 60° N.
        #expect(close(Self.cell(lon: 0, lat: 0).ellipsoidalArea, 12_308_778_361, relative: 0.005))
        #expect(close(Self.cell(lon: 0, lat: 60).ellipsoidalArea, 6_122_943_163, relative: 0.005))
        #expect(close(Self.cell(lon: 105, lat: 21).ellipsoidalArea, 11_473_232_814, relative: 0.005))
        #expect(close(Self.cell(lon: 0, lat: 0).ellipsoidalArea, 12_308_778_361, relative: 1e-5))
        #expect(close(Self.cell(lon: 0, lat: 60).ellipsoidalArea, 6_122_943_163, relative: 1e-5))
        // Indochina, 8° × 15.5°: 1 467 914 614 801 m²; Europe, 40° × 30°: 8 128 377 116 591 m².
        let indochina = Geometry.polygon([[Point(102, 8), Point(110, 8), Point(110, 23.5), Point(102, 23.5), Point(102, 8)]])
        #expect(close(indochina.ellipsoidalArea, 1_467_914_614_801, relative: 1e-4))
        let europe = Geometry.polygon([[Point(-10, 40), Point(30, 40), Point(30, 70), Point(-10, 70), Point(-10, 40)]])
        #expect(close(europe.ellipsoidalArea, 8_128_377_116_591, relative: 0.001))
        // A triangle across northern Vietnam and Laos, 606 169 km² by GeographicLib.
        let triangle = Geometry.polygon([[Point(100, 10), Point(110, 10), Point(105, 20), Point(100, 10)]])
        #expect(close(triangle.ellipsoidalArea, 606_169_104_779, relative: 1e-4))
        // Orientation does not matter; open rings are closed.
        let reversed = Geometry.polygon([[Point(100, 10), Point(105, 20), Point(110, 10)]])
        #expect(close(reversed.ellipsoidalArea, triangle.ellipsoidalArea, relative: 1e-12))
        // Holes subtract; multi-polygons add.
        let withHole = Geometry.polygon([
            [Point(0, 0), Point(2, 0), Point(2, 2), Point(0, 2), Point(0, 0)],
            [Point(0.5, 0.5), Point(0.5, 1.5), Point(1.5, 1.5), Point(1.5, 0.5), Point(0.5, 0.5)],
        ])
        let twoByTwo = Self.cell(lon: 0, lat: 0, size: 2).ellipsoidalArea
        let hole = Self.cell(lon: 0.5, lat: 0.5).ellipsoidalArea
        #expect(close(withHole.ellipsoidalArea, twoByTwo - hole, relative: 1e-12))
        guard case .polygon(let a) = Self.cell(lon: 0, lat: 0), case .polygon(let b) = Self.cell(lon: 10, lat: 0) else { return }
        #expect(close(Geometry.multiPolygon([a, b]).ellipsoidalArea, 2 * Self.cell(lon: 0, lat: 0).ellipsoidalArea, relative: 1e-9))
        // Across the antimeridian.
        let dateLine = Geometry.polygon([[Point(179.5, 0), Point(-179.5, 0), Point(-179.5, 1), Point(179.5, 1), Point(179.5, 0)]])
        #expect(close(dateLine.ellipsoidalArea, Self.cell(lon: 0, lat: 0).ellipsoidalArea, relative: 1e-9))
        #expect(Geometry.lineString([Point(0, 0), Point(1, 1)]).ellipsoidalArea == 0)
    }

    @Test func lengths() {
        // Haversine on R = 6 371 008.8 m; GeographicLib gives 111 319.49 m along the equator
        // and 1 137 901.7 m from Hà Nội to Thành phố Hồ Chí Minh.
        let degree = Geometry.lineString([Point(0, 0), Point(1, 0)]).haversineLength
        #expect(close(degree, 111_195.0802335329, relative: 1e-9))
        #expect(close(degree, 111_319.49079327357, relative: 0.005))
        let route = Geometry.lineString([Point(105.85, 21.03), Point(106.70, 10.78)]).haversineLength
        #expect(close(route, 1_143_356.4639040006, relative: 1e-9))
        #expect(close(route, 1_137_901.668346809, relative: 0.01))
        #expect(close(Self.cell(lon: 0, lat: 0).haversineLength, 4 * 111_195.0802335329, relative: 0.001))
        #expect(Geometry.point(Point(1, 1)).haversineLength == 0)
    }

    @Test func planarAreaAndCentroid() throws {
        #expect(squareWithHole.planarArea == 96)
        #expect(Measure.signedArea(ofRing: [Point(0, 0), Point(1, 0), Point(1, 1), Point(0, 1)]) == 1)
        #expect(Measure.signedArea(ofRing: [Point(0, 0), Point(0, 1), Point(1, 1), Point(1, 0), Point(0, 0)]) == -1)
        #expect(close(try #require(squareWithHole.centroid), Point(5, 5), 1e-12))
        let offCentre = Geometry.polygon([
            [Point(0, 0), Point(10, 0), Point(10, 10), Point(0, 10), Point(0, 0)],
            [Point(0, 0), Point(5, 0), Point(5, 10), Point(0, 10), Point(0, 0)],
        ])
        #expect(close(try #require(offCentre.centroid), Point(7.5, 5), 1e-12))
        #expect(close(try #require(Geometry.lineString([Point(0, 0), Point(10, 0), Point(10, 10)]).centroid), Point(7.5, 2.5), 1e-12))
        #expect(Geometry.multiPoint([Point(0, 0), Point(2, 4)]).centroid == Point(1, 2))
        #expect(Geometry.multiPoint([]).centroid == nil)
        let mixed = Geometry.geometryCollection([.point(Point(100, 100)), squareWithHole])
        #expect(close(try #require(mixed.centroid), Point(5, 5), 1e-12))
        // Large projected coordinates keep their precision.
        let far = squareWithHole.mapPoints { Point($0.x + 11_783_168, $0.y + 2_395_456) }
        #expect(close(try #require(far.centroid), Point(11_783_173, 2_395_461), 1e-6))
        #expect(abs(far.planarArea - 96) < 1e-6)
    }

    @Test func pointInPolygon() {
        #expect(squareWithHole.contains(Point(1, 1)))
        #expect(!squareWithHole.contains(Point(5, 5)))
        #expect(!squareWithHole.contains(Point(11, 5)))
        #expect(squareWithHole.contains(Point(3.9, 5)))
        let multi = Geometry.multiPolygon([
            [[Point(0, 0), Point(1, 0), Point(1, 1), Point(0, 0)]],
            [[Point(5, 5), Point(6, 5), Point(6, 6), Point(5, 5)]],
        ])
        #expect(multi.contains(Point(5.9, 5.1)))
        #expect(!multi.contains(Point(3, 3)))
        #expect(!Geometry.lineString([Point(0, 0), Point(1, 1)]).contains(Point(0.5, 0.5)))
    }

    @Test func distances() {
        #expect(Measure.distance(from: Point(5, 5), toSegment: Point(0, 0), Point(10, 0)) == 5)
        #expect(Measure.distance(from: Point(-3, 4), toSegment: Point(0, 0), Point(10, 0)) == 5)
        #expect(Measure.distance(from: Point(3, 4), toSegment: Point(0, 0), Point(0, 0)) == 5)
        let line = Geometry.lineString([Point(0, 0), Point(10, 0), Point(10, 10)])
        #expect(line.distance(from: Point(13, 5)) == 3)
        #expect(squareWithHole.distance(from: Point(1, 1)) == 0)
        #expect(squareWithHole.distanceToBoundary(from: Point(1, 2)) == 1)
        #expect(squareWithHole.distance(from: Point(5, 5)) == 1)
        #expect(squareWithHole.distance(from: Point(13, 14)) == 5)
        #expect(Geometry.multiPoint([]).distance(from: Point(0, 0)) == .infinity)
        #expect(Measure.distance(from: Point(0, 0), toLine: []) == .infinity)
    }
}
