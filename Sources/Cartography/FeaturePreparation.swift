import Geometry
import Raster

// Design note: from Web Mercator features to pixel contours, in one pass per part.
//
// Each part is projected to the tile's pixels and thinned on the way: a point closer than the
// simplification tolerance (about half a pixel) to the last kept one is dropped, which is what
// a generalization to the pixel grid amounts to and costs one multiply-add per vertex. Parts
// whose box lies inside the clip box (the tile plus a margin wider than any stroke or marker
// reaches) go straight out; others are clipped — rings with Sutherland–Hodgman, lines with
// Liang–Barsky per segment — so a coastline crossing a tile costs the stroker only its visible
// stretch. Clip edges run along the margin, outside the tile, where their outline never shows.
// Because every tile projects the same global coordinates, strokes and fills that cross a tile
// edge continue seamlessly into the neighbour tile.
//
// Rings are oriented here (outer rings positive area, holes negative), so all polygons of one
// symbolizer fill correctly as one non-zero path even when the source follows no convention.
// Features smaller than the tolerance in both directions are not drawn as geometry: with an
// outline they become one dot the size of the outline's footprint (deduplicated on a
// half-pixel grid, so dense data costs one dot per place), without one they are dropped.

/// Where one tile sits in Web Mercator and in pixels, and how its features are generalized.
struct TileFrame {
    let originX: Double
    let originY: Double
    /// Pixels per metre.
    let scale: Double
    /// The clip box in pixels: the image plus the margin on every side.
    let clipMinX: Double
    let clipMinY: Double
    let clipMaxX: Double
    let clipMaxY: Double
    /// Squared simplification tolerance in pixels².
    let tolerance2: Double
    /// Features smaller than this (pixels) in both directions are reduced to a dot or dropped.
    let minimumFeatureSize: Double

    /// A frame whose image of `width` × `height` pixels has its top-left corner at (originX,
    /// originY) in metres, `scale` pixels per metre.
    init(originX: Double, originY: Double, scale: Double, width: Int, height: Int, margin: Double,
         tolerance: Double) {
        self.originX = originX
        self.originY = originY
        self.scale = scale
        clipMinX = -margin
        clipMinY = -margin
        clipMaxX = Double(width) + margin
        clipMaxY = Double(height) + margin
        tolerance2 = tolerance * tolerance
        minimumFeatureSize = tolerance
    }

    /// The feature box in pixels (min x, min y, max x, max y).
    @inline(__always)
    func pixelBox(_ b: BoundingBox) -> (Double, Double, Double, Double) {
        ((b.minX - originX) * scale, (originY - b.maxY) * scale,
         (b.maxX - originX) * scale, (originY - b.minY) * scale)
    }
}

/// Marks half-pixel cells already holding a dot, so dense tiny features cost one dot per place.
struct DotGrid {
    private var bits: [UInt64] = []
    private var side = 0
    private var used = false
    private var origin = 0.0

    mutating func reset(frame: TileFrame) {
        let newSide = Int((max(frame.clipMaxX - frame.clipMinX, frame.clipMaxY - frame.clipMinY) * 2)
            .rounded(.up)) + 1
        if newSide != side {
            side = newSide
            bits = [UInt64](repeating: 0, count: (side * side + 63) / 64)
        } else if used {
            bits.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        used = false
        origin = min(frame.clipMinX, frame.clipMinY)
    }

    /// True the first time a cell is asked for; false for a cell already taken.
    @inline(__always)
    mutating func claim(_ x: Double, _ y: Double) -> Bool {
        let cx = Int((x - origin) * 2), cy = Int((y - origin) * 2)
        guard cx >= 0, cy >= 0, cx < side, cy < side else { return false }
        let bit = cy * side + cx
        let mask: UInt64 = 1 << UInt64(bit & 63)
        let word = bits[bit >> 6]
        if word & mask != 0 { return false }
        bits[bit >> 6] = word | mask
        used = true
        return true
    }
}

/// Turns features into pixel contours for one tile; owns reusable scratch buffers.
struct FeaturePreparer {
    var frame: TileFrame
    var dots = DotGrid()
    private var ring: [Double] = []
    private var work: [Double] = []

