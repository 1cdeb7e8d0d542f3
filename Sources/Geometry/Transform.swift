/// An axis-aligned affine map, `x' = scaleX·x + translateX`, `y' = scaleY·y + translateY`:
/// the map from Web Mercator metres to the pixels of a tile (y flipped, growing downwards),
/// and back. Applying it is two multiply-adds per point.
public struct Transform: Sendable, Hashable {
    public var scaleX: Double
    public var scaleY: Double
    public var translateX: Double
    public var translateY: Double

    @inlinable
    public init(scaleX: Double, scaleY: Double, translateX: Double, translateY: Double) {
        self.scaleX = scaleX
        self.scaleY = scaleY
        self.translateX = translateX
        self.translateY = translateY
    }

    /// The map that changes nothing.
    public static let identity = Transform(scaleX: 1, scaleY: 1, translateX: 0, translateY: 0)

    /// Maps `box` onto a `width` × `height` pixel image: its north-west corner (minX, maxY) to
    /// (0, 0) and its south-east corner (maxX, minY) to (width, height).
    /// A box with no width or height gives a transform that scales by zero.
    public init(mapping box: BoundingBox, width: Double, height: Double) {
        let sx = box.width > 0 ? width / box.width : 0
        let sy = box.height > 0 ? -height / box.height : 0
        self.init(scaleX: sx, scaleY: sy, translateX: -box.minX * sx, translateY: -box.maxY * sy)
    }

    /// Maps Web Mercator metres to the pixels of `tile` rendered at `tileSize` pixels a side.
    public init(tile: TileID, tileSize: Int = 256) {
        let size = Double(tileSize)
        self.init(mapping: tile.mercatorBounds, width: size, height: size)
    }

    /// The transformed point.
    @inlinable
    public func apply(_ point: Point) -> Point {
        Point(x: point.x * scaleX + translateX, y: point.y * scaleY + translateY)
    }

    /// Every point transformed.
    @inlinable
    public func apply(_ points: [Point]) -> [Point] {
        points.map { Point(x: $0.x * scaleX + translateX, y: $0.y * scaleY + translateY) }
    }

    /// The transformed box (its corners mapped and reordered so min ≤ max).
    public func apply(_ box: BoundingBox) -> BoundingBox {
        if box.isEmpty { return box }
        let a = apply(Point(x: box.minX, y: box.minY))
        let b = apply(Point(x: box.maxX, y: box.maxY))
        return BoundingBox(minX: Swift.min(a.x, b.x), minY: Swift.min(a.y, b.y),
                           maxX: Swift.max(a.x, b.x), maxY: Swift.max(a.y, b.y))
    }

    /// The geometry with every vertex transformed.
    public func apply(_ geometry: Geometry) -> Geometry {
        geometry.mapPoints(apply)
    }

    /// The map that undoes this one, or nil when a scale is zero or not finite.
    public var inverted: Transform? {
        guard scaleX != 0, scaleY != 0, scaleX.isFinite, scaleY.isFinite else { return nil }
        return Transform(scaleX: 1 / scaleX, scaleY: 1 / scaleY,
                         translateX: -translateX / scaleX, translateY: -translateY / scaleY)
    }

    /// The map that applies this transform first, then `next`.
    public func followed(by next: Transform) -> Transform {
        Transform(scaleX: scaleX * next.scaleX, scaleY: scaleY * next.scaleY,
                  translateX: translateX * next.scaleX + next.translateX,
                  translateY: translateY * next.scaleY + next.translateY)
    }
}
