import Foundation

/// Reading attribute values written as text (CSV cells, KML data, DBF numbers) and
/// inferring one type per column.
///
/// Numbers keep their text's meaning: "007" or "0912345678" stay text (codes and phone
/// numbers), "106,25" is a decimal comma where the caller allows it. Dates are ISO
/// "yyyy-mm-dd" or the Vietnamese day-first "dd/mm/yyyy", checked against the calendar.
enum TextValues {
    /// `text` as a whole number: optional sign, digits, no leading zero.
    static func integer(_ text: Substring) -> Int64? {
        guard isPlainNumber(text, allowFraction: false) else { return nil }
        return Int64(text)
    }

    /// `text` as a decimal number; with `commaDecimal`, "106,25" reads as 106.25.
    static func real(_ text: Substring, commaDecimal: Bool) -> Double? {
        var candidate = String(text)
        if commaDecimal, !candidate.contains("."), candidate.filter({ $0 == "," }).count == 1 {
            candidate = candidate.replacingOccurrences(of: ",", with: ".")
        }
        guard isPlainNumber(Substring(candidate), allowFraction: true), let value = Double(candidate),
              value.isFinite else { return nil }
        return value
    }

    /// Digits with an optional sign, fraction and exponent, and no superfluous leading zero.
    static func isPlainNumber(_ text: Substring, allowFraction: Bool) -> Bool {
        isPlainNumber(utf8: text.utf8, allowFraction: allowFraction)
    }

    /// The same on UTF-8 bytes (JSON numbers are checked on the document's bytes): an optional
    /// sign, ASCII digits without a superfluous leading zero, with `allowFraction` an optional
    /// fraction and exponent, at least one digit before the exponent.
    static func isPlainNumber<Bytes: Collection<UInt8>>(utf8 bytes: Bytes, allowFraction: Bool) -> Bool {
        var at = bytes.startIndex
        func skip(_ byte: UInt8) -> Bool {
            guard at < bytes.endIndex, bytes[at] == byte else { return false }
            bytes.formIndex(after: &at)
            return true
        }
        func digits() -> Int {
            var count = 0
            while at < bytes.endIndex, bytes[at] >= 0x30 && bytes[at] <= 0x39 {
                bytes.formIndex(after: &at)
                count += 1
            }
            return count
        }
        if !skip(UInt8(ascii: "-")) { _ = skip(UInt8(ascii: "+")) }
        let integerStart = at
        let integerDigits = digits()
        if integerDigits > 1 && bytes[integerStart] == 0x30 { return false }
        var fractionDigits = 0
        if allowFraction, skip(UInt8(ascii: ".")) { fractionDigits = digits() }
        guard integerDigits + fractionDigits > 0 else { return false }
        if allowFraction, skip(UInt8(ascii: "e")) || skip(UInt8(ascii: "E")) {
            if !skip(UInt8(ascii: "-")) { _ = skip(UInt8(ascii: "+")) }
            guard digits() > 0 else { return false }
        }
        return at == bytes.endIndex
    }

    /// `text` as an ISO date, from "yyyy-mm-dd", "yyyy/mm/dd", "dd/mm/yyyy" or "dd-mm-yyyy".
    static func isoDate(_ text: Substring) -> String? {
        let parts = text.split(omittingEmptySubsequences: false) { $0 == "-" || $0 == "/" || $0 == "." }
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else {
            return nil
        }
        let year, month, day: Int?
        if parts[0].count == 4 {
            (year, month, day) = (Int(parts[0]), Int(parts[1]), Int(parts[2]))
        } else if parts[2].count == 4, parts[0].count <= 2, parts[1].count <= 2 {
            (year, month, day) = (Int(parts[2]), Int(parts[1]), Int(parts[0]))
        } else {
            return nil
        }
        guard let year, let month, let day else { return nil }
        return isoDate(year: year, month: month, day: day)
    }

    /// "yyyy-mm-dd" when the three numbers name a real day.
    static func isoDate(year: Int, month: Int, day: Int) -> String? {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1 else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[month - 1] else { return nil }
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// `text` as a yes/no answer, in English or Vietnamese.
    static func boolean(_ text: Substring) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "có", "đúng": return true
        case "false", "no", "không", "sai": return false
        default: return nil
        }
    }
}

