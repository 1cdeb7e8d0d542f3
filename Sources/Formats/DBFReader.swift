import Foundation

/// Reads the attribute table of a shapefile: a dBase III (or compatible) .dbf file.
///
/// Design note: a DBF is a 32-byte header, one 32-byte descriptor per field ended by 0x0D,
/// then fixed-length records whose first byte is " " (live) or "*" (deleted). Values are
/// ASCII text padded with spaces: C text in the file's code page, N/F numbers, D dates as
/// yyyymmdd, L logicals. Every length and count in the header is checked against the bytes
/// actually present before any record is read, so a lying header fails with a message
/// instead of a crash. Deleted records are returned as nil so the caller can keep the
/// pairing with the shapefile's shapes. Bad values in a record become null and are counted
/// in one warning per field, since a whole upload should not fail over one typo.
struct DBFTable {
    /// One field descriptor.
    struct Field {
        var rawName: [UInt8]
        var type: UInt8
        var length: Int
        var decimals: Int
        /// Byte offset of the value within a record (after the deletion flag).
        var offset: Int
        /// The column type, or nil when the field is not imported (memo, binary…).
        var fieldType: FieldType?
    }

    let fileName: String
    let reader: BinaryReader
    let recordCount: Int
    let headerLength: Int
    let recordLength: Int
    let languageDriver: UInt8
    let fields: [Field]
    private(set) var warnings: [String] = []

    static let knownVersions: Set<UInt8> = [0x02, 0x03, 0x04, 0x05, 0x30, 0x31, 0x32, 0x43, 0x63, 0x83,
                                            0x8B, 0x8E, 0xCB, 0xE5, 0xF5, 0xFB]

    init(bytes: [UInt8], fileName: String, limits: ImportLimits) throws(FormatError) {
        self.fileName = fileName
        reader = BinaryReader(bytes)
        func fail(_ problem: String) -> FormatError { .invalid(file: fileName, location: nil, problem: problem) }
        guard bytes.count >= 32, let version = reader.uint8(at: 0),
              let count = reader.uint32LE(at: 4), let header = reader.uint16LE(at: 8),
              let length = reader.uint16LE(at: 10), let driver = reader.uint8(at: 29) else {
            throw fail("is too short to be a dBase file (\(bytes.count) bytes; the header alone needs 32)")
        }
        guard Self.knownVersions.contains(version) else {
            throw fail("is not a dBase file (its first byte is 0x\(String(version, radix: 16, uppercase: true)))")
        }
        headerLength = Int(header)
        recordLength = Int(length)
        languageDriver = driver
        guard headerLength >= 33 else { throw fail("declares a header of \(headerLength) bytes; at least 33 are needed") }
        guard headerLength <= bytes.count else {
            throw fail("declares a header of \(headerLength) bytes but the file has only \(bytes.count) bytes")
        }
        guard recordLength >= 1 else { throw fail("declares records of \(recordLength) bytes") }

        var fields = [Field]()
        var offset = 32
        var position = 1
        while offset + 32 <= headerLength, let first = reader.uint8(at: offset), first != 0x0D {
            let number = fields.count + 1
            guard fields.count < limits.maxFieldCount else {
                throw .limitExceeded(file: fileName, problem: "has more than \(limits.maxFieldCount) fields, the limit")
            }
            guard let descriptor = reader.slice(offset, 32) else { break }
            let raw = Array(descriptor)
            let rawName = Array(raw[0..<11].prefix { $0 != 0 })
            let type = raw[11]
            var fieldLength = Int(raw[16])
            let decimals = Int(raw[17])
            if type == UInt8(ascii: "C") && decimals > 0 { fieldLength += decimals * 256 }
            let label = "field \(number) (\(String(decoding: rawName, as: UTF8.self).trimmingCharacters(in: .whitespaces)))"
            guard fieldLength > 0 else { throw fail("\(label) declares length 0") }
            let fieldType = Self.fieldType(type: type, length: fieldLength, decimals: decimals)
            if fieldType == nil {
                let kind = Self.typeDescription(type)
                warnings.append("\(fileName): \(label) holds \(kind), which is not imported")
            }
            fields.append(Field(rawName: rawName, type: type, length: fieldLength, decimals: decimals,
                                offset: position, fieldType: fieldType))
            position += fieldLength
            offset += 32
        }
        guard !fields.isEmpty else { throw fail("declares no fields") }
        guard position <= recordLength else {
            throw fail("its fields need \(position) bytes per record but records are declared \(recordLength) bytes long")
        }
        let available = (bytes.count - headerLength) / recordLength
        guard Int(count) <= available else {
            throw fail("the header declares \(count) records of \(recordLength) bytes, but the file holds only \(available)")
        }
        recordCount = Int(count)
        self.fields = fields
    }

