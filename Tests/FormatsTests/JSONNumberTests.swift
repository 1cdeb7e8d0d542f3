@testable import Formats
import Testing

/// Numbers as the JSON parser reads them from the bytes: integers stay exact, reals are read
/// whole, malformed numbers are refused with the number in the message, wherever in the buffer
/// the number stands.
@Suite struct JSONNumberTests {
    static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(Array(text.utf8))
        return try parser.parseDocument()
    }

    @Test(arguments: [
        ("0", JSONValue.integer(0)), ("-0", .integer(0)), ("7", .integer(7)), ("-42", .integer(-42)),
        ("9223372036854775807", .integer(.max)), ("-9223372036854775808", .integer(.min)),
        ("9223372036854775808", .number(9_223_372_036_854_775_808)),
        ("106.123456", .number(106.123456)), ("-0.5", .number(-0.5)), ("1e3", .number(1000)),
        ("2.5E-3", .number(0.0025)), ("1.7976931348623157e308", .number(.greatestFiniteMagnitude)),
    ])
    func aNumberAloneIsReadExactly(_ text: String, _ expected: JSONValue) throws {
        // Alone, the number ends the buffer; inside an array a byte follows it.
        #expect(try Self.parse(text) == expected)
        #expect(try Self.parse("[\(text),\(text)]") == .array([expected, expected]))
        #expect(try Self.parse("[\(text) ]") == .array([expected]))
    }

    @Test(arguments: ["01", "-", "1e", "1e+", "--1", "1-2", "1.2.3", "0x1F", "1e999", "-1e999"])
    func aMalformedNumberIsRefusedAndNamed(_ text: String) {
        for document in [text, "[\(text)]", #"{"a":\#(text)}"#] {
            #expect(throws: JSONParseError.self, "\(document)") { try Self.parse(document) }
        }
        // "0x1F" reads as 0 followed by a stray "x", refused as such; the others name the number.
        guard text != "0x1F" else { return }
        do {
            _ = try Self.parse("[\(text)]")
        } catch {
            #expect(error.message.contains("\"\(text)\" is not a valid number"), "\(error.message)")
        }
    }

    @Test func coordinatesKeepEveryDigitTheyWereWrittenWith() throws {
        let value = try Self.parse(#"{"coordinates":[106.987654321,21.123456789,-3.25e1]}"#)
        #expect(value["coordinates"] == .array([.number(106.987654321), .number(21.123456789), .number(-32.5)]))
    }
}
