/// Clipping to an axis-aligned rectangle, as the renderer does with a tile plus a margin.
///
/// Lines are clipped segment by segment (Liang–Barsky) and split where they leave the
/// rectangle. Polygon rings are clipped one by one (Sutherland–Hodgman): a ring that leaves
/// and re-enters comes back as one ring with edges running along the border, which fills
/// correctly but is not a valid simple-features polygon.
public enum Clip {
    /// The parameters `t0 ≤ t1` in 0...1 of the part of segment a→b inside `box`, or nil when
    /// the segment misses it (Liang–Barsky).
    public static func segment(_ a: Point, _ b: Point, to box: BoundingBox) -> (t0: Double, t1: Double)? {
        let dx = b.x - a.x, dy = b.y - a.y
        var t0 = 0.0, t1 = 1.0
        guard narrow(-dx, a.x - box.minX, &t0, &t1), narrow(dx, box.maxX - a.x, &t0, &t1),
              narrow(-dy, a.y - box.minY, &t0, &t1), narrow(dy, box.maxY - a.y, &t0, &t1) else {
            return nil
        }
        return (t0, t1)
    }

    /// One Liang–Barsky test: narrows `t0...t1` to where `p·t ≤ q`; false when nothing is left.
    /// Public and inlinable so the renderer's own clipping loop uses the same step at full speed.
    @inlinable @inline(__always)
    public static func narrow(_ p: Double, _ q: Double, _ t0: inout Double, _ t1: inout Double) -> Bool {
        if p == 0 { return q >= 0 }
        let r = q / p
        if p < 0 {
            if r > t1 { return false }
            if r > t0 { t0 = r }
        } else {
            if r < t0 { return false }
            if r < t1 { t1 = r }
        }
        return true
    }

    /// The parts of a line inside `box`, in order; each has at least two points.
    public static func line(_ points: [Point], to box: BoundingBox) -> [[Point]] {
        guard points.count >= 2, !box.isEmpty else { return [] }
        var parts = [[Point]]()
        var current = [Point]()
        func flush() {
            if current.count >= 2 { parts.append(current) }
            current = []
        }
        for i in 1..<points.count {
            let a = points[i - 1], b = points[i]
            guard let (t0, t1) = segment(a, b, to: box) else {
                flush()
                continue
            }
            let start = t0 == 0 ? a : Point(x: a.x + t0 * (b.x - a.x), y: a.y + t0 * (b.y - a.y))
            let end = t1 == 1 ? b : Point(x: a.x + t1 * (b.x - a.x), y: a.y + t1 * (b.y - a.y))
            if t0 > 0 { flush() }
            if current.isEmpty { current.append(start) }
            current.append(end)
            if t1 < 1 { flush() }
        }
        flush()
        return parts
    }

    /// A ring clipped to `box` (Sutherland–Hodgman) and closed, or nil when fewer than three
    /// corners are left.
    public static func ring(_ ring: [Point], to box: BoundingBox) -> [Point]? {
        let bounds = BoundingBox(points: ring)
        guard bounds.intersects(box) else { return nil }
        if box.contains(bounds) { return ring.count >= 3 ? ring : nil }
        var input = ring
        if input.count > 1, input.first == input.last { input.removeLast() }
        var output = [Point]()
        output.reserveCapacity(input.count + 4)
        for edge in Edge.allCases {
            guard input.count >= 3 else { return nil }
            output.removeAll(keepingCapacity: true)
            var previous = input[input.count - 1]
            var previousInside = edge.contains(previous, box)
            for point in input {
                let inside = edge.contains(point, box)
                if inside != previousInside {
                    output.append(edge.intersection(previous, point, box))
                }
                if inside { output.append(point) }
                previous = point
                previousInside = inside
            }
            swap(&input, &output)
        }
        guard input.count >= 3, let first = input.first else { return nil }
        input.append(first)
        return input
    }

    /// One side of the clip rectangle.
    private enum Edge: CaseIterable {
        case left, right, bottom, top

        func contains(_ p: Point, _ box: BoundingBox) -> Bool {
            switch self {
            case .left: return p.x >= box.minX
            case .right: return p.x <= box.maxX
            case .bottom: return p.y >= box.minY
            case .top: return p.y <= box.maxY
            }
        }

        /// Where segment a→b, which straddles this side, crosses it.
        func intersection(_ a: Point, _ b: Point, _ box: BoundingBox) -> Point {
            switch self {
            case .left, .right:
                let x = self == .left ? box.minX : box.maxX
                return Point(x: x, y: a.y + (x - a.x) / (b.x - a.x) * (b.y - a.y))
            case .bottom, .top:
                let y = self == .bottom ? box.minY : box.maxY
                return Point(x: a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x), y: y)
            }
        }
    }
}

extension Geometry {
    /// The part of the geometry inside `box` (edges included), or nil when nothing is left.
    /// A line that leaves and re-enters becomes a multi-line string; polygons lose the holes
    /// and parts that fall outside; a geometry entirely inside is returned unchanged.
    public func clipped(to box: BoundingBox) -> Geometry? {
        let bounds = bbox
        guard bounds.intersects(box) else { return nil }
        if box.contains(bounds) { return self }
        func polygon(_ rings: [[Point]]) -> [[Point]]? {
            guard let outer = rings.first, let kept = Clip.ring(outer, to: box) else { return nil }
            return [kept] + rings.dropFirst().compactMap { Clip.ring($0, to: box) }
        }
        switch self {
        case .point:
            return self
        case .multiPoint(let points):
            let kept = points.filter(box.contains)
            return kept.isEmpty ? nil : .multiPoint(kept)
        case .lineString(let points):
            let parts = Clip.line(points, to: box)
            if parts.count == 1, let part = parts.first { return .lineString(part) }
            return parts.isEmpty ? nil : .multiLineString(parts)
        case .multiLineString(let lines):
            let parts = lines.flatMap { Clip.line($0, to: box) }
            return parts.isEmpty ? nil : .multiLineString(parts)
        case .polygon(let rings):
            return polygon(rings).map(Geometry.polygon)
        case .multiPolygon(let polygons):
            let kept = polygons.compactMap(polygon)
            return kept.isEmpty ? nil : .multiPolygon(kept)
        case .geometryCollection(let members):
            let kept = members.compactMap { $0.clipped(to: box) }
            return kept.isEmpty ? nil : .geometryCollection(kept)
        }
    }
}
