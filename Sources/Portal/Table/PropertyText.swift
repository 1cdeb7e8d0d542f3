import Foundation
import Store

/// How attribute values read on the table and feature pages, and in the edit form's inputs.
enum PropertyText {
    /// Integer parts shorter than this many digits are not grouped, so years (2019) and short
    /// codes read as written; longer ones are grouped by thousands.
    static let minimumGroupedDigits = 5

    /// The value as a cell shows it: numbers as `language` writes them (a whole number stored
    /// as a real without its ".0"), true and false in the visitor's language, null as nothing.
    static func display(_ value: StoredProperty, yes: String, no: String, _ language: Language) -> String {
        switch value {
        case .boolean(let flag): return flag ? yes : no
        case .integer(let number): return grouped(String(number.magnitude), language, negative: number < 0)
        case .real(let number): return decimal(number, language)
        default: return input(value)
        }
    }

    /// The value as the edit form's input holds it; reading it back unchanged gives the same value.
    static func input(_ value: StoredProperty) -> String {
        switch value {
        case .null: return ""
        case .integer(let number): return String(number)
        case .real(let number): return number.description
        case .text(let text): return text
        case .boolean(let flag): return flag ? "true" : "false"
        }
    }

    /// Whether the value is a number (right-aligned in tables).
    static func isNumber(_ value: StoredProperty) -> Bool {
        switch value {
        case .integer, .real: return true
        default: return false
        }
    }

    /// Whether a field of `kind` holds numbers (its column is right-aligned).
    static func isNumeric(_ kind: FieldKind) -> Bool { kind == .integer || kind == .real }

    /// A real in `language`: Vietnamese "1.234.567,5", English "1,234,567.5"; the shortest
    /// digits that read back as the same number; an exponent kept as Swift writes it.
    static func decimal(_ number: Double, _ language: Language) -> String {
        guard number.isFinite else { return number.description }
        if number == number.rounded(), abs(number) < 1e16 {
            let whole = Int64(number)
            return grouped(String(whole.magnitude), language, negative: number.sign == .minus && whole != 0)
        }
        let separator = language == .vi ? "," : "."
        let text = number.magnitude.description
        if text.contains("e") { return (number < 0 ? "-" : "") + text.replacingOccurrences(of: ".", with: separator) }
        let parts = text.split(separator: ".", maxSplits: 1)
        let fraction = parts.count > 1 ? separator + parts[1] : ""
        return grouped(String(parts[0]), language, negative: number < 0) + fraction
    }

    /// `digits` grouped by thousands as `language` writes them, when there are at least
    /// `minimumGroupedDigits`.
    static func grouped(_ digits: String, _ language: Language, negative: Bool) -> String {
        Portal.groupDigits(digits, language, negative: negative, minimumDigits: minimumGroupedDigits)
    }
}
