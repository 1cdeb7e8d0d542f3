/// Edge building: polylines in `Double` pixels become clipped fixed-point lines for the scan
/// converter.
///
/// Clipping rules (see the design note in ScanConverter.swift): parts above or below the canvas
/// are dropped; parts left of it become vertical lines on x = 0, since they still change the
/// winding of every pixel to their right; parts right of it are dropped. Split points are
/// rounded once and shared by both sides, so cover is conserved exactly.
extension ScanConverter {
    /// Adds every contour of a flattened path, each implicitly closed, moved by (dx, dy).
    func add(_ flat: FlatPath, dx: Double = 0, dy: Double = 0) {
        let w = Double(width), h = Double(height)
        flat.xy.withUnsafeBufferPointer { xy in
            for contour in flat.contours where contour.count >= 3 {
                let first = contour.start * 2
                let last = (contour.start + contour.count - 1) * 2
                // Each point is converted once and shared by the two edges that meet there.
                var px = xy[last] + dx, py = xy[last + 1] + dy
                var previousInside = px >= 0 && px <= w && py >= 0 && py <= h
                var pfx = previousInside ? Self.fix(px) : 0, pfy = previousInside ? Self.fix(py) : 0
                var i = first
                while i <= last {
                    let x = xy[i] + dx, y = xy[i + 1] + dy
                    let inside = x >= 0 && x <= w && y >= 0 && y <= h
                    if inside {
                        let fx = Self.fix(x), fy = Self.fix(y)
                        if previousInside {
                            addFixedLine(pfx, pfy, fx, fy)
                        } else {
                            clipAndAddLine(px, py, x, y, w, h)
                        }
                        pfx = fx
                        pfy = fy
                    } else {
                        clipAndAddLine(px, py, x, y, w, h)
                    }
                    previousInside = inside
                    px = x
                    py = y
                    i += 2
                }
            }
        }
    }

    /// Rounds a coordinate in 0...limit to fixed point (nearest; halves up).
    @inline(__always)
    static func fix(_ v: Double) -> Int {
        Int(v * Double(one) + 0.5)
    }

    private func clipAndAddLine(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double,
                                _ w: Double, _ h: Double) {
        guard y0 != y1 else { return }
        if (y0 <= 0 && y1 <= 0) || (y0 >= h && y1 >= h) || (x0 >= w && x1 >= w) { return }
        let slope = (x1 - x0) / (y1 - y0)
        func xAt(_ y: Double) -> Double { x0 + (y - y0) * slope }
        var ax = x0, ay = y0, bx = x1, by = y1
        if ay < 0 { ax = xAt(0); ay = 0 } else if ay > h { ax = xAt(h); ay = h }
        if by < 0 { bx = xAt(0); by = 0 } else if by > h { bx = xAt(h); by = h }
        guard ax.isFinite, bx.isFinite, ay != by else { return }
        if ax >= w && bx >= w { return }
        if ax <= 0 && bx <= 0 {
            addFixedLine(0, Self.fix(ay), 0, Self.fix(by))
            return
        }
        // Split where the edge crosses x = 0 and x = w, in order along the edge.
        var xs = (ax, 0.0, 0.0, bx)
        var ys = (ay, 0.0, 0.0, by)
        var n = 1
        let inverse = (by - ay) / (bx - ax)
        func yAt(_ x: Double) -> Double { min(max(ay + (x - ax) * inverse, min(ay, by)), max(ay, by)) }
        let crossesLeft = (ax < 0) != (bx < 0)
        let crossesRight = (ax > w) != (bx > w)
        if ax < bx {
            if crossesLeft { xs.1 = 0; ys.1 = yAt(0); n = 2 }
            if crossesRight {
                if n == 2 { xs.2 = w; ys.2 = yAt(w) } else { xs.1 = w; ys.1 = yAt(w) }
                n += 1
            }
        } else {
            if crossesRight { xs.1 = w; ys.1 = yAt(w); n = 2 }
            if crossesLeft {
                if n == 2 { xs.2 = 0; ys.2 = yAt(0) } else { xs.1 = 0; ys.1 = yAt(0) }
                n += 1
            }
        }
        if n == 2 { xs.2 = xs.3; ys.2 = ys.3 } else if n == 1 { xs.1 = xs.3; ys.1 = ys.3 }
        addClampedPiece(xs.0, ys.0, xs.1, ys.1, w)
        if n >= 2 { addClampedPiece(xs.1, ys.1, xs.2, ys.2, w) }
        if n >= 3 { addClampedPiece(xs.2, ys.2, xs.3, ys.3, w) }
    }

    /// A piece that lies entirely on one side of x = 0 and of x = w (or on the lines).
    @inline(__always)
    private func addClampedPiece(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ w: Double) {
        let mid = (x0 + x1) * 0.5
        if mid >= w { return }
        let fy0 = Self.fix(y0), fy1 = Self.fix(y1)
        if mid <= 0 {
            addFixedLine(0, fy0, 0, fy1)
        } else {
            addFixedLine(Self.fix(min(max(x0, 0), w)), fy0, Self.fix(min(max(x1, 0), w)), fy1)
        }
    }
}
