/// A position in a plane: longitude/latitude degrees, Web Mercator metres or tile pixels,
/// depending on where it comes from. `x` is east (or right), `y` is north (or down for pixels).
public struct Point: Sendable, Hashable {
    public var x: Double
    public var y: Double

    @inlinable
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    @inlinable
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }

    /// The origin, (0, 0).
    public static let zero = Point(x: 0, y: 0)

    /// Whether both coordinates are finite (neither NaN nor infinite).
    @inlinable
    public var isFinite: Bool { x.isFinite && y.isFinite }

    /// Euclidean distance to `other`, in the units of the coordinates.
    @inlinable
    public func distance(to other: Point) -> Double {
        let dx = other.x - x, dy = other.y - y
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Squared Euclidean distance to `other`; cheaper when only comparing.
    @inlinable
    public func squaredDistance(to other: Point) -> Double {
        let dx = other.x - x, dy = other.y - y
        return dx * dx + dy * dy
    }
}

extension Point: CustomStringConvertible {
    public var description: String { "(\(x), \(y))" }
}
