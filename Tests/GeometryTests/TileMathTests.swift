import Foundation
import Testing
import Geometry

/// Expected values computed independently with Python's math module (tile numbers by the
/// OpenStreetMap wiki formula, bounds from π·R and 2^z).
@Suite("Web Mercator, tiles and transforms")
struct TileMathTests {
    @Test(arguments: [
        (105.85, 21.03, 10, 813, 450),
        (105.85, 21.03, 14, 13009, 7212),
        (105.85, 21.03, 18, 208149, 115402),
        (106.7, 10.78, 12, 3262, 1924),
        (-122.4194, 37.7749, 12, 655, 1583),
        (0.0, 0.0, 1, 1, 1),
        (-0.1, 0.1, 1, 0, 0),
        (179.999, -85.0, 5, 31, 31),
        (0.0, 0.0, 0, 0, 0),
    ])
    func tileContainingLonLat(lon: Double, lat: Double, z: Int, x: Int, y: Int) {
        #expect(TileID.containing(lonLat: Point(lon, lat), zoom: z) == TileID(z: z, x: x, y: y))
    }

    @Test func tileContainingEdgesAndInvalid() {
        #expect(TileID.containing(lonLat: Point(180, 90), zoom: 3) == TileID(z: 3, x: 7, y: 0))
        #expect(TileID.containing(lonLat: Point(-180, -90), zoom: 3) == TileID(z: 3, x: 0, y: 7))
        #expect(TileID.containing(lonLat: Point(500, 0), zoom: 3) == TileID(z: 3, x: 7, y: 4))
        #expect(TileID.containing(lonLat: Point(.nan, 0), zoom: 3) == nil)
        #expect(TileID.containing(lonLat: Point(0, 0), zoom: 25) == nil)
        #expect(TileID.containing(lonLat: Point(0, 0), zoom: -1) == nil)
    }

