import Foundation

/// A JSON value that keeps object members in the order they were written, which
/// `JSONSerialization` does not: attribute columns must come out in the file's order, and a
/// document reads best with its members in the order a person expects. The one way the portal
/// writes JSON documents (`jsonText`; strings through `JSONText.appendString`), and reads JSON
/// bodies (`parse`).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.jsonText == b.jsonText }

    /// The JSON text `bytes` (UTF-8, a BOM allowed), strictly per RFC 8259 with a nesting limit.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes)
        return try parser.parseDocument()
    }

    /// An object of the members whose values are present, in order: `nil` leaves a member out.
    public static func members(_ members: [(String, JSONValue?)]) -> JSONValue {
        .object(members.compactMap { key, value in value.map { (key, $0) } })
    }

    /// An object of `members` in the order of their names.
    public static func sorted(_ members: [String: JSONValue]) -> JSONValue {
        .object(members.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// A string, or null.
    public static func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    /// A whole number, or null.
    public static func int(_ value: Int?) -> JSONValue { value.map { .integer(Int64($0)) } ?? .null }

    /// The member called `key` of an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The value as a whole number, when it is one.
    public var integerValue: Int64? {
        switch self {
        case .integer(let value): return value
        case .number(let value) where value.rounded() == value && abs(value) < 9e15: return Int64(value)
        default: return nil
        }
    }

    /// The value as Foundation objects, the shape `JSONSerialization` produces.
    public var foundationObject: Any {
        switch self {
        case .null: return NSNull()
        case .bool(let value): return value
        case .integer(let value): return Double(value)
        case .number(let value): return value
        case .string(let value): return value
        case .array(let items): return items.map(\.foundationObject)
        case .object(let members):
            var dictionary = [String: Any]()
            for (key, value) in members where dictionary[key] == nil { dictionary[key] = value.foundationObject }
            return dictionary
        }
    }

    /// Compact JSON text of the value, members in order; non-finite numbers become null.
    public var jsonText: String {
        var text = ""
        append(to: &text)
        return text
    }

    /// The value's JSON text as UTF-8 bytes.
    public var jsonBytes: [UInt8] { Array(jsonText.utf8) }

    public func append(to text: inout String) {
        switch self {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .integer(let value): text += String(value)
        case .number(let value): text += value.isFinite ? "\(value)" : "null"
        case .string(let value): JSONText.appendString(value, to: &text)
        case .array(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                item.append(to: &text)
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { text += "," }
                JSONText.appendString(key, to: &text)
                text += ":"
                value.append(to: &text)
            }
            text += "}"
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Members in the order written.
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements) }
    public init(nilLiteral: ()) { self = .null }
}