    init(frame: TileFrame) {
        self.frame = frame
    }

    mutating func begin(frame: TileFrame) {
        self.frame = frame
        dots.reset(frame: frame)
    }

    /// True when the feature's box misses the clip box.
    @inline(__always)
    func isOutside(_ b: BoundingBox) -> Bool {
        let (x0, y0, x1, y1) = frame.pixelBox(b)
        return x1 < frame.clipMinX || y1 < frame.clipMinY || x0 > frame.clipMaxX || y0 > frame.clipMaxY
    }

    /// For a feature smaller than the minimum size, its centre and largest side in pixels.
    @inline(__always)
    func tinyFeature(_ b: BoundingBox) -> (x: Double, y: Double, extent: Double)? {
        let (x0, y0, x1, y1) = frame.pixelBox(b)
        let w = x1 - x0, h = y1 - y0
        guard w < frame.minimumFeatureSize, h < frame.minimumFeatureSize else { return nil }
        return ((x0 + x1) / 2, (y0 + y1) / 2, max(w, h))
    }

    /// Adds a dot of side `side` centred at (x, y) unless its half-pixel cell has one.
    mutating func addDot(x: Double, y: Double, side: Double, to out: inout Polylines) {
        guard dots.claim(x, y) else { return }
        out.appendRectangle(x: x - side / 2, y: y - side / 2, width: side, height: side)
    }

    /// Adds the rings of a polygon feature: projected, thinned, clipped and oriented.
    mutating func addPolygon(_ feature: Feature, to out: inout Polylines) {
        var start = 0
        for entry in feature.partEnds {
            let end = Int(entry & ~Feature.holeFlag)
            guard end > start, end <= feature.coordinates.count / 2 else { break }
            addRing(feature.coordinates, from: start, to: end, hole: entry & Feature.holeFlag != 0, to: &out)
            start = end
        }
    }

    /// Adds the lines of a line feature (or the rings of a polygon drawn as lines).
    mutating func addLines(_ feature: Feature, to out: inout Polylines) {
        var start = 0
        for entry in feature.partEnds {
            let end = Int(entry & ~Feature.holeFlag)
            guard end > start, end <= feature.coordinates.count / 2 else { break }
            addLine(feature.coordinates, from: start, to: end, to: &out)
            start = end
        }
    }

    /// Adds every point of the feature inside the clip box (a line's or ring's vertices too).
    func addPoints(_ feature: Feature, to out: inout [(x: Double, y: Double)]) {
        let xy = feature.coordinates
        var i = 0
        while i + 1 < xy.count {
            let x = (xy[i] - frame.originX) * frame.scale, y = (frame.originY - xy[i + 1]) * frame.scale
            if x >= frame.clipMinX, x <= frame.clipMaxX, y >= frame.clipMinY, y <= frame.clipMaxY {
                out.append((x, y))
            }
            i += 2
        }
    }

    // MARK: - Projection and thinning

