import Foundation

extension SpatiaLiteBlob {
    /// Writes `geometry` as an uncompressed 2D SpatiaLite BLOB with `srid`, its MBR in the
    /// header, ready for a SpatiaLite geometry column.
    ///
    /// SpatiaLite collections hold only points, lines and polygons, so multi-geometries
    /// nested in a collection are written as their parts.
    /// - Throws: `GeometryError.spatiaLite` for an empty geometry or a polygon without rings,
    ///   which SpatiaLite cannot represent.
    public static func encode(_ geometry: Geometry, srid: Int32,
                              byteOrder: WKB.ByteOrder = .littleEndian) throws -> Data {
        let box = geometry.bbox
        guard !box.isEmpty else {
            throw GeometryError.spatiaLite("cannot represent an empty \(geometry.typeName)")
        }
        var writer = ByteWriter(bigEndian: byteOrder == .bigEndian,
                                capacity: 44 + WKB.encodedSize(geometry))
        writer.uint8(start)
        writer.uint8(byteOrder == .bigEndian ? 0x00 : 0x01)
        writer.uint32(UInt32(bitPattern: srid))
        for value in [box.minX, box.minY, box.maxX, box.maxY] { writer.double(value) }
        writer.uint8(mbrEnd)
        switch geometry {
        case .point(let point):
            try write(.point(point), to: &writer)
        case .lineString(let points):
            try write(.line(points), to: &writer)
        case .polygon(let rings):
            try write(.polygon(rings), to: &writer)
        case .multiPoint:
            try writeEntities(.multiPoint, elementaryParts(of: geometry), to: &writer)
        case .multiLineString:
            try writeEntities(.multiLineString, elementaryParts(of: geometry), to: &writer)
        case .multiPolygon:
            try writeEntities(.multiPolygon, elementaryParts(of: geometry), to: &writer)
        case .geometryCollection:
            try writeEntities(.geometryCollection, elementaryParts(of: geometry), to: &writer)
        }
        writer.uint8(end)
        return Data(writer.bytes)
    }

    /// A point, line or polygon: what a SpatiaLite entity can hold.
    private enum Part {
        case point(Point)
        case line([Point])
        case polygon([[Point]])
    }

    private static func writeEntities(_ code: WKB.TypeCode, _ parts: [Part],
                                      to writer: inout ByteWriter) throws {
        writer.uint32(code.rawValue)
        writer.uint32(UInt32(parts.count))
        for part in parts {
            writer.uint8(entity)
            try write(part, to: &writer)
        }
    }

    /// Writes the class and body of a point, line or polygon.
    private static func write(_ part: Part, to writer: inout ByteWriter) throws {
        switch part {
        case .point(let point):
            writer.uint32(WKB.TypeCode.point.rawValue)
            writer.points([point])
        case .line(let points):
            writer.uint32(WKB.TypeCode.lineString.rawValue)
            writer.uint32(UInt32(points.count))
            writer.points(points)
        case .polygon(let rings):
            guard !rings.isEmpty else {
                throw GeometryError.spatiaLite("cannot represent a polygon without rings")
            }
            writer.uint32(WKB.TypeCode.polygon.rawValue)
            writer.uint32(UInt32(rings.count))
            for ring in rings {
                writer.uint32(UInt32(ring.count))
                writer.points(ring)
            }
        }
    }

    /// The points, lines and polygons of a geometry, collections and multi-geometries opened.
    private static func elementaryParts(of geometry: Geometry) -> [Part] {
        switch geometry {
        case .point(let point): return [.point(point)]
        case .lineString(let points): return [.line(points)]
        case .polygon(let rings): return [.polygon(rings)]
        case .multiPoint(let points): return points.map(Part.point)
        case .multiLineString(let lines): return lines.map(Part.line)
        case .multiPolygon(let polygons): return polygons.map(Part.polygon)
        case .geometryCollection(let members): return members.flatMap(elementaryParts)
        }
    }
}
