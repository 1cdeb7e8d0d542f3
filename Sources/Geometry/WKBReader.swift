import Foundation

extension WKB {
    /// Reads one WKB or EWKB geometry that fills `data` exactly.
    /// - Throws: `GeometryError.wkb` saying what is malformed and where.
    public static func decode(_ data: Data) throws -> Geometry {
        try decodeWithSRID(data).geometry
    }

    /// Reads one WKB or EWKB geometry that fills `data` exactly, with its EWKB SRID.
    /// - Throws: `GeometryError.wkb` saying what is malformed and where.
    public static func decodeWithSRID(_ data: Data) throws -> Decoded {
        try data.withUnsafeBytes { try decode(bytes: $0) }
    }

    /// Reads one WKB or EWKB geometry that fills `bytes` exactly, with its EWKB SRID.
    /// - Throws: `GeometryError.wkb` saying what is malformed and where.
    public static func decode(bytes: UnsafeRawBufferPointer) throws -> Decoded {
        var parser = WKBParser(reader: ByteReader(bytes))
        do {
            let geometry = try parser.geometry(depth: 0, index: nil).geometry
            if parser.reader.remaining > 0 {
                throw ParseFailure(problem: "is followed by \(parser.reader.remaining) unexpected bytes at byte \(parser.reader.offset)")
            }
            return Decoded(geometry: geometry, srid: parser.srid)
        } catch let failure as ParseFailure {
            throw GeometryError.wkb(failure.message)
        }
    }
}

/// The recursive-descent WKB parser behind `WKB.decode`.
private struct WKBParser {
    var reader: ByteReader
    var srid: Int32?

    /// Reads a geometry with its own header; failures name it by its type and, for a member
    /// of a collection, its 1-based `index` ("polygon 2").
    mutating func geometry(depth: Int, index: Int?) throws -> (geometry: Geometry, type: WKB.TypeCode) {
        let start = reader.offset
        var type: WKB.TypeCode?
        do {
            guard depth <= WKB.maxNesting else {
                throw ParseFailure(problem: "nests collections deeper than \(WKB.maxNesting) levels at byte \(start)")
            }
            let order = try reader.uint8("the byte-order marker")
            switch order {
            case 0: reader.bigEndian = true
            case 1: reader.bigEndian = false
            default:
                throw ParseFailure(problem: "has byte-order marker \(order) at byte \(start) (expected 0 or 1)")
            }
            let raw = try reader.uint32("the geometry type")
            let (code, stride, hasSRID) = try Self.decodeType(raw, at: start + 1)
            type = code
            if hasSRID {
                let value = Int32(bitPattern: try reader.uint32("the SRID"))
                if depth == 0 { srid = value }
            }
            return (try body(code, stride: stride, depth: depth), code)
        } catch var failure as ParseFailure {
            let name = type?.name ?? (index == nil ? "geometry" : "member")
            failure.subject.append(index.map { "\(name) \($0)" } ?? name)
            throw failure
        }
    }

    /// Splits a type word into base type, doubles per vertex and whether an SRID follows.
    static func decodeType(_ raw: UInt32, at offset: Int) throws -> (WKB.TypeCode, Int, Bool) {
        let flags = raw & (WKB.ewkbZ | WKB.ewkbM | WKB.ewkbSRID)
        let iso = raw & ~flags
        let dimensions = iso / 1000
        guard dimensions <= 3, let code = WKB.TypeCode(rawValue: iso % 1000) else {
            throw ParseFailure(problem: "has unknown geometry type \(raw) (0x\(String(raw, radix: 16))) at byte \(offset)")
        }
        let hasZ = dimensions == 1 || dimensions == 3 || flags & WKB.ewkbZ != 0
        let hasM = dimensions == 2 || dimensions == 3 || flags & WKB.ewkbM != 0
        return (code, 2 + (hasZ ? 1 : 0) + (hasM ? 1 : 0), flags & WKB.ewkbSRID != 0)
    }

    mutating func body(_ code: WKB.TypeCode, stride: Int, depth: Int) throws -> Geometry {
        switch code {
        case .point:
            return .point(try reader.point(stride: stride))
        case .lineString:
            return .lineString(try line(stride: stride))
        case .polygon:
            return .polygon(try polygon(stride: stride))
        case .multiPoint, .multiLineString, .multiPolygon, .geometryCollection:
            let countOffset = reader.offset
            let count = try reader.count("the member count")
            // The smallest member is a header alone: byte order and type.
            try reader.requireCount(count, of: "members", minimumSize: 5, countOffset: countOffset)
            var members = [Geometry]()
            members.reserveCapacity(count)
            for index in 0..<count {
                let (member, type) = try geometry(depth: depth + 1, index: index + 1)
                if let required = code.memberType, type != required {
                    throw ParseFailure(subject: ["\(type.name) \(index + 1)"],
                                       problem: "is not allowed in a \(code.name)")
                }
                members.append(member)
            }
            return Self.assemble(code, members)
        }
    }

    mutating func line(stride: Int) throws -> [Point] {
        let countOffset = reader.offset
        let count = try reader.count("the point count")
        return try reader.points(count, stride: stride, countOffset: countOffset)
    }

    mutating func polygon(stride: Int) throws -> [[Point]] {
        let countOffset = reader.offset
        let count = try reader.count("the ring count")
        try reader.requireCount(count, of: "rings", minimumSize: 4, countOffset: countOffset)
        var rings = [[Point]]()
        rings.reserveCapacity(count)
        for index in 0..<count {
            rings.append(try within("ring \(index + 1)") { try line(stride: stride) })
        }
        return rings
    }

    /// Builds a multi-geometry from members already checked to have the right type.
    static func assemble(_ code: WKB.TypeCode, _ members: [Geometry]) -> Geometry {
        switch code {
        case .multiPoint:
            return .multiPoint(members.compactMap { if case .point(let p) = $0 { p } else { nil } })
        case .multiLineString:
            return .multiLineString(members.compactMap { if case .lineString(let l) = $0 { l } else { nil } })
        case .multiPolygon:
            return .multiPolygon(members.compactMap { if case .polygon(let r) = $0 { r } else { nil } })
        default:
            return .geometryCollection(members)
        }
    }
}
