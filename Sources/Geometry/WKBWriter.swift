import Foundation

extension WKB {
    /// Writes `geometry` as 2D WKB: ISO WKB, or EWKB carrying `srid` in the outer header
    /// when one is given (as PostGIS and `ST_GeomFromEWKB` expect).
    public static func encode(_ geometry: Geometry, byteOrder: ByteOrder = .littleEndian,
                              srid: Int32? = nil) -> Data {
        var writer = ByteWriter(bigEndian: byteOrder == .bigEndian,
                                capacity: encodedSize(geometry) + (srid == nil ? 0 : 4))
        write(geometry, srid: srid, to: &writer)
        return Data(writer.bytes)
    }

    /// The number of bytes `encode` writes for `geometry` without an SRID.
    public static func encodedSize(_ geometry: Geometry) -> Int {
        let header = 5
        switch geometry {
        case .point: return header + 16
        case .multiPoint(let points): return header + 4 + points.count * (header + 16)
        case .lineString(let points): return header + 4 + points.count * 16
        case .multiLineString(let lines):
            return header + 4 + lines.reduce(0) { $0 + header + 4 + $1.count * 16 }
        case .polygon(let rings): return header + ringsSize(rings)
        case .multiPolygon(let polygons):
            return header + 4 + polygons.reduce(0) { $0 + header + ringsSize($1) }
        case .geometryCollection(let members):
            return header + 4 + members.reduce(0) { $0 + encodedSize($1) }
        }
    }

    private static func ringsSize(_ rings: [[Point]]) -> Int {
        4 + rings.reduce(0) { $0 + 4 + $1.count * 16 }
    }

    private static func write(_ geometry: Geometry, srid: Int32?, to writer: inout ByteWriter) {
        func header(_ code: TypeCode) {
            writer.uint8(writer.bigEndian ? 0 : 1)
            if let srid {
                writer.uint32(code.rawValue | ewkbSRID)
                writer.uint32(UInt32(bitPattern: srid))
            } else {
                writer.uint32(code.rawValue)
            }
        }
        switch geometry {
        case .point(let point):
            header(.point)
            writer.points([point])
        case .multiPoint(let points):
            header(.multiPoint)
            writer.uint32(UInt32(points.count))
            for point in points { write(.point(point), srid: nil, to: &writer) }
        case .lineString(let points):
            header(.lineString)
            writer.uint32(UInt32(points.count))
            writer.points(points)
        case .multiLineString(let lines):
            header(.multiLineString)
            writer.uint32(UInt32(lines.count))
            for line in lines { write(.lineString(line), srid: nil, to: &writer) }
        case .polygon(let rings):
            header(.polygon)
            writeRings(rings, to: &writer)
        case .multiPolygon(let polygons):
            header(.multiPolygon)
            writer.uint32(UInt32(polygons.count))
            for rings in polygons { write(.polygon(rings), srid: nil, to: &writer) }
        case .geometryCollection(let members):
            header(.geometryCollection)
            writer.uint32(UInt32(members.count))
            for member in members { write(member, srid: nil, to: &writer) }
        }
    }

    private static func writeRings(_ rings: [[Point]], to writer: inout ByteWriter) {
        writer.uint32(UInt32(rings.count))
        for ring in rings {
            writer.uint32(UInt32(ring.count))
            writer.points(ring)
        }
    }
}