    static func fieldType(type: UInt8, length: Int, decimals: Int) -> FieldType? {
        switch Character(Unicode.Scalar(type)) {
        case "C": return .text
        case "N", "F": return decimals == 0 && length < 19 ? .integer : .real
        case "D": return .date
        case "L": return .boolean
        case "I", "+": return length == 4 ? .integer : nil
        case "O": return length == 8 ? .real : nil
        default: return nil
        }
    }

    static func typeDescription(_ type: UInt8) -> String {
        switch Character(Unicode.Scalar(type)) {
        case "M": return "memo text kept in a separate .dbt file"
        case "B", "G", "P": return "binary data"
        default: return "values of type '\(Character(Unicode.Scalar(type)))'"
        }
    }

    /// The encoding a language driver byte suggests: the ANSI code pages read as
    /// Windows-1258 on the Vietnamese Windows that wrote them.
    var languageDriverHint: TextEncoding? {
        switch languageDriver {
        case 0x03, 0x57, 0x58, 0x59: return .windows1258
        default: return nil
        }
    }

    /// The bytes of field names and text values, for encoding detection.
    func textSample(limit: Int = EncodingDetector.sampleLimit) -> [UInt8] {
        var sample = [UInt8]()
        for field in fields {
            sample += field.rawName
            sample.append(0x20)
        }
        let textFields = fields.filter { $0.fieldType == .text }
        var record = 0
        while record < recordCount && sample.count < limit {
            let start = headerLength + record * recordLength
            for field in textFields {
                if let value = reader.slice(start + field.offset, field.length) {
                    let trimmed = value.reversed().drop { $0 == 0x20 || $0 == 0 }.reversed()
                    if trimmed.contains(where: { $0 >= 0x80 }) {
                        sample += trimmed
                        sample.append(0x20)
                    }
                }
            }
            record += 1
        }
        return sample
    }

    /// The field names decoded, made unique ("TEN", "TEN_2") and NFC.
    func fieldInfos(encoding: TextEncoding) -> [FieldInfo] {
        var used = Set<String>()
        var infos = [FieldInfo]()
        for (index, field) in fields.enumerated() {
            guard let type = field.fieldType else { continue }
            var name = encoding.decode(field.rawName).trimmingCharacters(in: .whitespaces)
            if name.isEmpty { name = "field_\(index + 1)" }
            let base = name
            var suffix = 2
            while used.contains(name) {
                name = "\(base)_\(suffix)"
                suffix += 1
            }
            used.insert(name)
            infos.append(FieldInfo(name: name, type: type))
        }
        return infos
    }

    /// Every record's values in field order, nil for deleted records; reading stops after
    /// `maxRecords` records when given.
    mutating func records(encoding: TextEncoding, maxRecords: Int? = nil) -> [[AttributeValue]?] {
        let imported = fields.filter { $0.fieldType != nil }
        var problems = [Int: (count: Int, first: String)]()
        var result = [[AttributeValue]?]()
        let total = min(recordCount, maxRecords ?? recordCount)
        result.reserveCapacity(total)
        for record in 0..<total {
            let start = headerLength + record * recordLength
            guard let flag = reader.uint8(at: start), flag != 0x1A else { break }
            if flag == UInt8(ascii: "*") {
                result.append(nil)
                continue
            }
            var values = [AttributeValue]()
            values.reserveCapacity(imported.count)
            for (index, field) in imported.enumerated() {
                let raw = reader.slice(start + field.offset, field.length) ?? []
                let (value, bad) = decode(raw, field: field, encoding: encoding)
                if let bad {
                    let previous = problems[index]
                    problems[index] = (count: (previous?.count ?? 0) + 1,
                                       first: previous?.first ?? "record \(record + 1): \"\(bad)\"")
                }
                values.append(value)
            }
            result.append(values)
        }
        let names = fieldInfos(encoding: encoding)
        for (index, problem) in problems.sorted(by: { $0.key < $1.key }) {
            let field = imported[index]
            let kind = field.fieldType == .date ? "dates" : field.fieldType == .boolean ? "logical values" : "numbers"
            let name = index < names.count ? names[index].name : "field \(index + 1)"
            warnings.append("\(fileName): field \(name): \(problem.count) value(s) are not valid \(kind) (first in \(problem.first)); imported as empty")
        }
        return result
    }

