/// A vector geometry in the simple-features model, 2D only.
///
/// Coordinates carry no reference system of their own: the same value holds lon/lat degrees
/// as stored, Web Mercator metres for rendering, or pixels after a `Transform`.
/// Polygons are lists of rings, the first one outer and the rest holes; rings are closed
/// (first point repeated last) when they come from WKB, SpatiaLite or GeoJSON.
public enum Geometry: Sendable, Hashable {
    case point(Point)
    case multiPoint([Point])
    case lineString([Point])
    case multiLineString([[Point]])
    case polygon([[Point]])
    case multiPolygon([[[Point]]])
    case geometryCollection([Geometry])
}

/// The dimension family of a geometry, as the renderer picks a symbolizer by it.
public enum GeometryKind: Sendable, Hashable {
    /// Points and multi-points.
    case point
    /// Line strings and multi-line strings.
    case line
    /// Polygons and multi-polygons.
    case polygon
    /// A collection whose members belong to several families, or an empty collection.
    case mixed
}

extension Geometry {
    /// The family of this geometry. A collection reports its members' family when they all
    /// share one, and `.mixed` otherwise.
    public var kind: GeometryKind {
        switch self {
        case .point, .multiPoint: return .point
        case .lineString, .multiLineString: return .line
        case .polygon, .multiPolygon: return .polygon
        case .geometryCollection(let members):
            guard let first = members.first?.kind else { return .mixed }
            return members.allSatisfy { $0.kind == first } ? first : .mixed
        }
    }

    /// The OGC name of the geometry type, as in WKT ("Point", "MultiPolygon"…).
    public var typeName: String {
        switch self {
        case .point: return "Point"
        case .multiPoint: return "MultiPoint"
        case .lineString: return "LineString"
        case .multiLineString: return "MultiLineString"
        case .polygon: return "Polygon"
        case .multiPolygon: return "MultiPolygon"
        case .geometryCollection: return "GeometryCollection"
        }
    }

    /// The smallest box holding every vertex; `BoundingBox.empty` when there is none.
    public var bbox: BoundingBox {
        var box = BoundingBox.empty
        forEachPart { part in
            for point in part { box.formUnion(point) }
        }
        return box
    }

    /// The number of vertices, closing points of rings included.
    public var vertexCount: Int {
        switch self {
        case .point: return 1
        case .multiPoint(let points), .lineString(let points): return points.count
        case .multiLineString(let lines), .polygon(let lines):
            return lines.reduce(0) { $0 + $1.count }
        case .multiPolygon(let polygons):
            return polygons.reduce(0) { sum, rings in rings.reduce(sum) { $0 + $1.count } }
        case .geometryCollection(let members):
            return members.reduce(0) { $0 + $1.vertexCount }
        }
    }

    /// Whether the geometry has no vertex at all.
    public var isEmpty: Bool { vertexCount == 0 }

    /// Calls `body` with each run of vertices: a point as a one-element array, each point of a
    /// multi-point alone, each line, and each ring of each polygon, descending into collections.
    public func forEachPart(_ body: ([Point]) throws -> Void) rethrows {
        switch self {
        case .point(let point): try body([point])
        case .multiPoint(let points): for point in points { try body([point]) }
        case .lineString(let points): try body(points)
        case .multiLineString(let lines), .polygon(let lines):
            for line in lines { try body(line) }
        case .multiPolygon(let polygons):
            for rings in polygons { for ring in rings { try body(ring) } }
        case .geometryCollection(let members):
            for member in members { try member.forEachPart(body) }
        }
    }

    /// The same geometry with every vertex passed through `transform` (a reprojection, a
    /// `Transform` to pixels…). The structure is kept as is.
    public func mapPoints(_ transform: (Point) throws -> Point) rethrows -> Geometry {
        switch self {
        case .point(let point):
            return .point(try transform(point))
        case .multiPoint(let points):
            return .multiPoint(try points.map(transform))
        case .lineString(let points):
            return .lineString(try points.map(transform))
        case .multiLineString(let lines):
            return .multiLineString(try lines.map { try $0.map(transform) })
        case .polygon(let rings):
            return .polygon(try rings.map { try $0.map(transform) })
        case .multiPolygon(let polygons):
            return .multiPolygon(try polygons.map { try $0.map { try $0.map(transform) } })
        case .geometryCollection(let members):
            return .geometryCollection(try members.map { try $0.mapPoints(transform) })
        }
    }
}
