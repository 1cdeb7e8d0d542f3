import Foundation
import Formats
import Geometry
import ZIPFoundation

// Builders of Shapefile, DBF and zip bytes for the tests of the readers and of the import
// pipeline: fixtures are made in the tests themselves, never committed.

/// Builds dBase III files for tests.
public struct DBFBuilder: Sendable {
    /// One field descriptor.
    public struct Field: Sendable {
        public var name: String
        public var type: Character
        public var length: Int
        public var decimals: Int

        public init(name: String, type: Character, length: Int, decimals: Int = 0) {
            self.name = name
            self.type = type
            self.length = length
            self.decimals = decimals
        }
    }

    public var fields: [Field]
    /// Values as the text to write (numbers already formatted); nil writes blanks.
    public var records: [[String?]]
    public var deleted: Set<Int>
    public var encoding: TextEncoding
    public var declaredCount: Int?
    public var languageDriver: UInt8

    public init(fields: [Field], records: [[String?]] = [], deleted: Set<Int> = [], encoding: TextEncoding = .utf8,
                declaredCount: Int? = nil, languageDriver: UInt8 = 0) {
        self.fields = fields
        self.records = records
        self.deleted = deleted
        self.encoding = encoding
        self.declaredCount = declaredCount
        self.languageDriver = languageDriver
    }

    public func build() -> [UInt8] {
        let headerLength = 32 + 32 * fields.count + 1
        let recordLength = 1 + fields.reduce(0) { $0 + $1.length }
        var bytes = [UInt8](repeating: 0, count: 32)
        bytes[0] = 0x03
        bytes[1] = 124; bytes[2] = 1; bytes[3] = 1
        let count = UInt32(declaredCount ?? records.count)
        for index in 0..<4 { bytes[4 + index] = UInt8((count >> (8 * UInt32(index))) & 0xFF) }
        bytes[8] = UInt8(headerLength & 0xFF); bytes[9] = UInt8(headerLength >> 8)
        bytes[10] = UInt8(recordLength & 0xFF); bytes[11] = UInt8(recordLength >> 8)
        bytes[29] = languageDriver
        for field in fields {
            var descriptor = [UInt8](repeating: 0, count: 32)
            let name = encoding.encode(field.name).prefix(10)
            descriptor.replaceSubrange(0..<name.count, with: name)
            descriptor[11] = field.type.asciiValue ?? 0x43
            descriptor[16] = UInt8(field.length & 0xFF)
            descriptor[17] = UInt8(field.decimals)
            bytes += descriptor
        }
        bytes.append(0x0D)
        for (index, record) in records.enumerated() {
            bytes.append(deleted.contains(index) ? 0x2A : 0x20)
            for (fieldIndex, field) in fields.enumerated() {
                let value = fieldIndex < record.count ? record[fieldIndex] : nil
                var encoded = value.map { field.type == "C" ? encoding.encode($0) : Array($0.utf8) } ?? []
                encoded = Array(encoded.prefix(field.length))
                let padding = [UInt8](repeating: 0x20, count: field.length - encoded.count)
                bytes += field.type == "C" ? encoded + padding : padding + encoded
            }
        }
        bytes.append(0x1A)
        return bytes
    }
}

/// Builds .shp and .shx files for tests.
public struct ShapefileBuilder: Sendable {
    public enum Shape: Sendable {
        case null
        case point(Point)
        case multiPoint([Point])
        case parts([[Point]])
        /// Raw content bytes after the record header, for malformed records.
        case raw([UInt8])
    }

    /// 1, 3, 5, 8 and their Z (+10) and M (+20) variants.
    public var shapeType: Int
    public var shapes: [Shape]

    public init(shapeType: Int, shapes: [Shape] = []) {
        self.shapeType = shapeType
        self.shapes = shapes
    }

    public var hasZ: Bool { shapeType > 10 && shapeType < 20 }
    public var hasM: Bool { shapeType > 20 || hasZ }

    public static func le32(_ value: Int) -> [UInt8] {
        let raw = UInt32(bitPattern: Int32(truncatingIfNeeded: value))
        return (0..<4).map { UInt8((raw >> (8 * UInt32($0))) & 0xFF) }
    }