/// Infers a column's type from its text values: the narrowest of integer, real, date,
/// boolean that every non-empty value fits, else text.
struct ColumnTypeInference {
    var commaDecimal: Bool
    private var integer = true
    private var real = true
    private var date = true
    private var boolean = true
    private var sawValue = false

    init(commaDecimal: Bool) {
        self.commaDecimal = commaDecimal
    }

    mutating func observe(_ text: Substring) {
        guard !text.isEmpty else { return }
        sawValue = true
        if integer && TextValues.integer(text) == nil { integer = false }
        if real && !integer && TextValues.real(text, commaDecimal: commaDecimal) == nil { real = false }
        if date && TextValues.isoDate(text) == nil { date = false }
        if boolean && TextValues.boolean(text) == nil { boolean = false }
    }

    var type: FieldType {
        guard sawValue else { return .text }
        if integer { return .integer }
        if real { return .real }
        if date { return .date }
        if boolean { return .boolean }
        return .text
    }

    /// `text` as a value of `type`; empty text is null. The type was inferred from these
    /// very values, so a value that does not fit is kept as text.
    static func value(_ text: Substring, as type: FieldType, commaDecimal: Bool) -> AttributeValue {
        guard !text.isEmpty else { return .null }
        switch type {
        case .integer:
            if let value = TextValues.integer(text) { return .integer(value) }
        case .real:
            if let value = TextValues.real(text, commaDecimal: commaDecimal) { return .real(value) }
        case .date:
            if let value = TextValues.isoDate(text) { return .date(value) }
        case .boolean:
            if let value = TextValues.boolean(text) { return .boolean(value) }
        case .text:
            break
        }
        return .text(String(text))
    }
}

/// Gathers the attributes of features whose properties vary (GeoJSON, KML, GeoPackage),
/// keeping names in order of first appearance, and settles one type per field.
struct FieldCollector {
    private(set) var names: [String] = []
    private var positions: [String: Int] = [:]
    private var seen: [Set<FieldType>] = []

    /// Records `name` and the type of `value`; returns false when the field is new and
    /// would exceed `limit` fields.
    mutating func observe(_ name: String, _ value: AttributeValue, limit: Int) -> Bool {
        let position: Int
        if let known = positions[name] {
            position = known
        } else {
            guard names.count < limit else { return false }
            position = names.count
            positions[name] = position
            names.append(name)
            seen.append([])
        }
        if let type = value.fieldType { seen[position].insert(type) }
        return true
    }

    /// Whether some field has values of more than one type.
    var hasMixedTypes: Bool { seen.contains { $0.count > 1 } }

    var fields: [FieldInfo] {
        zip(names, seen).map { name, types in
            let type: FieldType
            if types.count == 1, let only = types.first {
                type = only
            } else if !types.isEmpty && types.isSubset(of: [.integer, .real]) {
                type = .real
            } else {
                type = .text
            }
            return FieldInfo(name: name, type: type)
        }
    }

    /// `properties` laid out in field order, missing ones null, each converted to its
    /// field's type.
    static func normalise(_ properties: [(String, AttributeValue)], to fields: [FieldInfo]) -> [(String, AttributeValue)] {
        var byName = [String: AttributeValue]()
        for (name, value) in properties where byName[name] == nil { byName[name] = value }
        return fields.map { field in
            (field.name, (byName[field.name] ?? .null).converted(to: field.type))
        }
    }
}

extension AttributeValue {
    /// The field type this value belongs to; nil for null.
    var fieldType: FieldType? {
        switch self {
        case .null: return nil
        case .text: return .text
        case .integer: return .integer
        case .real: return .real
        case .date: return .date
        case .boolean: return .boolean
        }
    }

    /// The value as text, the way it would be written in a CSV cell.
    var textValue: String? {
        switch self {
        case .null: return nil
        case .text(let text), .date(let text): return text
        case .integer(let value): return String(value)
        case .real(let value): return String(value)
        case .boolean(let value): return value ? "true" : "false"
        }
    }

    /// The value widened to `type` (integer to real, anything to text).
    func converted(to type: FieldType) -> AttributeValue {
        if self == .null || fieldType == type { return self }
        switch (self, type) {
        case (.integer(let value), .real): return .real(Double(value))
        case (_, .text): return textValue.map(AttributeValue.text) ?? .null
        default: return self
        }
    }
}
