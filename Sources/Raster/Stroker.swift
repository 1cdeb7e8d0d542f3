import Foundation

/// How two segments of a stroke meet.
public enum LineJoin: Sendable, Hashable {
    /// Outer edges extended to a point, falling back to bevel beyond the miter limit.
    case miter
    /// A circular arc around the vertex.
    case round
    /// The outer corners connected by a straight line.
    case bevel
}

/// How the ends of an open stroke look.
public enum LineCap: Sendable, Hashable {
    /// The stroke stops at the end point.
    case butt
    /// A half circle beyond the end point.
    case round
    /// Half a width of square beyond the end point.
    case square
}

/// The geometry of a stroke: width in pixels, joins, caps and an optional dash pattern.
public struct StrokeStyle: Sendable, Hashable {
    /// Full width in pixels. Below 1 px the stroke is drawn 1 px wide with its opacity scaled
    /// by the width (a hairline); zero, negative or non-finite widths draw nothing.
    public var width: Double
    public var join: LineJoin
    public var cap: LineCap
    /// Longest miter allowed, as a multiple of the width (as in SVG); longer miters are beveled.
    public var miterLimit: Double
    /// Alternating dash and gap lengths in pixels; empty means solid. An odd count is repeated
    /// (as in SVG); negative or non-finite entries, or an all-zero pattern, mean solid.
    public var dash: [Double]
    /// How far into the dash pattern the stroke starts, in pixels.
    public var dashOffset: Double

    public init(width: Double = 1, join: LineJoin = .miter, cap: LineCap = .butt,
                miterLimit: Double = 4, dash: [Double] = [], dashOffset: Double = 0) {
        self.width = width
        self.join = join
        self.cap = cap
        self.miterLimit = miterLimit
        self.dash = dash
        self.dashOffset = dashOffset
    }
}

/// Turns polylines into the outline of their stroke, to be filled with the non-zero rule.
///
/// Each side of a polyline is offset by half the width. On the outer side of a turn the join
/// is added; on the inner side the outline runs through the vertex itself (the "pivot"), which
/// makes the outline the exact sum of one positively oriented quad per segment plus one wedge
/// per join: every covered point has a positive winding, so non-zero fills the union with no
/// seams and no holes, however short the segments or sharp the turns. Where the inner offsets
/// of two long enough segments cross, the crossing point replaces the pivot: same union, two
/// edges fewer.
struct Stroker {
    let halfWidth: Double
    let join: LineJoin
    let cap: LineCap
    let miterLimit: Double
    /// Angle step of round joins and caps for the flattening tolerance.
    let arcStep: Double
    var out = FlatPath()

    /// Scratch: the current contour's points without repeats, and its segment directions.
    private var px: [Double] = []
    private var py: [Double] = []
    private var dx: [Double] = []
    private var dy: [Double] = []
    private var lengths: [Double] = []

    init(width: Double, join: LineJoin, cap: LineCap, miterLimit: Double,
         tolerance: Double = PathFlattener.defaultTolerance) {
        halfWidth = width / 2
        self.join = join
        self.cap = cap
        self.miterLimit = miterLimit.isFinite ? max(miterLimit, 1) : 4
        let t = min(tolerance, halfWidth * 0.99)
        let step = halfWidth > 0 && t > 0 ? 2 * (1 - t / halfWidth).clampedAcos : Double.pi / 2
        arcStep = max(step, 0.05)
    }

    /// Strokes every contour of `path`, closed ones as loops, open ones with caps.
    mutating func stroke(_ path: FlatPath) {
        guard halfWidth > 0, halfWidth.isFinite else { return }
        out.xy.reserveCapacity(path.xy.count * 2 + 64)
        out.contours.reserveCapacity(path.contours.count * 2)
        for contour in path.contours {
            strokeContour(path, contour)
        }
    }

