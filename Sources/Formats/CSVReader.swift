/// Splits CSV bytes into records and fields (RFC 4180, tolerant of what spreadsheets write).
///
/// Design note: tokenising works on the raw bytes, before decoding: every encoding read
/// here (UTF-8, Windows-1258, TCVN3, VNI) keeps ASCII as ASCII, so delimiters, quotes and
/// line breaks are found without knowing the encoding, and each field is decoded alone.
/// Quoted fields may hold delimiters, line breaks and doubled quotes; a quote inside an
/// unquoted field is kept as a character. Records end at LF, CRLF or CR.
struct CSVTokenizer {
    let bytes: [UInt8]
    let delimiter: UInt8
    var index = 0
    /// The 1-based number of the record last returned, as a spreadsheet numbers rows.
    private(set) var row = 0

    static let quote = UInt8(ascii: "\"")
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D

    init(bytes: [UInt8], delimiter: UInt8, start: Int = 0) {
        self.bytes = bytes
        self.delimiter = delimiter
        index = start
    }

    /// The next record's fields, or nil at the end; an unclosed quote is reported by row.
    mutating func next() throws(CSVFailure) -> [[UInt8]]? {
        guard index < bytes.count else { return nil }
        row += 1
        var fields = [[UInt8]]()
        var field = [UInt8]()
        var quoted = false
        var wasQuoted = false
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if quoted {
                if byte == Self.quote {
                    if index < bytes.count, bytes[index] == Self.quote {
                        field.append(Self.quote)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case delimiter:
                fields.append(field)
                field = []
                wasQuoted = false
            case Self.quote where field.isEmpty && !wasQuoted:
                quoted = true
                wasQuoted = true
            case Self.lineFeed, Self.carriageReturn:
                if byte == Self.carriageReturn, index < bytes.count, bytes[index] == Self.lineFeed { index += 1 }
                fields.append(field)
                return fields
            default:
                field.append(byte)
            }
        }
        if quoted { throw CSVFailure(row: row, problem: "a quoted field is never closed") }
        fields.append(field)
        return fields
    }

    /// The delimiter that splits the first records most consistently into several fields:
    /// comma, semicolon, tab or vertical bar.
    static func detectDelimiter(_ bytes: [UInt8]) -> UInt8 {
        let sample = Array(bytes.prefix(64 * 1024))
        var best: (delimiter: UInt8, score: Int) = (UInt8(ascii: ","), 0)
        for delimiter in [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")] {
            var tokenizer = CSVTokenizer(bytes: sample, delimiter: delimiter)
            var counts = [Int]()
            while counts.count < 20, let record = try? tokenizer.next() {
                if record.count == 1 && record[0].isEmpty { continue }
                counts.append(record.count)
            }
            guard let header = counts.first, header > 1 else { continue }
            // The last sampled record may be cut short by the sample's end.
            let rows = counts.count > 2 && sample.count < bytes.count ? counts.dropLast() : counts[...]
            let consistent = rows.filter { $0 == header }.count
            guard consistent * 5 >= rows.count * 4 else { continue }
            if header > best.score { best = (delimiter, header) }
        }
        return best.delimiter
    }
}

/// A CSV structure problem at a row.
struct CSVFailure: Error {
    var row: Int
    var problem: String
}