    /// Projects points `from..<to` into `ring` as pixels, dropping points within the tolerance
    /// of the last kept one (the last input point is always kept for open lines). Returns the
    /// pixel box of the kept points.
    private mutating func project(_ xy: UnsafeBufferPointer<Double>, from: Int, to: Int,
                                  keepLast: Bool) -> (Double, Double, Double, Double) {
        let count = to - from
        if ring.count < count * 2 { ring = [Double](repeating: 0, count: count * 2 + 64) }
        let f = frame
        var minX = Double.infinity, minY = Double.infinity
        var maxX = -Double.infinity, maxY = -Double.infinity
        var n = 0
        ring.withUnsafeMutableBufferPointer { out in
            var lastX = 0.0, lastY = 0.0
            for i in from..<to {
                let x = (xy[2 * i] - f.originX) * f.scale, y = (f.originY - xy[2 * i + 1]) * f.scale
                if n > 0 {
                    let dx = x - lastX, dy = y - lastY
                    if dx * dx + dy * dy < f.tolerance2 && !(keepLast && i == to - 1) { continue }
                }
                out[2 * n] = x
                out[2 * n + 1] = y
                n += 1
                lastX = x
                lastY = y
                if x < minX { minX = x }
                if x > maxX { maxX = x }
                if y < minY { minY = y }
                if y > maxY { maxY = y }
            }
        }
        ringCount = n
        return (minX, minY, maxX, maxY)
    }

    private var ringCount = 0

    private mutating func addRing(_ xy: UnsafeBufferPointer<Double>, from: Int, to: Int, hole: Bool,
                                  to out: inout Polylines) {
        let (x0, y0, x1, y1) = project(xy, from: from, to: to, keepLast: false)
        var n = ringCount
        // Rings repeat their first point last; one close to it adds nothing.
        if n > 1 {
            let dx = ring[2 * n - 2] - ring[0], dy = ring[2 * n - 1] - ring[1]
            if dx * dx + dy * dy < frame.tolerance2 { n -= 1 }
        }
        guard n >= 3 else { return }
        let f = frame
        if x1 < f.clipMinX || y1 < f.clipMinY || x0 > f.clipMaxX || y0 > f.clipMaxY { return }
        let inside = x0 >= f.clipMinX && y0 >= f.clipMinY && x1 <= f.clipMaxX && y1 <= f.clipMaxY
        if !inside {
            n = clipRing(count: n)
            guard n >= 3 else { return }
        }
        let area = ring.withUnsafeBufferPointer { Self.signedArea($0, n) }
        guard area != 0 else { return }
        if (area < 0) != hole { reverse(count: n) }
        ring.withUnsafeBufferPointer { out.append(contour: UnsafeBufferPointer(rebasing: $0[0..<(2 * n)]), closed: true) }
    }

    private static func signedArea(_ p: UnsafeBufferPointer<Double>, _ n: Int) -> Double {
        var sum = 0.0
        var px = p[2 * n - 2], py = p[2 * n - 1]
        for i in 0..<n {
            let x = p[2 * i], y = p[2 * i + 1]
            sum += px * y - x * py
            px = x
            py = y
        }
        return sum / 2
    }

    private mutating func reverse(count n: Int) {
        ring.withUnsafeMutableBufferPointer { p in
            var i = 0, j = n - 1
            while i < j {
                p.swapAt(2 * i, 2 * j)
                p.swapAt(2 * i + 1, 2 * j + 1)
                i += 1
                j -= 1
            }
        }
    }

    /// Sutherland–Hodgman against the clip box, `ring` → `work` → `ring` for the four sides;
    /// returns the point count left in `ring`.
    private mutating func clipRing(count: Int) -> Int {
        var n = count
        for side in 0..<4 {
            guard n >= 3 else { return 0 }
            if work.count < n * 4 + 8 { work = [Double](repeating: 0, count: n * 4 + 64) }
            let axis = side & 1
            let bound: Double
            switch side {
            case 0: bound = frame.clipMinX
            case 1: bound = frame.clipMinY
            case 2: bound = frame.clipMaxX
            default: bound = frame.clipMaxY
            }
            let keepAbove = side < 2
            n = ring.withUnsafeBufferPointer { src in
                work.withUnsafeMutableBufferPointer { dst in
                    Self.clipPass(src, n, dst, axis: axis, bound: bound, keepAbove: keepAbove)
                }
            }
            swap(&ring, &work)
        }
        return n
    }

