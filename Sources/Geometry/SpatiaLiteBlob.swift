import Foundation

/// SpatiaLite's internal BLOB geometry, the value stored in a SpatiaLite geometry column.
///
/// Layout (every number in the byte order the second byte announces):
///
///     0x00 START · endian (0x01 little, 0x00 big) · SRID int32 ·
///     MBR minX minY maxX maxY (4 doubles) · 0x7C MBR_END ·
///     class int32 · body · 0xFE END
///
/// Classes are 1–7 (point … geometry collection); +1000 adds Z, +2000 M, +3000 ZM.
/// Bodies are as in WKB without per-member headers, except that each member of a
/// multi-geometry or collection starts with the entity marker 0x69 and its class.
/// Compressed lines and polygons (class 1000002 and 1000003, with 1001xxx Z, 1002xxx M and
/// 1003xxx ZM) store the first and last vertex of each line or ring as doubles and every
/// other vertex as 32-bit float offsets from the previous vertex (M stays a double).
/// "TinyPoint" BLOBs (0x00 START, endian 0x81 little / 0x80 big, SRID, class byte 1–4 for
/// XY/XYZ/XYM/XYZM, coordinates, 0xFE) hold a single point.
/// Z and M are read past and dropped.
public enum SpatiaLiteBlob {
    /// A geometry read from a SpatiaLite BLOB, with the SRID and MBR of its header.
    public struct Decoded: Sendable, Hashable {
        public var geometry: Geometry
        public var srid: Int32
        /// The bounding rectangle stored in the header (the point itself for a TinyPoint).
        public var mbr: BoundingBox

        public init(geometry: Geometry, srid: Int32, mbr: BoundingBox) {
            self.geometry = geometry
            self.srid = srid
            self.mbr = mbr
        }
    }

    /// What the fixed-size header says, read without parsing the geometry.
    public struct Header: Sendable, Hashable {
        public var srid: Int32
        public var mbr: BoundingBox

        public init(srid: Int32, mbr: BoundingBox) {
            self.srid = srid
            self.mbr = mbr
        }
    }

    static let start: UInt8 = 0x00
    static let mbrEnd: UInt8 = 0x7C
    static let entity: UInt8 = 0x69
    static let end: UInt8 = 0xFE
    static let tinyPointLittle: UInt8 = 0x81
    static let tinyPointBig: UInt8 = 0x80
    /// Added to the class of a compressed line or polygon.
    static let compressed = 1_000_000

    /// Reads a SpatiaLite BLOB geometry (regular or TinyPoint).
    /// - Throws: `GeometryError.spatiaLite` saying what is malformed and where.
    public static func decode(_ data: Data) throws -> Decoded {
        try data.withUnsafeBytes { try decode(bytes: $0) }
    }

    /// Reads a SpatiaLite BLOB geometry (regular or TinyPoint) from raw bytes.
    /// - Throws: `GeometryError.spatiaLite` saying what is malformed and where.
    public static func decode(bytes: UnsafeRawBufferPointer) throws -> Decoded {
        var parser = SpatiaLiteParser(reader: ByteReader(bytes))
        do {
            return try parser.blob()
        } catch let failure as ParseFailure {
            throw GeometryError.spatiaLite(failure.message)
        }
    }

    /// Reads the SRID and MBR from the header only, for indexing without decoding.
    /// - Throws: `GeometryError.spatiaLite` when the header is malformed.
    public static func header(of data: Data) throws -> Header {
        try data.withUnsafeBytes { bytes in
            var parser = SpatiaLiteParser(reader: ByteReader(bytes))
            do {
                if parser.isTinyPoint {
                    let decoded = try parser.tinyPoint()
                    return Header(srid: decoded.srid, mbr: decoded.mbr)
                }
                return try parser.header()
            } catch let failure as ParseFailure {
                throw GeometryError.spatiaLite(failure.message)
            }
        }
    }
}

/// The parser behind `SpatiaLiteBlob.decode`.
private struct SpatiaLiteParser {
    var reader: ByteReader

    /// The base shape and coordinate layout of a class code.
    struct Class {
        var code: WKB.TypeCode
        var stride: Int
        var hasM: Bool
        var isCompressed: Bool
    }

    /// Whether the endian marker announces a TinyPoint.
    var isTinyPoint: Bool {
        reader.bytes.count > 1
            && [SpatiaLiteBlob.tinyPointLittle, SpatiaLiteBlob.tinyPointBig].contains(reader.bytes[1])
    }

