extension Geometry {
    /// The area in square metres of the polygons of a lon/lat geometry on the WGS84
    /// ellipsoid, holes subtracted; 0 for points and lines.
    public var ellipsoidalArea: Double {
        polygonsSum { rings in
            guard let outer = rings.first else { return 0 }
            return rings.dropFirst().reduce(Measure.ellipsoidalArea(ofRing: outer)) {
                $0 - Measure.ellipsoidalArea(ofRing: $1)
            }
        }
    }

    /// The planar area of the polygons in coordinate units² (m² for Web Mercator, which
    /// inflates areas by 1/cos²(latitude)), holes subtracted; 0 for points and lines.
    public var planarArea: Double {
        polygonsSum { rings in
            guard let outer = rings.first else { return 0 }
            return rings.dropFirst().reduce(abs(Measure.signedArea(ofRing: outer))) {
                $0 - abs(Measure.signedArea(ofRing: $1))
            }
        }
    }

    /// The length in metres of a lon/lat geometry along great circles: the length of lines,
    /// the perimeter (all rings) of polygons, 0 for points.
    public var haversineLength: Double {
        switch self {
        case .point, .multiPoint: return 0
        case .lineString(let points): return Measure.haversineLength(points)
        case .multiLineString(let lines), .polygon(let lines):
            return lines.reduce(0) { $0 + Measure.haversineLength($1) }
        case .multiPolygon(let polygons):
            return polygons.reduce(0) { sum, rings in
                rings.reduce(sum) { $0 + Measure.haversineLength($1) }
            }
        case .geometryCollection(let members):
            return members.reduce(0) { $0 + $1.haversineLength }
        }
    }

    /// The planar centroid: area-weighted over polygons when there is any area, else
    /// length-weighted over lines (and polygon outlines), else the mean of the points.
    /// Nil for an empty geometry. Meant for labels and zoom targets; for lon/lat data it is
    /// computed in degrees.
    public var centroid: Point? {
        var accumulator = CentroidAccumulator()
        accumulator.add(self)
        return accumulator.result
    }

    /// Whether `point` lies inside the polygons of this geometry (even-odd within each
    /// polygon, holes excluded). Points and lines contain nothing.
    public func contains(_ point: Point) -> Bool {
        switch self {
        case .point, .multiPoint, .lineString, .multiLineString: return false
        case .polygon(let rings): return Measure.polygon(rings, contains: point)
        case .multiPolygon(let polygons):
            return polygons.contains { Measure.polygon($0, contains: point) }
        case .geometryCollection(let members): return members.contains { $0.contains(point) }
        }
    }

    /// The planar distance from `point` to the geometry, in coordinate units: 0 inside a
    /// polygon, else the distance to the nearest vertex, line or ring; infinity when empty.
    /// For hit-testing a click against features, in projected coordinates.
    public func distance(from point: Point) -> Double {
        if contains(point) { return 0 }
        return distanceToBoundary(from: point)
    }

    /// The planar distance from `point` to the nearest vertex, line or polygon ring, even from
    /// inside a polygon; infinity when empty.
    public func distanceToBoundary(from point: Point) -> Double {
        var best = Double.infinity
        forEachPart { part in best = Swift.min(best, Measure.distance(from: point, toLine: part)) }
        return best
    }

    private func polygonsSum(_ area: ([[Point]]) -> Double) -> Double {
        switch self {
        case .point, .multiPoint, .lineString, .multiLineString: return 0
        case .polygon(let rings): return area(rings)
        case .multiPolygon(let polygons): return polygons.reduce(0) { $0 + area($1) }
        case .geometryCollection(let members):
            return members.reduce(0) { $0 + $1.polygonsSum(area) }
        }
    }
}

/// Sums weighted positions by dimension, so a collection's centroid comes from its
/// highest-dimension members.
private struct CentroidAccumulator {
    var areaX = 0.0, areaY = 0.0, area = 0.0
    var lengthX = 0.0, lengthY = 0.0, length = 0.0
    var pointX = 0.0, pointY = 0.0, pointCount = 0.0

    var result: Point? {
        if area > 0 { return Point(x: areaX / area, y: areaY / area) }
        if length > 0 { return Point(x: lengthX / length, y: lengthY / length) }
        if pointCount > 0 { return Point(x: pointX / pointCount, y: pointY / pointCount) }
        return nil
    }

    mutating func add(_ geometry: Geometry) {
        switch geometry {
        case .point(let point): addPoints([point])
        case .multiPoint(let points): addPoints(points)
        case .lineString(let points): addLine(points)
        case .multiLineString(let lines): lines.forEach { addLine($0) }
        case .polygon(let rings): addPolygon(rings)
        case .multiPolygon(let polygons): polygons.forEach { addPolygon($0) }
        case .geometryCollection(let members): members.forEach { add($0) }
        }
    }

    mutating func addPoints(_ points: [Point]) {
        for point in points {
            pointX += point.x
            pointY += point.y
            pointCount += 1
        }
    }

    mutating func addLine(_ points: [Point]) {
        addPoints(points)
        guard points.count >= 2 else { return }
        for i in 1..<points.count {
            let a = points[i - 1], b = points[i]
            let segment = a.distance(to: b)
            lengthX += (a.x + b.x) / 2 * segment
            lengthY += (a.y + b.y) / 2 * segment
            length += segment
        }
    }

    /// Adds the rings' area moments: outer ring positive, holes negative, whatever their
    /// orientation; outlines count as lines too.
    mutating func addPolygon(_ rings: [[Point]]) {
        for (index, ring) in rings.enumerated() {
            addLine(ring)
            guard ring.count >= 3, let origin = ring.first else { continue }
            var sum = 0.0, cx = 0.0, cy = 0.0
            var previous = ring[ring.count - 1]
            for point in ring {
                let x0 = previous.x - origin.x, y0 = previous.y - origin.y
                let x1 = point.x - origin.x, y1 = point.y - origin.y
                let cross = x0 * y1 - x1 * y0
                sum += cross
                cx += (x0 + x1) * cross
                cy += (y0 + y1) * cross
                previous = point
            }
            guard sum != 0 else { continue }
            // Area sum/2, centroid (cx, cy)/(3·sum) relative to origin; weight by |area|.
            let ringArea = abs(sum) / 2
            let sign: Double = index == 0 ? 1 : -1
            areaX += sign * ringArea * (origin.x + cx / (3 * sum))
            areaY += sign * ringArea * (origin.y + cy / (3 * sum))
            area += sign * ringArea
        }
    }
}
