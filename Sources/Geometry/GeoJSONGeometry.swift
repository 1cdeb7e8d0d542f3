import Foundation

/// GeoJSON geometry objects (RFC 7946 §3.1): reading them from parsed JSON or bytes, and
/// writing them compactly.
///
/// Reading checks the structure the RFC requires (positions of at least two numbers, lines of
/// at least two positions, closed rings of at least four) and says where a problem is, as a
/// path into the object: "coordinates[2][5]: expected [lon, lat]". Altitudes are dropped.
/// Coordinates are not range-checked, so the same reader serves projected data.
public enum GeoJSON {
    /// Collections may nest; deeper nesting than this is refused.
    static let maxNesting = 32

    /// Reads a geometry object from JSON text.
    /// - Throws: `GeometryError.geoJSON` for invalid JSON or an invalid geometry object.
    public static func geometry(from data: Data) throws -> Geometry {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw GeometryError.geoJSON("not valid JSON (\(error.localizedDescription))")
        }
        return try geometry(fromObject: object)
    }

    /// Reads a geometry object from parsed JSON (`[String: Any]` with arrays and numbers, as
    /// `JSONSerialization` returns them).
    /// - Throws: `GeometryError.geoJSON` saying what is wrong and where.
    public static func geometry(fromObject object: Any) throws -> Geometry {
        try GeoJSONReader(depth: 0, path: "").geometry(object)
    }
}

/// The reader behind `GeoJSON.geometry(fromObject:)`; `path` locates the object being read.
private struct GeoJSONReader {
    let depth: Int
    let path: String

    func fail(_ member: String, _ problem: String) -> GeometryError {
        .geoJSON("\(path)\(member): \(problem)")
    }

    func geometry(_ any: Any) throws -> Geometry {
        guard let object = any as? [String: Any] else {
            throw GeometryError.geoJSON("\(path.isEmpty ? "geometry" : String(path.dropLast())): expected an object")
        }
        guard let typeValue = object["type"] else { throw fail("type", "missing") }
        guard let typeName = typeValue as? String else { throw fail("type", "expected a string") }
        guard let type = GeometryType(rawValue: typeName) else {
            throw fail("type", typeName == "Feature" || typeName == "FeatureCollection"
                       ? "expected a geometry object, found \"\(typeName)\""
                       : "unknown geometry type \"\(typeName)\"")
        }
        let at = "coordinates"
        func coordinates() throws -> Any {
            guard let value = object[at] else { throw fail(at, "missing") }
            return value
        }
        switch type {
        case .point:
            return .point(try position(try coordinates(), at))
        case .multiPoint:
            return .multiPoint(try positions(try coordinates(), at))
        case .lineString:
            return .lineString(try line(try coordinates(), at))
        case .multiLineString:
            return .multiLineString(try array(try coordinates(), at) { try line($0, $1) })
        case .polygon:
            return .polygon(try rings(try coordinates(), at))
        case .multiPolygon:
            return .multiPolygon(try array(try coordinates(), at) { try rings($0, $1) })
        case .geometryCollection:
            return try collection(object)
        }
    }

    func collection(_ object: [String: Any]) throws -> Geometry {
        guard depth < GeoJSON.maxNesting else {
            throw fail("geometries", "collections nest deeper than \(GeoJSON.maxNesting) levels")
        }
        guard let value = object["geometries"] else { throw fail("geometries", "missing") }
        guard let members = value as? [Any] else { throw fail("geometries", "expected an array") }
        var geometries = [Geometry]()
        geometries.reserveCapacity(members.count)
        for (index, member) in members.enumerated() {
            let reader = GeoJSONReader(depth: depth + 1, path: "\(path)geometries[\(index)].")
            geometries.append(try reader.geometry(member))
        }
        return .geometryCollection(geometries)
    }

    /// Reads an array whose elements `element` reads, given each element and its path.
    func array<T>(_ any: Any, _ at: String, _ element: (Any, String) throws -> T) throws -> [T] {
        guard let items = any as? [Any] else { throw fail(at, "expected an array") }
        var result = [T]()
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            result.append(try element(item, "\(at)[\(index)]"))
        }
        return result
    }

    func position(_ any: Any, _ at: @autoclosure () -> String) throws -> Point {
        guard let values = any as? [Any], values.count >= 2,
              let x = Self.number(values[0]), let y = Self.number(values[1]) else {
            throw fail(at(), "expected [lon, lat]")
        }
        guard x.isFinite, y.isFinite else { throw fail(at(), "expected finite numbers") }
        return Point(x: x, y: y)
    }

    func positions(_ any: Any, _ at: String) throws -> [Point] {
        guard let items = any as? [Any] else { throw fail(at, "expected an array of positions") }
        var points = [Point]()
        points.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            points.append(try position(item, "\(at)[\(index)]"))
        }
        return points
    }

    func line(_ any: Any, _ at: String) throws -> [Point] {
        let points = try positions(any, at)
        guard points.count >= 2 else {
            throw fail(at, "a line needs at least 2 positions, found \(points.count)")
        }
        return points
    }

    func rings(_ any: Any, _ at: String) throws -> [[Point]] {
        try array(any, at) { item, ringPath in
            let ring = try positions(item, ringPath)
            guard ring.count >= 4 else {
                throw fail(ringPath, "a linear ring needs at least 4 positions, found \(ring.count)")
            }
            guard ring.first == ring.last else {
                throw fail(ringPath, "linear ring is not closed (its last position differs from its first)")
            }
            return ring
        }
    }

    /// A JSON number as a Double.
    static func number(_ any: Any) -> Double? {
        if let value = any as? Double { return value }
        if let value = any as? Int { return Double(value) }
        if let value = any as? NSNumber { return value.doubleValue }
        return nil
    }
}

/// The values of a geometry object's "type" member.
private enum GeometryType: String {
    case point = "Point"
    case multiPoint = "MultiPoint"
    case lineString = "LineString"
    case multiLineString = "MultiLineString"
    case polygon = "Polygon"
    case multiPolygon = "MultiPolygon"
    case geometryCollection = "GeometryCollection"
}
