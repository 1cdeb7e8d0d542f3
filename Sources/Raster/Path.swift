/// A vector path in pixel coordinates (x to the right, y down): contours of lines and
/// quadratic or cubic Bézier curves, each optionally closed.
///
/// A path may hold many contours — all the features of one style in one path is the fast way
/// to draw a map layer. Coordinates are stored as `Double`; non-finite or absurdly large
/// points are accepted here and skipped when the path is drawn.
public struct Path: Sendable, Equatable {
    enum Verb: UInt8, Sendable {
        case move, line, quad, cubic, close
    }

    private(set) var verbs: [Verb] = []
    /// Interleaved x, y pairs: one pair per move/line, two per quad, three per cubic.
    private(set) var coordinates: [Double] = []

    public init() {}

    /// True when the path holds no drawing commands at all.
    public var isEmpty: Bool { verbs.isEmpty }

    /// Reserves room for about `points` points, to avoid regrowth when building big paths.
    public mutating func reserveCapacity(points: Int) {
        verbs.reserveCapacity(points)
        coordinates.reserveCapacity(points * 2)
    }

    /// Starts a new contour at (x, y).
    public mutating func move(to x: Double, _ y: Double) {
        verbs.append(.move)
        coordinates.append(x)
        coordinates.append(y)
    }

    /// A straight line from the current point to (x, y). Starts a contour if none is open.
    public mutating func line(to x: Double, _ y: Double) {
        verbs.append(.line)
        coordinates.append(x)
        coordinates.append(y)
    }

    /// A quadratic Bézier curve through control point (cx, cy) to (x, y).
    public mutating func quad(to x: Double, _ y: Double, control cx: Double, _ cy: Double) {
        verbs.append(.quad)
        coordinates.append(contentsOf: [cx, cy, x, y])
    }

    /// A cubic Bézier curve through control points (c1x, c1y), (c2x, c2y) to (x, y).
    public mutating func cubic(to x: Double, _ y: Double,
                               control1 c1x: Double, _ c1y: Double,
                               control2 c2x: Double, _ c2y: Double) {
        verbs.append(.cubic)
        coordinates.append(contentsOf: [c1x, c1y, c2x, c2y, x, y])
    }

    /// Closes the current contour with a straight line back to its start.
    public mutating func close() {
        verbs.append(.close)
    }

    /// Appends a polygon ring (closed) or a polyline (open) from interleaved x, y values.
    public mutating func addPolyline(_ xy: [Double], closed: Bool) {
        guard xy.count >= 4 else { return }
        move(to: xy[0], xy[1])
        var i = 2
        while i + 1 < xy.count {
            line(to: xy[i], xy[i + 1])
            i += 2
        }
        if closed { close() }
    }

    /// Appends all contours of `other`.
    public mutating func append(_ other: Path) {
        verbs.append(contentsOf: other.verbs)
        coordinates.append(contentsOf: other.coordinates)
    }

    /// An axis-aligned rectangle as a closed contour (clockwise on screen).
    public static func rectangle(x: Double, y: Double, width: Double, height: Double) -> Path {
        var p = Path()
        p.addRectangle(x: x, y: y, width: width, height: height)
        return p
    }

    /// Appends an axis-aligned rectangle as a closed contour (clockwise on screen).
    public mutating func addRectangle(x: Double, y: Double, width: Double, height: Double) {
        move(to: x, y)
        line(to: x + width, y)
        line(to: x + width, y + height)
        line(to: x, y + height)
        close()
    }

    /// A circle as four cubic Béziers (radial error below 0.03 % of the radius).
    public static func circle(centerX: Double, centerY: Double, radius: Double) -> Path {
        var p = Path()
        p.addCircle(centerX: centerX, centerY: centerY, radius: radius)
        return p
    }

    /// Appends a circle (clockwise on screen) as four cubic Béziers.
    public mutating func addCircle(centerX cx: Double, centerY cy: Double, radius r: Double) {
        let k = 0.552_284_749_830_793_4 * r
        move(to: cx + r, cy)
        cubic(to: cx, cy + r, control1: cx + r, cy + k, control2: cx + k, cy + r)
        cubic(to: cx - r, cy, control1: cx - k, cy + r, control2: cx - r, cy + k)
        cubic(to: cx, cy - r, control1: cx - r, cy - k, control2: cx - k, cy - r)
        cubic(to: cx + r, cy, control1: cx + k, cy - r, control2: cx + r, cy - k)
        close()
    }

    /// The path moved by (dx, dy).
    public func translated(dx: Double, dy: Double) -> Path {
        var p = self
        var i = 0
        while i + 1 < p.coordinates.count {
            p.coordinates[i] += dx
            p.coordinates[i + 1] += dy
            i += 2
        }
        return p
    }
}
