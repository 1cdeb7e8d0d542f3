import Foundation
import Geometry
import Testing
@testable import Store

/// The thinned copies of a large version for low zooms, built straight from features.
struct VersionOverviewTests {
    /// `count` points spread over a box of Quảng Ninh, deterministically, in Web Mercator.
    static func points(_ count: Int) -> [(Int64, Geometry)] {
        var state: UInt64 = 7
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        return (1...count).map { id in
            let p = Point(x: 106.5 + next() * 1.5, y: 20.8 + next() * 0.9)
            return (Int64(id), Geometry.point(p).projectedToWebMercator())
        }
    }

    static func ids(_ index: SpatialTableIndex) -> Set<Int64> {
        Set(index.ids(intersecting: WebMercator.worldBounds))
    }

    @Test func pointsAreThinnedToOnePerCellAndZoomingInOnlyAddsPoints() throws {
        let features = Self.points(20_000)
        var builder = VersionOverview.Builder(attributeCount: 0, maxZoom: 11, featureBudget: 1_000_000)
        for (id, geometry) in features { builder.add(id: id, geometry: geometry, attributes: []) }
        let overview = builder.build(attributeNames: [])
        #expect(overview.maxZoom == 11)
        var previous = Set<Int64>()
        for zoom in 0...11 {
            let index = try #require(overview.index(zoom: zoom))
            let kept = Self.ids(index)
            #expect(previous.isSubset(of: kept), "z\(zoom) keeps every point of z\(zoom - 1)")
            // No two kept points share a cell of two pixels.
            let cell = TileMath.resolution(zoom: zoom) * VersionOverview.pointCellPixels
            var cells = Set<String>()
            index.forEachFeature(intersecting: WebMercator.worldBounds) { f in
                let key = "\(Int((f.coordinates[0] / cell).rounded(.down))) \(Int((f.coordinates[1] / cell).rounded(.down)))"
                #expect(cells.insert(key).inserted, "z\(zoom): feature \(f.id) shares its cell")
            }
            // Each kept point is the first, in id order, of its cell.
            var first: [String: Int64] = [:]
            for (id, geometry) in features {
                guard case .point(let p) = geometry else { continue }
                let key = "\(Int((p.x / cell).rounded(.down))) \(Int((p.y / cell).rounded(.down)))"
                if first[key] == nil { first[key] = id }
            }
            #expect(kept == Set(first.values), "z\(zoom)")
            previous = kept
        }
        // The box is 17 × 11 pixels at z4 (at most 9 × 6 cells of two) and 2 200 × 1 400 at z11.
        #expect(try #require(overview.index(zoom: 4)).count <= 60)
        #expect(try #require(overview.index(zoom: 11)).count > 10_000)
        #expect(overview.index(zoom: 12) == nil)
    }

    @Test func largeFeaturesAreAllKeptSimplifiedAndSmallOnesBecomeDots() throws {
        // A wiggly line across the province (1 000 vertices, 2.5°), and 5 000 tiny squares near one spot.
        let wiggle = (0..<1000).map { i in Point(x: 106.0 + Double(i) / 400, y: 21 + 0.02 * sin(Double(i) / 5)) }
        var builder = VersionOverview.Builder(attributeCount: 1, maxZoom: 10, featureBudget: 1_000_000)
        builder.add(id: 1, geometry: Geometry.lineString(wiggle).projectedToWebMercator(), attributes: [.text("sông")])
        for i in 0..<5000 {
            let x = 107 + Double(i % 100) * 0.0001, y = 21 + Double(i / 100) * 0.0001
            let square = [Point(x: x, y: y), Point(x: x + 0.00005, y: y), Point(x: x + 0.00005, y: y + 0.00005),
                          Point(x: x, y: y + 0.00005), Point(x: x, y: y)]
            builder.add(id: Int64(2 + i), geometry: Geometry.polygon([square]).projectedToWebMercator(),
                        attributes: [.integer(Int64(i))])
        }
        let overview = builder.build(attributeNames: ["ten"])
        var vertices: [Int] = []
        for zoom in 0...10 {
            let index = try #require(overview.index(zoom: zoom))
            var line = 0, dots = 0
            index.forEachFeature(intersecting: WebMercator.worldBounds) { f in
                if f.id == 1 {
                    line += 1
                    vertices.append(f.coordinates.count / 2)
                    #expect(Array(f.attributes) == [.text("sông")])
                } else {
                    dots += 1
                    #expect(f.partEnds.isEmpty, "a square smaller than a pixel is drawn as a dot from its box")
                }
            }
            #expect(line == 1, "z\(zoom): the line is kept at every zoom")
            // The squares cover about 0.01° (1.1 km): at most a few cells of a pixel at z10.
            #expect(dots >= 1 && dots <= 64, "z\(zoom): \(dots) dots")
        }
        #expect(vertices.first! < vertices.last!, "lower zooms hold fewer vertices")
        #expect(vertices.last! < 1000)
    }

    @Test func levelsOverTheBudgetAreLeftOutFromTheTop() throws {
        let features = Self.points(20_000)
        var builder = VersionOverview.Builder(attributeCount: 0, maxZoom: 11, featureBudget: 8_000)
        for (id, geometry) in features { builder.add(id: id, geometry: geometry, attributes: []) }
        let overview = builder.build(attributeNames: [])
        #expect(overview.maxZoom < 11)
        #expect(overview.featureCount <= 8_000)
        #expect(overview.index(zoom: overview.maxZoom + 1) == nil)
        // A tile at high density (half a zoom's resolution) reads the next zoom's level.
        let z5 = TileMath.resolution(zoom: 5)
        #expect(overview.index(resolution: z5) === overview.index(zoom: 5))
        #expect(overview.index(resolution: z5 / 2) === overview.index(zoom: 6))
        #expect(overview.index(resolution: TileMath.resolution(zoom: overview.maxZoom + 1)) == nil)
    }
}
