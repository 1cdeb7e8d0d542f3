import Foundation

/// Writing JSON strings.
public enum JSONText {
    /// Appends attributes as a JSON object, in their order, names as written; non-finite
    /// numbers become null.
    public static func appendObject(_ properties: [(String, AttributeValue)], to text: inout String) {
        text += "{"
        for (index, (name, value)) in properties.enumerated() {
            if index > 0 { text += "," }
            appendString(name, to: &text)
            text += ":"
            switch value {
            case .null: text += "null"
            case .text(let string), .date(let string): appendString(string, to: &text)
            case .integer(let number): text += String(number)
            case .real(let number): text += number.isFinite ? "\(number)" : "null"
            case .boolean(let flag): text += flag ? "true" : "false"
            }
        }
        text += "}"
    }

    /// The members of the JSON object `text`, in their written order, each value as text (null
    /// as nil; arrays and objects as compact JSON); nil when `text` is not an object.
    public static func orderedMembers(_ text: String) -> [(String, String?)]? {
        var parser = JSONParser(Array(text.utf8))
        guard case .object(let members)? = try? parser.parseDocument() else { return nil }
        return members.map { key, value in
            switch value {
            case .null: return (key, nil)
            case .bool(let flag): return (key, flag ? "true" : "false")
            case .integer(let number): return (key, String(number))
            case .number(let number): return (key, "\(number)")
            case .string(let string): return (key, string)
            case .array, .object: return (key, value.jsonText)
            }
        }
    }

    /// Appends `value` as a JSON string literal (quotes, escapes, control characters as \\u00XX).
    public static func appendString(_ value: String, to text: inout String) {
        text += "\""
        // Every character JSON escapes is ASCII, and no byte of a multi-byte UTF-8 sequence is:
        // a text without such bytes (nearly every one) goes in whole.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            text += value
            text += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }
}