    mutating func blob() throws -> SpatiaLiteBlob.Decoded {
        if isTinyPoint {
            return try tinyPoint()
        }
        let header = try header()
        let classOffset = reader.offset
        let type = try Self.decodeClass(try reader.uint32("the class type"), at: classOffset)
        let geometry = try within(type.code.name) { try body(type) }
        let endOffset = reader.offset
        let end = try reader.uint8("the end marker")
        guard end == SpatiaLiteBlob.end else {
            throw ParseFailure(problem: "has byte 0x\(String(end, radix: 16)) at byte \(endOffset) where the end marker 0xFE belongs")
        }
        if reader.remaining > 0 {
            throw ParseFailure(problem: "is followed by \(reader.remaining) unexpected bytes at byte \(reader.offset)")
        }
        return SpatiaLiteBlob.Decoded(geometry: geometry, srid: header.srid, mbr: header.mbr)
    }

    mutating func header() throws -> SpatiaLiteBlob.Header {
        try readStart()
        try setByteOrder(try reader.uint8("the endian marker"), little: 0x01, big: 0x00)
        let srid = Int32(bitPattern: try reader.uint32("the SRID"))
        try reader.require(33, for: "the MBR")
        let mbr = BoundingBox(minX: reader.uncheckedDouble(), minY: reader.uncheckedDouble(),
                              maxX: reader.uncheckedDouble(), maxY: reader.uncheckedDouble())
        let marker = reader.bytes[reader.offset]
        guard marker == SpatiaLiteBlob.mbrEnd else {
            throw ParseFailure(problem: "has byte 0x\(String(marker, radix: 16)) at byte \(reader.offset) where the MBR end marker 0x7C belongs")
        }
        reader.offset += 1
        return SpatiaLiteBlob.Header(srid: srid, mbr: mbr)
    }

    mutating func readStart() throws {
        let start = try reader.uint8("the start marker")
        guard start == SpatiaLiteBlob.start else {
            throw ParseFailure(problem: "starts with byte 0x\(String(start, radix: 16)) instead of 0x00")
        }
    }

    mutating func tinyPoint() throws -> SpatiaLiteBlob.Decoded {
        try readStart()
        try setByteOrder(try reader.uint8("the endian marker"),
                         little: SpatiaLiteBlob.tinyPointLittle, big: SpatiaLiteBlob.tinyPointBig)
        let srid = Int32(bitPattern: try reader.uint32("the SRID"))
        let classOffset = reader.offset
        let kind = try reader.uint8("the point class")
        guard (1...4).contains(kind) else {
            throw ParseFailure(problem: "has TinyPoint class \(kind) at byte \(classOffset) (expected 1 to 4)")
        }
        let stride = kind == 4 ? 4 : (kind == 1 ? 2 : 3)
        let point = try within("point") { try reader.point(stride: stride) }
        let endOffset = reader.offset
        guard try reader.uint8("the end marker") == SpatiaLiteBlob.end, reader.remaining == 0 else {
            throw ParseFailure(problem: "does not end with 0xFE at byte \(endOffset)")
        }
        return SpatiaLiteBlob.Decoded(geometry: .point(point), srid: srid,
                                      mbr: BoundingBox(minX: point.x, minY: point.y,
                                                       maxX: point.x, maxY: point.y))
    }

    mutating func setByteOrder(_ marker: UInt8, little: UInt8, big: UInt8) throws {
        switch marker {
        case little: reader.bigEndian = false
        case big: reader.bigEndian = true
        default:
            throw ParseFailure(problem: "has endian marker 0x\(String(marker, radix: 16)) at byte \(reader.offset - 1)")
        }
    }

    static func decodeClass(_ raw: UInt32, at offset: Int) throws -> Class {
        let value = Int(raw)
        let isCompressed = value >= SpatiaLiteBlob.compressed
        let rest = value % SpatiaLiteBlob.compressed
        let dimensions = rest / 1000
        guard value < 2 * SpatiaLiteBlob.compressed, dimensions <= 3,
              let code = WKB.TypeCode(rawValue: UInt32(rest % 1000)),
              !isCompressed || code == .lineString || code == .polygon else {
            throw ParseFailure(problem: "has unknown class type \(raw) at byte \(offset)")
        }
        let hasZ = dimensions == 1 || dimensions == 3
        let hasM = dimensions == 2 || dimensions == 3
        return Class(code: code, stride: 2 + (hasZ ? 1 : 0) + (hasM ? 1 : 0), hasM: hasM,
                     isCompressed: isCompressed)
    }