    /// One value, with the offending text when it could not be read.
    func decode(_ raw: ArraySlice<UInt8>, field: Field, encoding: TextEncoding) -> (AttributeValue, String?) {
        switch Character(Unicode.Scalar(field.type)) {
        case "I", "+":
            guard let value = BinaryReader(Array(raw)).int32LE(at: 0) else { return (.null, nil) }
            return (.integer(Int64(value)), nil)
        case "O":
            guard let value = BinaryReader(Array(raw)).doubleLE(at: 0), value.isFinite else { return (.null, nil) }
            return (.real(value), nil)
        default:
            break
        }
        let trimmedEnd = raw.reversed().drop { $0 == 0x20 || $0 == 0 }.reversed()
        if field.fieldType == .text {
            guard !trimmedEnd.isEmpty else { return (.null, nil) }
            return (.text(encoding.decode(trimmedEnd)), nil)
        }
        let text = String(decoding: trimmedEnd, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return (.null, nil) }
        switch field.fieldType {
        case .integer, .real:
            if text.allSatisfy({ $0 == "*" || $0 == "-" || $0 == "." }) { return (.null, nil) }
            let number = text.replacingOccurrences(of: ",", with: ".")
            if field.fieldType == .integer {
                if let value = Int64(number) { return (.integer(value), nil) }
                if let value = Double(number), value.isFinite, value == value.rounded(), abs(value) < 9e18 {
                    return (.integer(Int64(value)), nil)
                }
            } else if let value = Double(number), value.isFinite {
                return (.real(value), nil)
            }
            return (.null, text)
        case .date:
            if text.allSatisfy({ $0 == "0" }) { return (.null, nil) }
            let digits = Array(text.utf8)
            guard digits.count == 8, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let year = Int(text.prefix(4)), let month = Int(text.dropFirst(4).prefix(2)),
                  let day = Int(text.suffix(2)), let iso = TextValues.isoDate(year: year, month: month, day: day) else {
                return (.null, text)
            }
            return (.date(iso), nil)
        case .boolean:
            switch text.first {
            case "T", "t", "Y", "y": return (.boolean(true), nil)
            case "F", "f", "N", "n": return (.boolean(false), nil)
            case "?": return (.null, nil)
            default: return (.null, text)
            }
        default:
            return (.null, nil)
        }
    }
}

/// How the text of a DBF or CSV file was decoded: chosen by the person, declared by the
/// file, or detected.
struct EncodingChoice {
    var encoding: TextEncoding
    var candidates: [EncodingCandidate]
    var note: String?

    /// The explicit choice wins, then a declaration the reader understands, then detection.
    static func resolve(explicit: TextEncoding?, declared: String?, declaredBy: String,
                        sample: [UInt8], hint: TextEncoding?) -> EncodingChoice {
        let ranked = EncodingDetector.rank(sample, hint: hint)
        if let explicit {
            return EncodingChoice(encoding: explicit, candidates: ranked, note: nil)
        }
        if let declared {
            if let encoding = TextEncoding(codePageName: declared) {
                return EncodingChoice(encoding: encoding, candidates: ranked, note: nil)
            }
            let best = ranked.first?.encoding ?? .utf8
            return EncodingChoice(encoding: best, candidates: ranked,
                                  note: "\(declaredBy) names the code page \"\(declared.trimmingCharacters(in: .whitespacesAndNewlines))\", which is not known here; the text was read as \(best.displayName)")
        }
        return EncodingChoice(encoding: ranked.first?.encoding ?? .utf8, candidates: ranked, note: nil)
    }
}