    private mutating func strokeContour(_ path: FlatPath, _ contour: FlatPath.Contour) {
        px.removeAll(keepingCapacity: true)
        py.removeAll(keepingCapacity: true)
        for i in contour.start..<(contour.start + contour.count) {
            let x = path.x(i), y = path.y(i)
            if let lx = px.last, let ly = py.last {
                let ex = x - lx, ey = y - ly
                if ex * ex + ey * ey <= 1e-12 { continue }
            }
            px.append(x)
            py.append(y)
        }
        var closed = contour.closed
        if closed, px.count > 1 {
            let ex = px[px.count - 1] - px[0], ey = py[py.count - 1] - py[0]
            if ex * ex + ey * ey <= 1e-12 {
                px.removeLast()
                py.removeLast()
            }
        }
        if px.count == 1 {
            dot(px[0], py[0])
            return
        }
        if px.count == 2 { closed = false }
        guard px.count >= 2 else { return }
        let n = px.count
        let segments = closed ? n : n - 1
        dx.removeAll(keepingCapacity: true)
        dy.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        for i in 0..<segments {
            let j = i + 1 == n ? 0 : i + 1
            let ex = px[j] - px[i], ey = py[j] - py[i]
            let length = (ex * ex + ey * ey).squareRoot()
            guard length > 0, length.isFinite else { return }
            dx.append(ex / length)
            dy.append(ey / length)
            lengths.append(length)
        }
        if closed {
            loop(forward: true)
            loop(forward: false)
        } else {
            out.beginContour()
            side(forward: true)
            capEnd(px[n - 1], py[n - 1], dx[segments - 1], dy[segments - 1])
            side(forward: false)
            capEnd(px[0], py[0], -dx[0], -dy[0])
            out.endContour(closed: true)
        }
    }

    /// One side of an open polyline, from its first point to its last (or back).
    private mutating func side(forward: Bool) {
        let m = dx.count
        let s: Double = forward ? 1 : -1
        let first = forward ? 0 : m - 1
        let startPoint = forward ? 0 : m
        var ax = s * dx[first], ay = s * dy[first]
        out.append(px[startPoint] - ay * halfWidth, py[startPoint] + ax * halfWidth)
        for k in 1..<max(m, 1) {
            let seg = forward ? k : m - 1 - k
            let vertex = forward ? k : m - k
            let bx = s * dx[seg], by = s * dy[seg]
            let previous = forward ? k - 1 : m - k
            joinAt(px[vertex], py[vertex], ax, ay, bx, by, min(lengths[previous], lengths[seg]))
            ax = bx
            ay = by
        }
        let endPoint = forward ? m : 0
        out.append(px[endPoint] - ay * halfWidth, py[endPoint] + ax * halfWidth)
    }

    /// One side of a closed polyline as its own contour.
    private mutating func loop(forward: Bool) {
        let m = dx.count
        let s: Double = forward ? 1 : -1
        out.beginContour()
        for k in 0..<m {
            // Vertex shared by the previous and the next segment in travel order.
            let prev: Int, next: Int, vertex: Int
            if forward {
                prev = k == 0 ? m - 1 : k - 1
                next = k
                vertex = k
            } else {
                prev = k == 0 ? 0 : m - k
                next = m - 1 - k
                vertex = prev
            }
            joinAt(px[vertex], py[vertex], s * dx[prev], s * dy[prev], s * dx[next], s * dy[next],
                   min(lengths[prev], lengths[next]))
        }
        out.endContour(closed: true)
    }