    mutating func body(_ type: Class) throws -> Geometry {
        switch type.code {
        case .point:
            return .point(try reader.point(stride: type.stride))
        case .lineString:
            return .lineString(try line(type))
        case .polygon:
            let countOffset = reader.offset
            let count = try reader.count("the ring count")
            try reader.requireCount(count, of: "rings", minimumSize: 4, countOffset: countOffset)
            var rings = [[Point]]()
            rings.reserveCapacity(count)
            for index in 0..<count {
                rings.append(try within("ring \(index + 1)") { try line(type) })
            }
            return .polygon(rings)
        case .multiPoint, .multiLineString, .multiPolygon, .geometryCollection:
            return try entities(of: type.code)
        }
    }

    /// The members of a multi-geometry or collection, each behind an entity marker.
    mutating func entities(of code: WKB.TypeCode) throws -> Geometry {
        let countOffset = reader.offset
        let count = try reader.count("the entity count")
        // The smallest entity is a marker, a class and a point of two doubles.
        try reader.requireCount(count, of: "entities", minimumSize: 21, countOffset: countOffset)
        var points = [Point](), lines = [[Point]](), polygons = [[[Point]]](), members = [Geometry]()
        for index in 0..<count {
            let type = try within("entity \(index + 1)") {
                let markerOffset = reader.offset
                let marker = try reader.uint8("the entity marker")
                guard marker == SpatiaLiteBlob.entity else {
                    throw ParseFailure(problem: "has byte 0x\(String(marker, radix: 16)) at byte \(markerOffset) where the entity marker 0x69 belongs")
                }
                let classOffset = reader.offset
                return try Self.decodeClass(try reader.uint32("the class type"), at: classOffset)
            }
            let allowed = code.memberType.map { type.code == $0 }
                ?? (type.code == .point || type.code == .lineString || type.code == .polygon)
            guard allowed else {
                throw ParseFailure(subject: ["\(type.code.name) \(index + 1)"],
                                   problem: "is not allowed in a \(code.name)")
            }
            let member = try within("\(type.code.name) \(index + 1)") { try body(type) }
            switch (code, member) {
            case (.multiPoint, .point(let point)): points.append(point)
            case (.multiLineString, .lineString(let line)): lines.append(line)
            case (.multiPolygon, .polygon(let rings)): polygons.append(rings)
            default: members.append(member)
            }
        }
        switch code {
        case .multiPoint: return .multiPoint(points)
        case .multiLineString: return .multiLineString(lines)
        case .multiPolygon: return .multiPolygon(polygons)
        default: return .geometryCollection(members)
        }
    }

    /// A line or ring: a point count, then vertices, plain or compressed.
    mutating func line(_ type: Class) throws -> [Point] {
        let countOffset = reader.offset
        let count = try reader.count("the point count")
        guard type.isCompressed else {
            return try reader.points(count, stride: type.stride, countOffset: countOffset)
        }
        let full = type.stride * 8
        // Compressed vertices hold x, y (and z) as floats and m as a double.
        let packed = (type.stride - (type.hasM ? 1 : 0)) * 4 + (type.hasM ? 8 : 0)
        let needed = count <= 2 ? count * full : 2 * full + (count - 2) * packed
        guard count <= reader.remaining / packed, needed <= reader.remaining else {
            throw ParseFailure(problem: "declares \(count) compressed points at byte \(countOffset) but \(reader.remaining) bytes remain")
        }
        var points = [Point]()
        points.reserveCapacity(count)
        var last = Point.zero
        for index in 0..<count {
            let vertexOffset = reader.offset
            if index == 0 || index == count - 1 {
                last = Point(x: reader.uncheckedDouble(), y: reader.uncheckedDouble())
                reader.offset += full - 16
            } else {
                let dx = reader.uncheckedFloat(), dy = reader.uncheckedFloat()
                last = Point(x: last.x + Double(dx), y: last.y + Double(dy))
                reader.offset += packed - 8
            }
            guard last.isFinite else {
                throw ParseFailure(problem: "has a non-finite coordinate (\(last.x), \(last.y)) at point \(index + 1), byte \(vertexOffset)")
            }
            points.append(last)
        }
        return points
    }
}
