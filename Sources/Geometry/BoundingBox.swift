/// An axis-aligned rectangle, inclusive on all sides.
///
/// The empty box (`BoundingBox.empty`) has `minX > maxX`; it contains nothing, intersects
/// nothing and is the identity of `union`.
public struct BoundingBox: Sendable, Hashable {
    public var minX: Double
    public var minY: Double
    public var maxX: Double
    public var maxY: Double

    @inlinable
    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    /// The smallest box holding every point; `empty` for no points.
    public init<S: Sequence>(points: S) where S.Element == Point {
        self = .empty
        for point in points { formUnion(point) }
    }

    /// The box that contains nothing.
    public static let empty = BoundingBox(minX: .infinity, minY: .infinity,
                                          maxX: -.infinity, maxY: -.infinity)

    /// True when the box contains no point (including NaN bounds).
    @inlinable
    public var isEmpty: Bool { !(minX <= maxX && minY <= maxY) }

    /// `maxX - minX`, or 0 for an empty box.
    public var width: Double { isEmpty ? 0 : maxX - minX }

    /// `maxY - minY`, or 0 for an empty box.
    public var height: Double { isEmpty ? 0 : maxY - minY }

    /// The middle of the box (NaN coordinates for an empty box).
    public var center: Point {
        isEmpty ? Point(x: .nan, y: .nan) : Point(x: (minX + maxX) / 2, y: (minY + maxY) / 2)
    }

    /// The smallest box containing both boxes.
    public func union(_ other: BoundingBox) -> BoundingBox {
        if other.isEmpty { return self }
        if isEmpty { return other }
        return BoundingBox(minX: Swift.min(minX, other.minX), minY: Swift.min(minY, other.minY),
                           maxX: Swift.max(maxX, other.maxX), maxY: Swift.max(maxY, other.maxY))
    }

    /// The smallest box containing this box and `point`.
    public func union(_ point: Point) -> BoundingBox {
        var box = self
        box.formUnion(point)
        return box
    }

    /// Grows the box to contain `other`.
    public mutating func formUnion(_ other: BoundingBox) {
        self = union(other)
    }

    /// Grows the box to contain `point`.
    @inlinable
    public mutating func formUnion(_ point: Point) {
        if point.x < minX { minX = point.x }
        if point.x > maxX { maxX = point.x }
        if point.y < minY { minY = point.y }
        if point.y > maxY { maxY = point.y }
    }

    /// The overlap of both boxes, or nil when they do not meet.
    public func intersection(_ other: BoundingBox) -> BoundingBox? {
        guard intersects(other) else { return nil }
        return BoundingBox(minX: Swift.max(minX, other.minX), minY: Swift.max(minY, other.minY),
                           maxX: Swift.min(maxX, other.maxX), maxY: Swift.min(maxY, other.maxY))
    }

    /// Whether the boxes share at least one point (touching edges count).
    @inlinable
    public func intersects(_ other: BoundingBox) -> Bool {
        minX <= other.maxX && other.minX <= maxX && minY <= other.maxY && other.minY <= maxY
    }

    /// Whether `point` lies inside or on the edge of the box.
    @inlinable
    public func contains(_ point: Point) -> Bool {
        point.x >= minX && point.x <= maxX && point.y >= minY && point.y <= maxY
    }

    /// Whether `other` lies entirely inside this box; an empty `other` is contained by any
    /// non-empty box.
    public func contains(_ other: BoundingBox) -> Bool {
        if isEmpty { return false }
        if other.isEmpty { return true }
        return other.minX >= minX && other.maxX <= maxX && other.minY >= minY && other.maxY <= maxY
    }

    /// The box grown by `margin` on every side (shrunk when negative). An empty box stays empty.
    public func expanded(by margin: Double) -> BoundingBox {
        if isEmpty { return self }
        return BoundingBox(minX: minX - margin, minY: minY - margin,
                           maxX: maxX + margin, maxY: maxY + margin)
    }
}

extension BoundingBox: CustomStringConvertible {
    public var description: String {
        isEmpty ? "BoundingBox(empty)" : "BoundingBox(\(minX), \(minY), \(maxX), \(maxY))"
    }
}