    /// At `(vx, vy)` travelling along `a` then `b` (unit directions), emits the end of the
    /// previous segment's offset, the join if this side is the outer one, and the start of the
    /// next segment's offset. The offset side is to the left of travel, normal (-d.y, d.x).
    /// `shorter` is the length of the shorter of the two segments.
    ///
    /// Points that lie on the offset lines themselves are left out: a miter is just its tip,
    /// and on the inner side, when the two offset lines cross within the first half of both
    /// segments, the crossing replaces the pivot.
    private mutating func joinAt(_ vx: Double, _ vy: Double, _ ax: Double, _ ay: Double,
                                 _ bx: Double, _ by: Double, _ shorter: Double) {
        let h = halfWidth
        let nax = -ay, nay = ax, nbx = -by, nby = bx
        let cross = ax * by - ay * bx
        let dotAB = ax * bx + ay * by
        let denominator = 1 + dotAB
        if cross > 1e-12 {
            // This side is inside the turn.
            if denominator > 1e-9, h * cross <= 0.5 * shorter * denominator {
                let k = h / denominator
                out.append(vx + (nax + nbx) * k, vy + (nay + nby) * k)
            } else {
                out.append(vx + nax * h, vy + nay * h)
                out.append(vx, vy)
                out.append(vx + nbx * h, vy + nby * h)
            }
            return
        }
        if cross > -1e-12 && dotAB > 0 {  // straight on
            out.append(vx + nax * h, vy + nay * h)
            return
        }
        switch join {
        case .miter:
            if denominator > 1e-12, 2 / denominator <= miterLimit * miterLimit {
                let k = h / denominator
                out.append(vx + (nax + nbx) * k, vy + (nay + nby) * k)
                return
            }
            out.append(vx + nax * h, vy + nay * h)
        case .bevel:
            out.append(vx + nax * h, vy + nay * h)
        case .round:
            out.append(vx + nax * h, vy + nay * h)
            let angle = atan2(-cross < 0 ? 0 : -cross, dotAB)  // 0...π, turned clockwise
            arc(vx, vy, nax, nay, -angle)
        }
        out.append(vx + nbx * h, vy + nby * h)
    }

    /// The cap at the end of travel direction (ux, uy), from the left offset to the right one.
    private mutating func capEnd(_ vx: Double, _ vy: Double, _ ux: Double, _ uy: Double) {
        let h = halfWidth
        let nx = -uy, ny = ux
        switch cap {
        case .butt:
            break
        case .square:
            out.append(vx + (nx + ux) * h, vy + (ny + uy) * h)
            out.append(vx + (-nx + ux) * h, vy + (-ny + uy) * h)
        case .round:
            arc(vx, vy, nx, ny, -Double.pi)
        }
    }

    /// Points strictly inside an arc of radius halfWidth around (cx, cy), starting at unit
    /// vector (ux, uy) and turning by `angle` radians. The inner points sit slightly outside the
    /// circle, at the radius where each chord's wedge has the area of the circular sector, so
    /// round caps and joins keep their true area instead of shrinking by the tolerance.
    private mutating func arc(_ cx: Double, _ cy: Double, _ ux: Double, _ uy: Double, _ angle: Double) {
        let steps = Int((abs(angle) / arcStep).rounded(.up))
        guard steps > 1 else { return }
        let step = angle / Double(steps)
        let c = cos(step), s = sin(step)
        let radius = halfWidth * (abs(step) / abs(s)).squareRoot()
        var x = ux, y = uy
        for _ in 1..<steps {
            (x, y) = (x * c - y * s, x * s + y * c)
            out.append(cx + x * radius, cy + y * radius)
        }
    }

    /// A zero-length stroke: a dot shaped like the cap (nothing for butt caps).
    private mutating func dot(_ x: Double, _ y: Double) {
        let h = halfWidth
        switch cap {
        case .butt:
            return
        case .square:
            out.beginContour()
            out.append(x - h, y - h)
            out.append(x + h, y - h)
            out.append(x + h, y + h)
            out.append(x - h, y + h)
            out.endContour(closed: true)
        case .round:
            out.beginContour()
            out.append(x + h, y)
            arc(x, y, 1, 0, 2 * Double.pi)
            out.endContour(closed: true)
        }
    }
}

extension FlatPath {
    /// Starts a contour of points appended after this call.
    mutating func beginContour() {
        contours.append(Contour(start: pointCount, count: 0, closed: false))
    }

    @inline(__always)
    mutating func append(_ x: Double, _ y: Double) {
        xy.append(x)
        xy.append(y)
    }

    /// Ends the contour begun last; an empty one is removed.
    mutating func endContour(closed: Bool) {
        guard let last = contours.last else { return }
        let count = pointCount - last.start
        if count == 0 {
            contours.removeLast()
        } else {
            contours[contours.count - 1].count = count
            contours[contours.count - 1].closed = closed
        }
    }
}

extension Double {
    /// acos with its argument clamped to -1...1.
    var clampedAcos: Double { acos(Swift.min(Swift.max(self, -1), 1)) }
}
