import Foundation
import Store

/// How attribute values read on the table and feature pages, and in the edit form's inputs.
enum PropertyText {
    /// The value as a cell shows it: numbers as stored (no grouping: codes stay readable),
    /// true and false in the visitor's language, null as nothing.
    static func display(_ value: StoredProperty, yes: String, no: String) -> String {
        switch value {
        case .boolean(let flag): return flag ? yes : no
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
}
