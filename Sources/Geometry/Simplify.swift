/// Line and ring generalization, for keeping lighter copies of geometry for low zooms.
///
/// Tolerances are in the units of the coordinates (for tiles: about half a pixel's worth of
/// metres at the target zoom, see `TileMath.resolution(zoom:tileSize:)`).
public enum Simplify {
    /// How to choose the vertices that stay.
    public enum Method: Sendable, Hashable {
        /// Douglas–Peucker: no dropped vertex lies farther than the tolerance from the
        /// simplified line. Good shapes, O(n log n) typically.
        case douglasPeucker
        /// Drops each vertex closer than the tolerance to the previous kept vertex. One pass,
        /// cruder; for very low zooms where whole features shrink to a few pixels.
        case radialDistance
    }

    /// The Douglas–Peucker simplification of a line: the first and last points stay, and
    /// every dropped point lies within `tolerance` of the segment that replaces it.
    /// Works on closed rings too (the first point then anchors both halves).
    public static func douglasPeucker(_ points: [Point], tolerance: Double) -> [Point] {
        let count = points.count
        guard count > 2, tolerance > 0 else { return points }
        let limit = tolerance * tolerance
        var keep = [Bool](repeating: false, count: count)
        keep[0] = true
        keep[count - 1] = true
        // An explicit stack instead of recursion: long lines must not exhaust the call stack.
        var stack = [(first: 0, last: count - 1)]
        while let (first, last) = stack.popLast() {
            guard last - first > 1 else { continue }
            let a = points[first], b = points[last]
            var farthest = 0.0
            var index = first
            for i in (first + 1)..<last {
                let d = Measure.squaredDistance(from: points[i], toSegment: a, b)
                if d > farthest {
                    farthest = d
                    index = i
                }
            }
            if farthest > limit {
                keep[index] = true
                stack.append((first, index))
                stack.append((index, last))
            }
        }
        var result = [Point]()
        for i in 0..<count where keep[i] { result.append(points[i]) }
        return result
    }

    /// Keeps the first point, each point at least `tolerance` away from the previous kept one,
    /// and the last point.
    public static func radialDistance(_ points: [Point], tolerance: Double) -> [Point] {
        guard points.count > 2, tolerance > 0, let first = points.first, let end = points.last else {
            return points
        }
        let limit = tolerance * tolerance
        var result = [first]
        var previous = first
        for point in points.dropFirst().dropLast() where point.squaredDistance(to: previous) >= limit {
            result.append(point)
            previous = point
        }
        result.append(end)
        return result
    }

    /// A simplified closed ring of at least 4 points (3 corners and the closing point), or nil
    /// when the ring is smaller than `tolerance` in both directions or has no area at all.
    public static func ring(_ ring: [Point], tolerance: Double,
                            method: Method = .douglasPeucker) -> [Point]? {
        let box = BoundingBox(points: ring)
        guard !box.isEmpty, box.width >= tolerance || box.height >= tolerance else { return nil }
        let result: [Point]
        switch method {
        case .douglasPeucker: result = douglasPeucker(ring, tolerance: tolerance)
        case .radialDistance: result = radialDistance(ring, tolerance: tolerance)
        }
        return result.count >= 4 ? result : triangle(in: ring)
    }

    /// The ring reduced to its widest triangle, in the ring's order; nil when all its points
    /// are collinear.
    static func triangle(in ring: [Point]) -> [Point]? {
        guard let start = ring.first else { return nil }
        var far = 0, farthest = 0.0
        for (i, point) in ring.enumerated() where point.squaredDistance(to: start) > farthest {
            far = i
            farthest = point.squaredDistance(to: start)
        }
        var apex = 0, widest = 0.0
        for (i, point) in ring.enumerated() {
            let d = Measure.squaredDistance(from: point, toSegment: start, ring[far])
            if d > widest {
                apex = i
                widest = d
            }
        }
        guard widest > 0 else { return nil }
        return [start, ring[Swift.min(far, apex)], ring[Swift.max(far, apex)], start]
    }
}

extension Geometry {
    /// The geometry generalized to `tolerance` (in coordinate units): lines keep their end
    /// points, rings keep at least 4 points, and rings smaller than the tolerance are dropped
    /// (a polygon whose outer ring goes, goes whole). Nil when nothing is left; points are
    /// kept as they are.
    public func simplified(tolerance: Double, method: Simplify.Method = .douglasPeucker) -> Geometry? {
        func line(_ points: [Point]) -> [Point] {
            switch method {
            case .douglasPeucker: return Simplify.douglasPeucker(points, tolerance: tolerance)
            case .radialDistance: return Simplify.radialDistance(points, tolerance: tolerance)
            }
        }
        func polygon(_ rings: [[Point]]) -> [[Point]]? {
            guard let outer = rings.first,
                  let kept = Simplify.ring(outer, tolerance: tolerance, method: method) else {
                return nil
            }
            return [kept] + rings.dropFirst().compactMap {
                Simplify.ring($0, tolerance: tolerance, method: method)
            }
        }
        switch self {
        case .point, .multiPoint:
            return self
        case .lineString(let points):
            return .lineString(line(points))
        case .multiLineString(let lines):
            return .multiLineString(lines.map(line))
        case .polygon(let rings):
            return polygon(rings).map(Geometry.polygon)
        case .multiPolygon(let polygons):
            let kept = polygons.compactMap(polygon)
            return kept.isEmpty ? nil : .multiPolygon(kept)
        case .geometryCollection(let members):
            let kept = members.compactMap { $0.simplified(tolerance: tolerance, method: method) }
            return kept.isEmpty ? nil : .geometryCollection(kept)
        }
    }
}