    @Test func tileValidation() throws {
        #expect(TileID(z: 0, x: 0, y: 0) != nil)
        #expect(TileID(z: 24, x: (1 << 24) - 1, y: 0) != nil)
        #expect(TileID(z: 25, x: 0, y: 0) == nil)
        #expect(TileID(z: -1, x: 0, y: 0) == nil)
        #expect(TileID(z: 10, x: 1024, y: 0) == nil)
        #expect(TileID(z: 10, x: 0, y: -1) == nil)
        #expect(try TileID.validated(z: 10, x: 813, y: 450).description == "10/813/450")
        #expect(throws: GeometryError.invalidTile(z: 10, x: 1024, y: 3)) {
            try TileID.validated(z: 10, x: 1024, y: 3)
        }
        #expect(GeometryError.invalidTile(z: 10, x: 1024, y: 3).description
            == "tile 10/1024/3: x and y must be in 0...1023 at zoom 10")
        #expect(GeometryError.invalidTile(z: 30, x: 0, y: 0).description
            == "tile 30/0/0: zoom 30 is outside 0...24")
    }

    @Test func tileBounds() throws {
        let tile = try #require(TileID(z: 10, x: 813, y: 450))
        let m = tile.mercatorBounds
        #expect(abs(m.minX - 11779863.303085081) < 1e-6)
        #expect(abs(m.minY - 2387281.2674026266) < 1e-6)
        #expect(abs(m.maxX - 11818999.061567094) < 1e-6)
        #expect(abs(m.maxY - 2426417.0258846357) < 1e-6)
        let g = tile.lonLatBounds
        #expect(abs(g.minX - 105.8203125) < 1e-9)
        #expect(abs(g.minY - 20.961439614096836) < 1e-9)
        #expect(abs(g.maxX - 106.171875) < 1e-9)
        #expect(abs(g.maxY - 21.28937435586042) < 1e-9)
        #expect(TileID(z: 0, x: 0, y: 0)?.mercatorBounds == WebMercator.worldBounds)
        let world = try #require(TileID(z: 0, x: 0, y: 0)).lonLatBounds
        #expect(abs(world.maxY - WebMercator.maxLatitude) < 1e-9)
    }

    @Test func parentsAndChildren() throws {
        let tile = try #require(TileID(z: 10, x: 813, y: 450))
        #expect(tile.parent == TileID(z: 9, x: 406, y: 225))
        #expect(tile.children == [TileID(z: 11, x: 1626, y: 900), TileID(z: 11, x: 1627, y: 900),
                                  TileID(z: 11, x: 1626, y: 901), TileID(z: 11, x: 1627, y: 901)].compactMap { $0 })
        #expect(TileID(z: 0, x: 0, y: 0)?.parent == nil)
        #expect(TileID(z: 24, x: 0, y: 0)?.children == [])
        for child in tile.children { #expect(child.parent == tile) }
    }

    @Test func resolution() {
        #expect(abs(TileMath.resolution(zoom: 0) - 156543.03392804097) < 1e-8)
        #expect(abs(TileMath.resolution(zoom: 0, tileSize: 512) - 78271.51696402048) < 1e-8)
        #expect(abs(TileMath.resolution(zoom: 10) - 152.8740565703525) < 1e-10)
        #expect(abs(TileMath.zoom(forResolution: 152.8740565703525) - 10) < 1e-12)
        #expect(TileMath.tilesPerSide(zoom: 10) == 1024)
    }

    @Test func tileRanges() throws {
        let hanoi = BoundingBox(minX: 105.7, minY: 20.9, maxX: 106.0, maxY: 21.1)
        let range = try #require(TileMath.tiles(coveringLonLat: hanoi, zoom: 10))
        #expect(range.xs == 812...813)
        #expect(range.ys == 450...451)
        #expect(range.count == 4)
        #expect(Array(range) == [TileID(z: 10, x: 812, y: 450), TileID(z: 10, x: 813, y: 450),
                                 TileID(z: 10, x: 812, y: 451), TileID(z: 10, x: 813, y: 451)].compactMap { $0 })
        for tile in range {
            #expect(tile.lonLatBounds.intersects(hanoi))
        }
        let everything = try #require(TileMath.tiles(coveringMercator: WebMercator.worldBounds.expanded(by: 1e6), zoom: 2))
        #expect(everything.count == 16)
        #expect(TileMath.tiles(coveringMercator: .empty, zoom: 2) == nil)
        #expect(TileMath.tiles(coveringLonLat: hanoi, zoom: 30) == nil)
    }

    @Test func mercatorKnownValues() {
        let hanoi = WebMercator.project(lon: 105.85, lat: 21.03)
        #expect(abs(hanoi.x - 11783168.100468006) < 1e-6)
        #expect(abs(hanoi.y - 2395456.127103677) < 1e-6)
        #expect(abs(WebMercator.halfWorld - 20037508.342789244) < 1e-6)
        #expect(abs(WebMercator.project(lon: 180, lat: WebMercator.maxLatitude).y - WebMercator.halfWorld) < 1e-6)
        #expect(WebMercator.project(lon: 0, lat: 89.9) == WebMercator.project(lon: 0, lat: 85.051128779806596))
        #expect(WebMercator.project(lon: 0, lat: -90).y == -WebMercator.project(lon: 0, lat: 90).y)
        #expect(WebMercator.project(lon: 0, lat: 0) == Point(0, 0))
    }

    @Test func mercatorRoundTripPrecision() {
        var worst = 0.0
        var lat = -85.0
        while lat <= 85 {
            var lon = -180.0
            while lon <= 180 {
                let back = WebMercator.unproject(WebMercator.project(lon: lon, lat: lat))
                worst = max(worst, abs(back.x - lon), abs(back.y - lat))
                lon += 7.3
            }
            lat += 2.9
        }
        #expect(worst < 1e-9)
        let box = BoundingBox(minX: 102, minY: 8, maxX: 110, maxY: 23.5)
        let again = WebMercator.unproject(WebMercator.project(box))
        #expect(abs(again.minY - 8) < 1e-9 && abs(again.maxX - 110) < 1e-9)
    }

    @Test func transformToTilePixels() throws {
        let tile = try #require(TileID(z: 10, x: 813, y: 450))
        let transform = Transform(tile: tile)
        let bounds = tile.mercatorBounds
        #expect(close(transform.apply(Point(bounds.minX, bounds.maxY)), Point(0, 0), 1e-6))
        #expect(close(transform.apply(Point(bounds.maxX, bounds.minY)), Point(256, 256), 1e-6))
        let hanoi = transform.apply(WebMercator.project(lon: 105.85, lat: 21.03))
        #expect(close(hanoi, Point(21.617777777773828, 202.52552640748792), 1e-6))
        let retina = Transform(tile: tile, tileSize: 512)
        #expect(close(retina.apply(Point(bounds.maxX, bounds.minY)), Point(512, 512), 1e-6))
        let inverse = try #require(transform.inverted)
        #expect(close(inverse.apply(hanoi), WebMercator.project(lon: 105.85, lat: 21.03), 1e-6))
        let roundTrip = transform.followed(by: inverse)
        #expect(close(roundTrip.apply(Point(11790000, 2400000)), Point(11790000, 2400000), 1e-6))
        #expect(transform.apply(bounds) == BoundingBox(minX: transform.apply(Point(bounds.minX, bounds.maxY)).x,
                                                        minY: transform.apply(Point(bounds.minX, bounds.maxY)).y,
                                                        maxX: transform.apply(Point(bounds.maxX, bounds.minY)).x,
                                                        maxY: transform.apply(Point(bounds.maxX, bounds.minY)).y))
        #expect(Transform(mapping: BoundingBox(minX: 0, minY: 0, maxX: 0, maxY: 1), width: 10, height: 10).inverted == nil)
        let square = Transform(mapping: BoundingBox(minX: 0, minY: 0, maxX: 10, maxY: 10), width: 100, height: 100)
        #expect(square.apply(Geometry.lineString([Point(0, 0), Point(10, 10)]))
            == .lineString([Point(0, 100), Point(100, 0)]))
    }
}
