import Foundation

/// The address of one tile of the XYZ pyramid ("slippy map" as in OpenStreetMap and Leaflet):
/// zoom `z` splits the Web Mercator world into 2^z × 2^z tiles, `x` counted from the west
/// (−180°) and `y` from the north (+85.05°).
public struct TileID: Sendable, Hashable {
    public let z: Int
    public let x: Int
    public let y: Int

    /// The deepest zoom the portal addresses.
    public static let maxZoom = 24

    /// A tile, or nil when `z` is outside 0...`maxZoom` or `x`/`y` outside 0..<2^z.
    public init?(z: Int, x: Int, y: Int) {
        guard TileID.isValid(z: z, x: x, y: y) else { return nil }
        self.z = z
        self.x = x
        self.y = y
    }

    /// A tile; throws `GeometryError.invalidTile` where `init?(z:x:y:)` returns nil.
    public static func validated(z: Int, x: Int, y: Int) throws -> TileID {
        guard let tile = TileID(z: z, x: x, y: y) else {
            throw GeometryError.invalidTile(z: z, x: x, y: y)
        }
        return tile
    }

    private static func isValid(z: Int, x: Int, y: Int) -> Bool {
        guard z >= 0, z <= maxZoom else { return false }
        let side = 1 << z
        return x >= 0 && x < side && y >= 0 && y < side
    }

    /// The tile's extent in Web Mercator metres.
    public var mercatorBounds: BoundingBox {
        let size = TileMath.tileSpan(zoom: z)
        let minX = -WebMercator.halfWorld + Double(x) * size
        let maxY = WebMercator.halfWorld - Double(y) * size
        return BoundingBox(minX: minX, minY: maxY - size, maxX: minX + size, maxY: maxY)
    }

    /// The tile's extent in longitude/latitude degrees.
    public var lonLatBounds: BoundingBox {
        WebMercator.unproject(mercatorBounds)
    }

    /// The tile one zoom out that covers this one; nil at zoom 0.
    public var parent: TileID? {
        TileID(z: z - 1, x: x >> 1, y: y >> 1)
    }

    /// The four tiles one zoom in, north-west first then row by row; empty at `maxZoom`.
    public var children: [TileID] {
        guard z < TileID.maxZoom else { return [] }
        return [(0, 0), (1, 0), (0, 1), (1, 1)].compactMap { dx, dy in
            TileID(z: z + 1, x: 2 * x + dx, y: 2 * y + dy)
        }
    }

    /// The tile holding a lon/lat position at `zoom`; latitudes beyond ±85.05° fall in the
    /// first or last row, longitude ±180 in the first or last column. Nil for an invalid zoom
    /// or a non-finite position.
    public static func containing(lonLat: Point, zoom: Int) -> TileID? {
        guard lonLat.isFinite else { return nil }
        return containing(mercator: WebMercator.project(lonLat), zoom: zoom)
    }

    /// The tile holding a Web Mercator position at `zoom`; positions outside the world fall in
    /// the nearest edge tile. Nil for an invalid zoom or a non-finite position.
    public static func containing(mercator: Point, zoom: Int) -> TileID? {
        guard zoom >= 0, zoom <= maxZoom, mercator.isFinite else { return nil }
        let (x, y) = TileMath.tileIndices(mercator: mercator, zoom: zoom)
        return TileID(z: zoom, x: x, y: y)
    }
}

extension TileID: CustomStringConvertible {
    /// "z/x/y", as in tile URLs.
    public var description: String { "\(z)/\(x)/\(y)" }
}

/// A rectangle of tiles at one zoom, iterated row by row from the north-west.
public struct TileRange: Sendable, Hashable, Sequence {
    public let z: Int
    public let xs: ClosedRange<Int>
    public let ys: ClosedRange<Int>

    /// How many tiles the range holds.
    public var count: Int { xs.count * ys.count }

    public func makeIterator() -> Iterator {
        Iterator(range: self, x: xs.lowerBound, y: ys.lowerBound)
    }

    /// Walks the tiles of a `TileRange`.
    public struct Iterator: IteratorProtocol {
        let range: TileRange
        var x: Int
        var y: Int

        public mutating func next() -> TileID? {
            guard y <= range.ys.upperBound else { return nil }
            let tile = TileID(z: range.z, x: x, y: y)
            if x < range.xs.upperBound {
                x += 1
            } else {
                x = range.xs.lowerBound
                y += 1
            }
            return tile
        }
    }
}

/// Scale arithmetic of the XYZ pyramid.
public enum TileMath {
    /// The number of tiles along each side of the world at `zoom`: 2^zoom.
    public static func tilesPerSide(zoom: Int) -> Int {
        1 << zoom
    }

    /// The side of one tile at `zoom` in Web Mercator metres.
    public static func tileSpan(zoom: Int) -> Double {
        2 * WebMercator.halfWorld / Double(1 << zoom)
    }

    /// Metres per pixel at `zoom` (at the equator, as Web Mercator measures them) for square
    /// tiles of `tileSize` pixels: 156 543.03 m at zoom 0 for 256 px, half that for 512 px.
    public static func resolution(zoom: Int, tileSize: Int = 256) -> Double {
        tileSpan(zoom: zoom) / Double(tileSize)
    }

    /// The (fractional) zoom at which one pixel spans `metresPerPixel`; the inverse of
    /// `resolution(zoom:tileSize:)`, for turning scale ranges into zoom ranges.
    public static func zoom(forResolution metresPerPixel: Double, tileSize: Int = 256) -> Double {
        log2(2 * WebMercator.halfWorld / (Double(tileSize) * metresPerPixel))
    }

    /// The tiles at `zoom` that meet a box in Web Mercator metres, clamped to the world.
    /// Nil for an invalid zoom or a box that is empty or misses the world.
    public static func tiles(coveringMercator box: BoundingBox, zoom: Int) -> TileRange? {
        guard zoom >= 0, zoom <= TileID.maxZoom, !box.isEmpty,
              box.intersects(WebMercator.worldBounds) else { return nil }
        let (x0, y0) = tileIndices(mercator: Point(x: box.minX, y: box.maxY), zoom: zoom)
        let (x1, y1) = tileIndices(mercator: Point(x: box.maxX, y: box.minY), zoom: zoom)
        return TileRange(z: zoom, xs: x0...x1, ys: y0...y1)
    }

    /// The tiles at `zoom` that meet a box in lon/lat degrees.
    public static func tiles(coveringLonLat box: BoundingBox, zoom: Int) -> TileRange? {
        tiles(coveringMercator: WebMercator.project(box), zoom: zoom)
    }

    /// Column and row of the tile holding a finite Web Mercator position, clamped to the world.
    static func tileIndices(mercator: Point, zoom: Int) -> (x: Int, y: Int) {
        let side = Double(1 << zoom)
        let world = 2 * WebMercator.halfWorld
        let fx = (mercator.x + WebMercator.halfWorld) / world * side
        let fy = (WebMercator.halfWorld - mercator.y) / world * side
        let last = side - 1
        let x = Swift.min(Swift.max(fx.rounded(.down), 0), last)
        let y = Swift.min(Swift.max(fy.rounded(.down), 0), last)
        return (Int(x), Int(y))
    }
}
