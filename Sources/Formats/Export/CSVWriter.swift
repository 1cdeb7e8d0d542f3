import Foundation
import Geometry

/// Writes features as CSV (RFC 4180, UTF-8 with a byte-order mark so spreadsheet programs read
/// Vietnamese right, CRLF line ends): layers of single points as `longitude` and `latitude`
/// columns, any other as one `WKT` column (which GDAL and QGIS read as the geometry), then the
/// attributes in order. Text that a spreadsheet would run as a formula (starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return, and not a number) is written with a leading `'`, as
/// OWASP advises for CSV files that officials open in spreadsheets.
public struct CSVWriter {
    let output: FileOutput
    let schema: ExportSchema
    let decimals: Int
    /// Rows written so far.
    public private(set) var count = 0

    /// Starts the file at `handle` with its header row; `name` names the file in errors.
    public init(handle: FileHandle, name: String, schema: ExportSchema, decimals: Int = 7) throws(FormatError) {
        output = FileOutput(handle: handle, name: name)
        self.schema = schema
        self.decimals = decimals
        let geometry = schema.pointsOnly ? ["longitude", "latitude"] : ["WKT"]
        try output.write([0xEF, 0xBB, 0xBF])
        try output.write((geometry + schema.fields.map(\.name)).map(Self.quoted).joined(separator: ",") + "\r\n")
    }

    /// Adds one row.
    public mutating func append(_ feature: ImportedFeature) throws(FormatError) {
        var cells: [String] = []
        cells.reserveCapacity(schema.fields.count + 2)
        if schema.pointsOnly {
            if case .point(let point)? = feature.geometry {
                cells.append(GeoJSON.formatNumber(point.x, decimals: decimals))
                cells.append(GeoJSON.formatNumber(point.y, decimals: decimals))
            } else {
                cells += ["", ""]
            }
        } else {
            cells.append(Self.quoted(feature.geometry?.wkt(decimals: decimals) ?? ""))
        }
        for (field, value) in zip(schema.fields, ExportText.values(feature, schema.fields)) {
            guard let text = ExportText.text(value) else {
                cells.append("")
                continue
            }
            if case .text = value, field.type == .text || field.type == .date {
                cells.append(Self.quoted(Self.defused(text)))
            } else {
                cells.append(Self.quoted(text))
            }
        }
        try output.write(cells.joined(separator: ",") + "\r\n")
        count += 1
    }

    /// Writes what is left; append nothing after.
    public func finish() throws(FormatError) {
        try output.flush()
    }

    /// A cell quoted when it holds a comma, a quote, a line break or edge spaces.
    static func quoted(_ cell: String) -> String {
        let needs = cell.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
            || cell.first == " " || cell.last == " "
        guard needs else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Text that a spreadsheet would take for a formula, made inert with a leading `'`.
    static func defused(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
        if Double(text) != nil { return text }
        return "'" + text
    }
}
