/// The audit log as CSV for spreadsheet programs: UTF-8 with a byte-order mark (so Vietnamese
/// opens correctly), every field quoted per RFC 4180 with CRLF line ends, and any cell that a
/// spreadsheet would take for a formula (starting with = + - @, a tab or a carriage return)
/// prefixed with a single quote.
enum AuditCSV {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// One cell, defused and quoted.
    static func cell(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, formulaStarts.contains(Character(first)) { text = "'" + text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One record, with its CRLF.
    static func record(_ values: [String]) -> String {
        values.map(cell).joined(separator: ",") + "\r\n"
    }

    /// The whole file: mark, header, records.
    static func document(header: [String], rows: [[String]]) -> [UInt8] {
        var out = byteOrderMark
        out += Array(record(header).utf8)
        for row in rows { out += Array(record(row).utf8) }
        return out
    }
}