/// Why JSON text could not be parsed, with the line and column.
public struct JSONParseError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A strict RFC 8259 parser over UTF-8 bytes, with a nesting limit so hostile input cannot
/// exhaust the stack.
struct JSONParser {
    static let maxDepth = 512
    /// What keeps `bytes` alive.
    let storage: ByteBuffer
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ bytes: [UInt8]) {
        self.init(ByteBuffer(bytes))
    }

    /// A parser of `storage`'s bytes, read in place (a mapped file is not copied).
    init(_ storage: ByteBuffer) {
        self.storage = storage
        bytes = storage.bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        let value = try parseValue(depth: 0)
        skipSpace()
        guard index == bytes.count else { throw failure("unexpected text after the end of the JSON value") }
        return value
    }

    func failure(_ problem: String) -> JSONParseError {
        var line = 1, column = 1
        for byte in bytes[..<min(index, bytes.count)] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return JSONParseError(message: "\(problem) at line \(line), column \(column)")
    }

    mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth < Self.maxDepth else { throw failure("values nest deeper than \(Self.maxDepth) levels") }
        skipSpace()
        guard index < bytes.count else { throw failure("the text ends where a value was expected") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            return .object(try members { parser, _ throws(JSONParseError) in try parser.parseValue(depth: depth + 1) })
        case UInt8(ascii: "["):
            var items = [JSONValue]()
            try elements(depth: depth) { items.append($0) }
            return .array(items)
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default:
            return try parseNumber()
        }
    }

    /// Parses the object at the current position, as `parseValue` would, but passes over the
    /// array of the member named `skipped` with `skipValue` (it is kept as an empty array):
    /// returns where that array's `[` is and how many items it holds.
    mutating func parseObject(skipping skipped: String) throws(JSONParseError) -> (value: JSONValue, arrayAt: Int?, items: Int) {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return (try parseValue(depth: 0), nil, 0) }
        var arrayAt: Int?
        var items = 0
        let value = JSONValue.object(try members { parser, key throws(JSONParseError) in
            parser.skipSpace()
            guard key == skipped, arrayAt == nil, parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "[") else {
                return try parser.parseValue(depth: 1)
            }
            arrayAt = parser.index
            items = try parser.skipValue() ?? 0
            return .array([])
        })
        return (value, arrayAt, items)
    }

    /// Parses the object at the current position, as `parseValue` would, but hands the array of
    /// the member named `streamed` to `element` one item at a time instead of keeping it (the
    /// member is kept as an empty array): a large array never exists in memory as a whole.
    mutating func parseObject(streaming streamed: String, _ element: (JSONValue) -> Void) throws(JSONParseError) -> JSONValue {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return try parseValue(depth: 0) }
        return .object(try members { parser, key throws(JSONParseError) in
            parser.skipSpace()
            guard key == streamed, parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "[") else {
                return try parser.parseValue(depth: 1)
            }
            try parser.elements(depth: 1, element)
            return .array([])
        })
    }

    /// The members of the object whose `{` is at the current position; `value` parses each
    /// member's value, given its name.
    private mutating func members(_ value: (inout JSONParser, String) throws(JSONParseError) -> JSONValue)
        throws(JSONParseError) -> [(String, JSONValue)] {
        index += 1
        var members = [(String, JSONValue)]()
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return members
        }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a member name in quotes") }
            let key = try parseString()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':' after a member name") }
            index += 1
            members.append((key, try value(&self, key)))
            skipSpace()
            guard index < bytes.count else { throw failure("the text ends inside an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return members
            } else {
                throw failure("expected ',' or '}' in an object")
            }
        }
    }

    /// The items of the array whose `[` is at the current position (an array at `depth`), each
    /// handed to `element` as soon as it is parsed.
    private mutating func elements(depth: Int, _ element: (JSONValue) -> Void) throws(JSONParseError) {
        index += 1
        var first = true
        while let item = try nextItem(first: first, depth: depth) {
            element(item)
            first = false
        }
    }

    /// The next item of the array (at `depth`) whose `[` the parser has stepped past — `first`
    /// when none has been read yet — or nil once its `]` is passed. For reading a large array
    /// one item at a time (`GeoJSONStream`).
    mutating func nextItem(first: Bool, depth: Int) throws(JSONParseError) -> JSONValue? {
        skipSpace()
        if first {
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return nil
            }
        } else {
            guard index < bytes.count else { throw failure("the text ends inside an array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return nil
            } else {
                throw failure("expected ',' or ']' in an array")
            }
        }
        return try parseValue(depth: depth + 1)
    }

    /// How many bytes `skipValue` reads between two releases of the pages it has read.
    static let releaseInterval = 8 << 20

    /// Moves past the value at the current position without building it: an object or array
    /// is only checked for brackets and quotes that pair up (its content is parsed when read
    /// later), anything else is parsed. Returns how many items an array holds, else nil.
    mutating func skipValue() throws(JSONParseError) -> Int? {
        skipSpace()
        guard index < bytes.count else { throw failure("the text ends where a value was expected") }
        let opening = bytes[index]
        guard opening == UInt8(ascii: "[") || opening == UInt8(ascii: "{") else {
            _ = try parseValue(depth: 0)
            return nil
        }
        let start = index
        var depth = 0
        var items = 0
        var empty = true
        var releasedTo = start
        while index < bytes.count {
            if index - releasedTo >= Self.releaseInterval {
                storage.release(releasedTo..<index)
                releasedTo = index
            }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard index < bytes.count else { break }
                index += 1
                empty = false
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                if depth == 1 { empty = false }
                depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return opening == UInt8(ascii: "[") ? (empty ? 0 : items + 1) : nil }
            case UInt8(ascii: ","):
                if depth == 1 { items += 1 }
            case 0x20, 0x0A, 0x0D, 0x09:
                break
            default:
                empty = false
            }
        }
        index = start
        throw failure(opening == UInt8(ascii: "[") ? "the text ends inside an array" : "the text ends inside an object")
    }

    mutating func literal(_ word: String) throws(JSONParseError) {
        let expected = Array(word.utf8)
        guard bytes.count - index >= expected.count, Array(bytes[index..<(index + expected.count)]) == expected else {
            throw failure("unexpected text")
        }
        index += expected.count
    }

    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        var isInteger = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x30 && byte <= 0x39 || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") {
                index += 1
            } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                isInteger = false
                index += 1
            } else {
                break
            }
        }
        // Numbers are most of a GeoJSON file (every coordinate): checked and read on the bytes,
        // a String made only for a message or a number strtod does not take whole.
        let end = index
        guard start < end, TextValues.isPlainNumber(utf8: bytes[start..<end], allowFraction: true) || bytes[start..<end].elementsEqual("-0".utf8) else {
            index = start
            let text = String(decoding: bytes[start..<end], as: UTF8.self)
            throw failure(text.isEmpty ? "unexpected character" : "\"\(text)\" is not a valid number")
        }
        if isInteger, let value = Self.integer(bytes, start, end) { return .integer(value) }
        guard let value = Self.double(bytes, start, end), value.isFinite else {
            throw failure("\"\(String(decoding: bytes[start..<end], as: UTF8.self))\" is not a valid number")
        }
        return .number(value)
    }

    /// The integer `bytes[start..<end]` spells (a sign and digits); nil when it overflows Int64.
    static func integer(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        var at = start
        var negative = false
        if bytes[at] == UInt8(ascii: "-") || bytes[at] == UInt8(ascii: "+") {
            negative = bytes[at] == UInt8(ascii: "-")
            at += 1
        }
        var value: Int64 = 0
        while at < end {
            let digit = Int64(bytes[at] &- 0x30)
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            if overflowA || overflowB { return nil }
            value = next
            at += 1
        }
        return value
    }

    /// The number `bytes[start..<end]` spells, by `strtod` when a byte that cannot continue a
    /// number follows it in the buffer (so strtod stops there), else through a String.
    static func double(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        if end < bytes.count {
            let base = UnsafeRawPointer(bytes.baseAddress! + start).assumingMemoryBound(to: CChar.self)
            var stop: UnsafeMutablePointer<CChar>?
            let value = strtod(base, &stop)
            if let stop, base.distance(to: UnsafePointer(stop)) == end - start { return value }
        }
        return Double(String(decoding: bytes[start..<end], as: UTF8.self))
    }

    mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        var buffer = [UInt8]()
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                let text = String(decoding: buffer, as: UTF8.self)
                // ASCII is already NFC; only other text pays for the normalization.
                return buffer.allSatisfy { $0 < 0x80 } ? text : text.precomposedStringWithCanonicalMapping
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw failure("the text ends inside a string") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(escape)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), bytes.count - index >= 6,
                       bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                    }
                    let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                    buffer.append(contentsOf: Array(String(scalar).utf8))
                default:
                    throw failure("invalid escape sequence in a string")
                }
            default:
                guard byte >= 0x20 else { throw failure("a control character inside a string") }
                buffer.append(byte)
            }
        }
        throw failure("the text ends inside a string")
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw failure("an incomplete \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x37)
            case 0x61...0x66: digit = UInt32(byte - 0x57)
            default: throw failure("an invalid \\u escape")
            }
            value = value << 4 | digit
        }
        return value
    }
}