    @inline(__always)
    private static func clipPass(_ src: UnsafeBufferPointer<Double>, _ n: Int,
                                 _ dst: UnsafeMutableBufferPointer<Double>,
                                 axis: Int, bound: Double, keepAbove: Bool) -> Int {
        var m = 0
        var px = src[2 * n - 2], py = src[2 * n - 1]
        var pv = axis == 0 ? px : py
        var pIn = keepAbove ? pv >= bound : pv <= bound
        for i in 0..<n {
            let x = src[2 * i], y = src[2 * i + 1]
            let v = axis == 0 ? x : y
            let inside = keepAbove ? v >= bound : v <= bound
            if inside != pIn {
                let t = (bound - pv) / (v - pv)
                if axis == 0 {
                    dst[2 * m] = bound
                    dst[2 * m + 1] = py + (y - py) * t
                } else {
                    dst[2 * m] = px + (x - px) * t
                    dst[2 * m + 1] = bound
                }
                m += 1
            }
            if inside {
                dst[2 * m] = x
                dst[2 * m + 1] = y
                m += 1
            }
            px = x
            py = y
            pv = v
            pIn = inside
        }
        return m
    }

    // MARK: - Lines

    private mutating func addLine(_ xy: UnsafeBufferPointer<Double>, from: Int, to: Int,
                                  to out: inout Polylines) {
        let (x0, y0, x1, y1) = project(xy, from: from, to: to, keepLast: true)
        let n = ringCount
        guard n >= 2 else { return }
        let f = frame
        if x1 < f.clipMinX || y1 < f.clipMinY || x0 > f.clipMaxX || y0 > f.clipMaxY { return }
        if x0 >= f.clipMinX && y0 >= f.clipMinY && x1 <= f.clipMaxX && y1 <= f.clipMaxY {
            ring.withUnsafeBufferPointer { out.append(contour: UnsafeBufferPointer(rebasing: $0[0..<(2 * n)]), closed: false) }
            return
        }
        clipLine(count: n, to: &out)
    }

    /// Liang–Barsky per segment of `ring`, emitting each stretch inside the clip box as an open
    /// contour.
    private mutating func clipLine(count n: Int, to out: inout Polylines) {
        if work.count < n * 2 + 8 { work = [Double](repeating: 0, count: n * 2 + 64) }
        let loX = frame.clipMinX, hiX = frame.clipMaxX, loY = frame.clipMinY, hiY = frame.clipMaxY
        var m = 0
        func flush(_ work: UnsafeMutableBufferPointer<Double>, _ out: inout Polylines) {
            if m >= 2 { out.append(contour: UnsafeBufferPointer(rebasing: work[0..<(2 * m)]), closed: false) }
            m = 0
        }
        ring.withUnsafeBufferPointer { p in
            work.withUnsafeMutableBufferPointer { w in
                for i in 0..<(n - 1) {
                    let ax = p[2 * i], ay = p[2 * i + 1], bx = p[2 * i + 2], by = p[2 * i + 3]
                    let dx = bx - ax, dy = by - ay
                    var t0 = 0.0, t1 = 1.0
                    var visible = Clip.narrow(-dx, ax - loX, &t0, &t1)
                    visible = visible && Clip.narrow(dx, hiX - ax, &t0, &t1)
                    visible = visible && Clip.narrow(-dy, ay - loY, &t0, &t1)
                    visible = visible && Clip.narrow(dy, hiY - ay, &t0, &t1)
                    if !visible || t0 > t1 {
                        flush(w, &out)
                        continue
                    }
                    if m == 0 || t0 > 0 {
                        flush(w, &out)
                        w[0] = ax + dx * t0
                        w[1] = ay + dy * t0
                        m = 1
                    }
                    w[2 * m] = ax + dx * t1
                    w[2 * m + 1] = ay + dy * t1
                    m += 1
                    if t1 < 1 { flush(w, &out) }
                }
                flush(w, &out)
            }
        }
    }
}
