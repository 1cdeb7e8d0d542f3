import Foundation
import Geometry

/// What a writer must know of a layer version before its first feature: its name, its fields
/// with their types and widest values, and the geometry types it holds. Features then come one
/// at a time, so a writer never holds the version in memory.
public struct ExportSchema: Sendable, Equatable {
    /// A name safe in file and table names (the layer's slug).
    public var name: String
    /// The layer's title, for the formats that carry one (KML, GeoPackage).
    public var title: String
    public var fields: [ExportField]
    /// The OGC names of the geometry types present ("Point", "MultiPolygon"…).
    public var geometryTypes: Set<String>

    public init(name: String, title: String, fields: [ExportField], geometryTypes: Set<String>) {
        self.name = name
        self.title = title
        self.fields = fields
        self.geometryTypes = geometryTypes
    }

    /// Whether every geometry is a single point (CSV then gives longitude and latitude columns).
    public var pointsOnly: Bool { geometryTypes == ["Point"] }
}

/// One attribute column of an export.
public struct ExportField: Sendable, Equatable {
    public var name: String
    /// `.text` for fields whose values are of several kinds.
    public var type: FieldType
    /// The longest value's length in UTF-8 bytes (as text), 0 when every value is null.
    public var maxBytes: Int

    public init(name: String, type: FieldType, maxBytes: Int) {
        self.name = name
        self.type = type
        self.maxBytes = maxBytes
    }
}

/// Attribute values as export formats write them in text.
enum ExportText {
    /// `value` as text; nil for null (and for numbers that are not finite).
    static func text(_ value: AttributeValue) -> String? {
        switch value {
        case .null: return nil
        case .text(let text), .date(let text): return text
        case .integer(let number): return String(number)
        case .real(let number): return number.isFinite ? "\(number)" : nil
        case .boolean(let flag): return flag ? "true" : "false"
        }
    }

    /// The value of field `name` in `feature`, null when the feature lacks it.
    static func value(_ feature: ImportedFeature, _ name: String) -> AttributeValue {
        feature.properties.first { $0.0 == name }?.1 ?? .null
    }

    /// The values of `fields` in `feature`, in the fields' order (a feature's properties are in
    /// the same order as the version's fields almost always, so this is one pass).
    static func values(_ feature: ImportedFeature, _ fields: [ExportField]) -> [AttributeValue] {
        var out: [AttributeValue] = []
        out.reserveCapacity(fields.count)
        var cursor = 0
        let properties = feature.properties
        for field in fields {
            if cursor < properties.count, properties[cursor].0 == field.name {
                out.append(properties[cursor].1)
                cursor += 1
            } else if let index = properties.firstIndex(where: { $0.0 == field.name }) {
                out.append(properties[index].1)
                cursor = index + 1
            } else {
                out.append(.null)
            }
        }
        return out
    }
}

/// Bytes written to a file in chunks of about 1 MB, so an export of any size holds one chunk.
final class FileOutput {
    static let chunkBytes = 1 << 20
    let handle: FileHandle
    let name: String
    private(set) var buffer: [UInt8] = []
    /// Bytes handed to the file so far, and waiting.
    private(set) var offset = 0

    init(handle: FileHandle, name: String) {
        self.handle = handle
        self.name = name
        buffer.reserveCapacity(Self.chunkBytes + 4096)
    }

    /// Creates (or empties) the file at `url`.
    convenience init(creating url: URL) throws(FormatError) {
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: url) else {
            throw .cannotWrite(file: url.lastPathComponent, reason: "the folder is missing or not writable")
        }
        self.init(handle: handle, name: url.lastPathComponent)
    }

    func write(_ text: String) throws(FormatError) {
        buffer.append(contentsOf: text.utf8)
        offset += text.utf8.count
        if buffer.count >= Self.chunkBytes { try flush() }
    }

    func write(_ bytes: [UInt8]) throws(FormatError) {
        buffer.append(contentsOf: bytes)
        offset += bytes.count
        if buffer.count >= Self.chunkBytes { try flush() }
    }

    func flush() throws(FormatError) {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw .cannotWrite(file: name, reason: error.localizedDescription)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes `bytes` over the file's start (a header patched once the counts are known),
    /// after flushing what waits.
    func overwriteStart(_ bytes: [UInt8]) throws(FormatError) {
        try flush()
        do {
            try handle.seek(toOffset: 0)
            try handle.write(contentsOf: bytes)
            try handle.seekToEnd()
        } catch {
            throw .cannotWrite(file: name, reason: error.localizedDescription)
        }
    }

    func close() throws(FormatError) {
        try flush()
        try? handle.close()
    }
}