    public static func be32(_ value: Int) -> [UInt8] { le32(value).reversed() }

    public static func le64(_ value: Double) -> [UInt8] {
        let raw = value.bitPattern
        return (0..<8).map { UInt8((raw >> (8 * UInt64($0))) & 0xFF) }
    }

    public func content(_ shape: Shape) -> [UInt8] {
        switch shape {
        case .null:
            return Self.le32(0)
        case .raw(let bytes):
            return bytes
        case .point(let point):
            var bytes = Self.le32(shapeType) + Self.le64(point.x) + Self.le64(point.y)
            if hasZ { bytes += Self.le64(7.5) }
            if hasM { bytes += Self.le64(-1) }
            return bytes
        case .multiPoint(let points):
            var bytes = Self.le32(shapeType) + box(points) + Self.le32(points.count)
            for point in points { bytes += Self.le64(point.x) + Self.le64(point.y) }
            bytes += extra(points.count)
            return bytes
        case .parts(let parts):
            let all = parts.flatMap { $0 }
            var bytes = Self.le32(shapeType) + box(all) + Self.le32(parts.count) + Self.le32(all.count)
            var start = 0
            for part in parts {
                bytes += Self.le32(start)
                start += part.count
            }
            for point in all { bytes += Self.le64(point.x) + Self.le64(point.y) }
            bytes += extra(all.count)
            return bytes
        }
    }

    /// Z range and values, then M range and values, as the variants append them.
    public func extra(_ count: Int) -> [UInt8] {
        var bytes = [UInt8]()
        if hasZ { bytes += Self.le64(0) + Self.le64(10) + (0..<count).flatMap { Self.le64(Double($0)) } }
        if hasM { bytes += Self.le64(0) + Self.le64(1) + (0..<count).flatMap { _ in Self.le64(0.5) } }
        return bytes
    }

    public func box(_ points: [Point]) -> [UInt8] {
        let box = BoundingBox(points: points)
        return Self.le64(box.minX) + Self.le64(box.minY) + Self.le64(box.maxX) + Self.le64(box.maxY)
    }

    public func build() -> (shp: [UInt8], shx: [UInt8]) {
        var records = [UInt8]()
        var index = [UInt8]()
        for (number, shape) in shapes.enumerated() {
            let body = content(shape)
            index += Self.be32((100 + records.count) / 2) + Self.be32(body.count / 2)
            records += Self.be32(number + 1) + Self.be32(body.count / 2) + body
        }
        func header(length: Int) -> [UInt8] {
            var bytes = Self.be32(9994) + [UInt8](repeating: 0, count: 20) + Self.be32(length / 2)
            bytes += Self.le32(1000) + Self.le32(shapeType)
            bytes += [UInt8](repeating: 0, count: 64)
            return bytes
        }
        return (header(length: 100 + records.count) + records, header(length: 100 + index.count) + index)
    }
}

/// Writes a zip archive with ZIPFoundation.
public func makeZip(at path: String, entries: [(String, [UInt8])], compress: Bool = true) throws {
    let url = URL(fileURLWithPath: path)
    try? FileManager.default.removeItem(at: url)
    let archive = try Archive(url: url, accessMode: .create)
    for (name, bytes) in entries {
        let data = Data(bytes)
        try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count),
                             compressionMethod: compress ? .deflate : .none) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }
}


/// Rewrites the uncompressed size every entry of the zip at `path` declares, in its local headers
/// and its central directory, to `uncompressed` — an archive that lies about what it holds.
public func rewriteZipSizes(at path: String, uncompressed size: UInt32) throws {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    func put(_ offset: Int) {
        for index in 0..<4 { bytes[offset + index] = UInt8((size >> (8 * UInt32(index))) & 0xFF) }
    }
    var index = 0
    while index + 46 <= bytes.count {
        if bytes[index] == 0x50, bytes[index + 1] == 0x4B {
            if bytes[index + 2] == 0x03, bytes[index + 3] == 0x04 { put(index + 22) }
            if bytes[index + 2] == 0x01, bytes[index + 3] == 0x02 { put(index + 24) }
        }
        index += 1
    }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}
