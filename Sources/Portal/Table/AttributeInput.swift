import Foundation
import Store

/// The edit form of a feature's attributes: which fields it offers, and how a typed value is
/// read back into a typed one. Values keep their field's type: a number field takes numbers
/// (a decimal comma is accepted), a true/false field takes true or false, text is trimmed and
/// put in Unicode NFC; an empty input clears the value (null). An input left as it was shown
/// leaves the value untouched, whatever its type.
enum AttributeInput {
    /// Longest text value accepted, in characters.
    static let maxTextLength = 10_000

    /// A value the form refuses: the locale key of the problem.
    struct Problem: Error, Equatable {
        let key: String
    }

    /// The fields the form offers for `feature`: the version's fields in order, then any of
    /// the feature's own that the version's list left out.
    static func fields(of feature: FeatureRecord, versionFields: [VersionField]) -> [VersionField] {
        var out = versionFields
        let known = Set(versionFields.map(\.name))
        for (name, value) in feature.properties where !known.contains(name) {
            out.append(VersionField(name: name, kind: kind(of: value)))
        }
        return out
    }

    /// The form input name of the field at `index`.
    static func inputName(_ index: Int) -> String { "v\(index)" }

    /// The feature's current value of `field` (null when it has none).
    static func current(_ feature: FeatureRecord, _ field: String) -> StoredProperty {
        feature.properties.first { $0.0 == field }?.1 ?? .null
    }

    /// `typed` read as a value of a field of `kind` whose current value is `current`; nil when
    /// it is what the form showed (no change).
    static func change(_ typed: String, kind: FieldKind, current: StoredProperty) throws(Problem) -> StoredProperty? {
        let text = typed.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
        if text == PropertyText.input(current) { return nil }
        let value = try parse(text, kind: kind, current: current)
        return value == current ? nil : value
    }

    /// `text` (trimmed, NFC) as a value of a field of `kind`.
    static func parse(_ text: String, kind: FieldKind, current: StoredProperty) throws(Problem) -> StoredProperty {
        if text.isEmpty { return .null }
        switch kind {
        case .integer:
            if let number = Int64(text) { return .integer(number) }
            guard let number = decimal(text) else { throw Problem(key: "table_problem_number") }
            return .real(number)
        case .real:
            guard let number = decimal(text) else { throw Problem(key: "table_problem_number") }
            return .real(number)
        case .boolean:
            guard let flag = boolean(text) else { throw Problem(key: "table_problem_boolean") }
            return .boolean(flag)
        case .mixed:
            switch current {
            case .integer, .real:
                if let number = Int64(text) { return .integer(number) }
                if let number = decimal(text) { return .real(number) }
            case .boolean:
                if let flag = boolean(text) { return .boolean(flag) }
            case .null, .text:
                break
            }
            return try plain(text)
        case .text, .empty:
            return try plain(text)
        }
    }

    /// A decimal number with a point or a comma ("12.5", "12,5", "-3", "1e6"); nil otherwise.
    static func decimal(_ text: String) -> Double? {
        var text = text
        if !text.contains("."), text.filter({ $0 == "," }).count == 1 { text = text.replacingOccurrences(of: ",", with: ".") }
        guard text.utf8.count <= 40, text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
              let number = Double(text), number.isFinite else { return nil }
        return number
    }

    /// "true" or "false" (as the form's choice sends them); nil otherwise.
    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }

    /// Free text: no control characters but tabs and line breaks, at most `maxTextLength`.
    static func plain(_ text: String) throws(Problem) -> StoredProperty {
        if text.count > maxTextLength { throw Problem(key: "table_problem_too_long") }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !"\t\n\r".unicodeScalars.contains($0) }) {
            throw Problem(key: "table_problem_control")
        }
        return .text(text)
    }

    /// The kind of a field known from one value only.
    static func kind(of value: StoredProperty) -> FieldKind {
        switch value {
        case .null: return .empty
        case .integer: return .integer
        case .real: return .real
        case .text: return .text
        case .boolean: return .boolean
        }
    }
}
