import Foundation

/// Writes a dBASE III table for a shapefile: UTF-8 text (a `.cpg` beside it says so), text
/// columns as wide as their longest value up to the format's 254 bytes, integers and reals as
/// numeric columns, booleans as logical ones, nulls as blanks. Text longer than 254 bytes is
/// cut at a character boundary and counted per column (`truncated`), so the caller can say so.
final class DBFWriter {
    struct Column {
        var name: String
        var type: UInt8
        var width: Int
        var decimals: Int
    }

    static let maxTextWidth = 254
    let output: FileOutput
    let columns: [Column]
    let recordLength: Int
    private(set) var count = 0
    /// Values cut to fit, per column.
    private(set) var truncated: [Int]

    init(url: URL, fields: [ExportField], names: [String]) throws(FormatError) {
        output = try FileOutput(creating: url)
        columns = zip(fields, names).map { field, name in
            switch field.type {
            case .integer: return Column(name: name, type: UInt8(ascii: "N"), width: min(max(field.maxBytes, 1), 20), decimals: 0)
            case .real: return Column(name: name, type: UInt8(ascii: "N"), width: 24, decimals: 15)
            case .boolean: return Column(name: name, type: UInt8(ascii: "L"), width: 1, decimals: 0)
            case .text, .date: return Column(name: name, type: UInt8(ascii: "C"), width: min(max(field.maxBytes, 1), Self.maxTextWidth), decimals: 0)
            }
        }
        recordLength = 1 + columns.reduce(0) { $0 + $1.width }
        truncated = Array(repeating: 0, count: columns.count)
        try output.write(header())
    }

    /// The 32-byte header and the column descriptors, for `count` records.
    private func header() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 32)
        bytes[0] = 0x03
        let now = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
        bytes[1] = UInt8((now.year ?? 2000) - 1900)
        bytes[2] = UInt8(now.month ?? 1)
        bytes[3] = UInt8(now.day ?? 1)
        Self.putLE(UInt32(count), into: &bytes, at: 4)
        let headerLength = 32 + 32 * columns.count + 1
        bytes[8] = UInt8(headerLength & 0xFF); bytes[9] = UInt8(headerLength >> 8)
        bytes[10] = UInt8(recordLength & 0xFF); bytes[11] = UInt8(recordLength >> 8)
        for column in columns {
            var descriptor = [UInt8](repeating: 0, count: 32)
            for (index, byte) in column.name.utf8.prefix(10).enumerated() { descriptor[index] = byte }
            descriptor[11] = column.type
            descriptor[16] = UInt8(column.width)
            descriptor[17] = UInt8(column.decimals)
            bytes += descriptor
        }
        bytes.append(0x0D)
        return bytes
    }

    func append(_ values: [AttributeValue]) throws(FormatError) {
        var record: [UInt8] = [0x20]
        record.reserveCapacity(recordLength)
        for (index, column) in columns.enumerated() {
            let value = index < values.count ? values[index] : .null
            var cell: [UInt8]
            switch (column.type, value) {
            case (_, .null): cell = []
            case (UInt8(ascii: "L"), .boolean(let flag)): cell = [flag ? UInt8(ascii: "T") : UInt8(ascii: "F")]
            case (UInt8(ascii: "N"), _):
                cell = Array((ExportText.text(value) ?? "").utf8)
                if cell.count > column.width, case .real(let number) = value {
                    cell = Array(String(format: "%.*g", max(column.width - 7, 1), number).utf8)
                }
                if cell.count > column.width {
                    cell = []
                    truncated[index] += 1
                }
                cell = [UInt8](repeating: 0x20, count: column.width - cell.count) + cell
            default:
                let text = ExportText.text(value) ?? ""
                cell = Array(text.utf8)
                if cell.count > column.width {
                    cell = Self.cut(text, toBytes: column.width)
                    truncated[index] += 1
                }
            }
            if cell.count < column.width { cell += [UInt8](repeating: 0x20, count: column.width - cell.count) }
            record += cell
        }
        try output.write(record)
        count += 1
    }

    /// Ends the table and writes the record count into its header.
    func finish() throws(FormatError) {
        try output.write([0x1A])
        try output.overwriteStart(header())
        try output.close()
    }

    /// The UTF-8 bytes of `text`'s longest prefix of whole scalars within `limit` bytes.
    static func cut(_ text: String, toBytes limit: Int) -> [UInt8] {
        var out: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if out.count + bytes.count > limit { break }
            out += bytes
        }
        return out
    }

    static func putLE(_ value: UInt32, into bytes: inout [UInt8], at offset: Int) {
        for index in 0..<4 { bytes[offset + index] = UInt8((value >> (8 * UInt32(index))) & 0xFF) }
    }
}
