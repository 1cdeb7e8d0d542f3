import Geometry

/// Groups the rings of a shapefile polygon into polygons with holes.
///
/// A shapefile polygon is a flat list of rings: outer rings run clockwise and holes
/// counter-clockwise (with y pointing north). Each hole goes to the smallest outer ring
/// that contains it. Files written with the opposite orientation exist, so when no ring
/// runs clockwise the rings are nested by containment instead. Rings are closed if open,
/// and rings with fewer than three distinct points are dropped.
enum PolygonAssembly {
    /// The polygon or multipolygon, the number of rings dropped as degenerate, and the
    /// number of holes that fit in no outer ring (kept as polygons of their own).
    static func assemble(rings input: [[Point]]) -> (geometry: Geometry?, dropped: Int, orphans: Int) {
        var rings = [[Point]]()
        var dropped = 0
        for var ring in input {
            if let first = ring.first, ring.last != first { ring.append(first) }
            if Set(ring).count < 3 {
                dropped += 1
                continue
            }
            rings.append(ring)
        }
        guard !rings.isEmpty else { return (nil, dropped, 0) }
        if rings.count == 1 { return (.polygon(rings), dropped, 0) }

        let areas = rings.map(signedArea)
        var isOuter = areas.map { $0 < 0 }
        if !isOuter.contains(true) {
            // No clockwise ring: nest by containment; a ring inside an even number of
            // others is an outer ring.
            isOuter = rings.indices.map { index in
                let inside = rings.indices.filter { other in
                    other != index && abs(areas[other]) > abs(areas[index]) && contains(rings[other], ring: rings[index])
                }
                return inside.count % 2 == 0
            }
        }
        var polygons = [[[Point]]]()
        var outerIndex = [Int: Int]()
        for index in rings.indices where isOuter[index] {
            outerIndex[index] = polygons.count
            polygons.append([rings[index]])
        }
        var orphans = 0
        for index in rings.indices where !isOuter[index] {
            let hole = rings[index]
            let container = outerIndex.keys
                .filter { contains(rings[$0], ring: hole) }
                .min { abs(areas[$0]) < abs(areas[$1]) }
            if let container, let position = outerIndex[container] {
                polygons[position].append(hole)
            } else {
                orphans += 1
                polygons.append([hole.reversed()])
            }
        }
        return (polygons.count == 1 ? .polygon(polygons[0]) : .multiPolygon(polygons), dropped, orphans)
    }

    /// Twice-signed shoelace area halved: positive counter-clockwise, negative clockwise.
    static func signedArea(_ ring: [Point]) -> Double {
        guard ring.count > 2 else { return 0 }
        var sum = 0.0
        for index in 0..<(ring.count - 1) {
            sum += ring[index].x * ring[index + 1].y - ring[index + 1].x * ring[index].y
        }
        return sum / 2
    }

    /// Whether `outer` contains `ring`, judged by the first of its vertices that is not on
    /// `outer`'s boundary (holes may touch their outer ring at a vertex).
    static func contains(_ outer: [Point], ring: [Point]) -> Bool {
        let outerBox = BoundingBox(points: outer)
        guard outerBox.contains(BoundingBox(points: ring)) else { return false }
        let vertices = Set(outer)
        let probe = ring.first { !vertices.contains($0) } ?? ring[0]
        return pointInRing(probe, outer)
    }

    /// Even-odd ray casting.
    static func pointInRing(_ point: Point, _ ring: [Point]) -> Bool {
        var inside = false
        var previous = ring[ring.count - 1]
        for current in ring {
            if (current.y > point.y) != (previous.y > point.y) {
                let x = (previous.x - current.x) * (point.y - current.y) / (previous.y - current.y) + current.x
                if point.x < x { inside.toggle() }
            }
            previous = current
        }
        return inside
    }
}
