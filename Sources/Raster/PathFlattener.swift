/// Polylines made from a `Path`: every curve replaced by line segments within a tolerance.
///
/// Points are interleaved x, y in `xy`; each contour names its first point, its point count and
/// whether the path closed it. Points that are not finite or lie beyond `PathFlattener.limit`
/// are dropped (the contour then runs straight from the point before to the point after), so
/// the stages after this one only ever see usable numbers.
struct FlatPath: Sendable {
    struct Contour: Sendable {
        var start: Int
        var count: Int
        var closed: Bool
    }

    var xy: [Double] = []
    var contours: [Contour] = []

    @inline(__always) func x(_ i: Int) -> Double { xy[2 * i] }
    @inline(__always) func y(_ i: Int) -> Double { xy[2 * i + 1] }
    var pointCount: Int { xy.count / 2 }
}

/// Turns paths into polylines.
enum PathFlattener {
    /// Default maximum distance, in pixels, between a curve and its polyline. A tenth of a pixel
    /// is below what 8-bit anti-aliasing can show.
    static let defaultTolerance = 0.1

    /// Coordinates beyond this many pixels are treated as garbage and dropped. Real map
    /// geometry is clipped to the tile long before it gets this far.
    static let limit = 1.0e9

    /// Most line segments one curve may become, whatever its size.
    static let maxSegmentsPerCurve = 1000

    static func flatten(_ path: Path, tolerance: Double = defaultTolerance) -> FlatPath {
        var out = FlatPath()
        out.xy.reserveCapacity(path.coordinates.count)
        let tol = tolerance.isFinite && tolerance > 0.001 ? tolerance : defaultTolerance
        var builder = Builder(out: out)
        let c = path.coordinates
        var ci = 0
        var lastX = 0.0, lastY = 0.0          // current point, when `current` is true
        var current = false
        var startX = 0.0, startY = 0.0        // start of the current contour, when `started`
        var started = false
        for verb in path.verbs {
            switch verb {
            case .move:
                builder.finish(closed: false)
                builder.begin()
                let x = c[ci], y = c[ci + 1]
                ci += 2
                current = builder.add(x, y)
                started = current
                if current { lastX = x; lastY = y; startX = x; startY = y }
            case .line:
                if !builder.isOpen { builder.begin(); if current { builder.add(lastX, lastY) } }
                let x = c[ci], y = c[ci + 1]
                ci += 2
                if builder.add(x, y) { lastX = x; lastY = y; current = true }
            case .quad:
                if !builder.isOpen { builder.begin(); if current { builder.add(lastX, lastY) } }
                let cx = c[ci], cy = c[ci + 1], x = c[ci + 2], y = c[ci + 3]
                ci += 4
                guard current else {
                    if builder.add(x, y) { lastX = x; lastY = y; current = true }
                    continue
                }
                let ddx = lastX - 2 * cx + x, ddy = lastY - 2 * cy + y
                let n = segments(((ddx * ddx + ddy * ddy) / (4 * tol)).squareRoot())
                if n > 1 {
                    for i in 1..<n {
                        let t = Double(i) / Double(n), u = 1 - t
                        let a = u * u, b = 2 * u * t, d = t * t
                        builder.add(a * lastX + b * cx + d * x, a * lastY + b * cy + d * y)
                    }
                }
                if builder.add(x, y) { lastX = x; lastY = y; current = true }
            case .cubic:
                if !builder.isOpen { builder.begin(); if current { builder.add(lastX, lastY) } }
                let c1x = c[ci], c1y = c[ci + 1], c2x = c[ci + 2], c2y = c[ci + 3]
                let x = c[ci + 4], y = c[ci + 5]
                ci += 6
                guard current else {
                    if builder.add(x, y) { lastX = x; lastY = y; current = true }
                    continue
                }
                let d1x = lastX - 2 * c1x + c2x, d1y = lastY - 2 * c1y + c2y
                let d2x = c1x - 2 * c2x + x, d2y = c1y - 2 * c2y + y
                let m = max(d1x * d1x + d1y * d1y, d2x * d2x + d2y * d2y).squareRoot()
                let n = segments((3 * m / (4 * tol)).squareRoot())
                if n > 1 {
                    for i in 1..<n {
                        let t = Double(i) / Double(n), u = 1 - t
                        let a = u * u * u, b = 3 * u * u * t, e = 3 * u * t * t, d = t * t * t
                        builder.add(a * lastX + b * c1x + e * c2x + d * x,
                                    a * lastY + b * c1y + e * c2y + d * y)
                    }
                }
                if builder.add(x, y) { lastX = x; lastY = y; current = true }
            case .close:
                builder.finish(closed: true)
                lastX = startX; lastY = startY
                current = started
            }
        }
        builder.finish(closed: false)
        return builder.out
    }

    /// The segment count for an estimate `n`, clamped to 1...maxSegmentsPerCurve (NaN gives 1).
    @inline(__always)
    private static func segments(_ n: Double) -> Int {
        guard n.isFinite, n > 1 else { return 1 }
        return Int(min(n.rounded(.up), Double(maxSegmentsPerCurve)))
    }

    @inline(__always)
    static func usable(_ x: Double, _ y: Double) -> Bool {
        x.isFinite && y.isFinite && abs(x) <= limit && abs(y) <= limit
    }

    private struct Builder {
        var out: FlatPath
        var contourStart = 0
        var isOpen = false

        mutating func begin() {
            isOpen = true
            contourStart = out.pointCount
        }

        /// Adds a point, opening a contour if needed; returns false when the point is unusable.
        @discardableResult
        mutating func add(_ x: Double, _ y: Double) -> Bool {
            guard PathFlattener.usable(x, y) else { return false }
            if !isOpen {
                isOpen = true
                contourStart = out.pointCount
            }
            out.xy.append(x)
            out.xy.append(y)
            return true
        }

        mutating func finish(closed: Bool) {
            guard isOpen else { return }
            isOpen = false
            let count = out.pointCount - contourStart
            if count > 0 {
                out.contours.append(.init(start: contourStart, count: count, closed: closed))
            }
        }
    }
}
