import Formats
import Foundation
import HTTP
@testable import Portal
import Store
import Testing

/// Every template value is escaped per Unicode scalar: a combining mark after `& < > " '`
/// (one grapheme with it) must not carry the character out unescaped, in any context.
@Suite struct EscapingTests {
    static let dangerous: [(Character, String)] = [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\"", "&quot;"), ("'", "&#39;")]
    static let mark = "\u{0301}"

    static func text(_ response: Response) -> String {
        if case .bytes(let bytes) = response.body { return String(decoding: bytes, as: UTF8.self) }
        return ""
    }

    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    @Test func theEscaperWorksOnScalarsNotGraphemes() {
        for (character, entity) in Self.dangerous {
            let input = "a\(character)\(Self.mark)b"
            #expect(input.count == 3, "the mark joins the character into one grapheme")
            #expect(ScalarHTMLEscaping().escapeText(input) == "a\(entity)\(Self.mark)b")
        }
        #expect(ScalarHTMLEscaping().escapeText("Sở Y tế") == "Sở Y tế")
    }

    @Test func reflectedValuesInAttributesAndText() throws {
        let demo = try #require(DemoFixture.shared)
        for (character, entity) in Self.dangerous {
            let value = "zz\(character)\(Self.mark) style=x"
            // An attribute: the table filter's value.
            let table = Self.text(try demo.respond("/layers/co-so-y-te/table?value=\(Self.encoded(value))"))
            #expect(table.contains("value=\"zz\(entity)\(Self.mark) style=x\""), "\(character) in the filter value")
            #expect(!table.contains("zz\(character)\(Self.mark)"))
            // Text: the path named on the missing page.
            let missing = Self.text(try demo.respond("/khong-co-\(Self.encoded(String(character) + Self.mark))"))
            #expect(missing.contains("/khong-co-\(entity)\(Self.mark)"), "\(character) in the 404 text")
            #expect(!missing.contains("/khong-co-\(character)\(Self.mark)"))
        }
    }

    @Test func storedTitlesOnEveryPageAndInTheMapsJSON() throws {
        let seeded = try SeededPortal(prefix: "bando-escaping-", network: "10.12")
        let title = "Trạm \"\(Self.mark) onmouseover=alert(1) <\(Self.mark)b> & '\(Self.mark)"
        try seeded.database.write { db in
            try db.execute(sql: "UPDATE layers SET title = ?, description = ? WHERE slug = 'co-so-y-te'", arguments: [title, title])
        }
        let handler = seeded.handler
        for target in ["/", "/map", "/layers/co-so-y-te", "/layers/co-so-y-te/table"] {
            let response = try handler(try Request(method: .GET, target: target))
            // JSON islands are checked apart: there a quote is JSON's own (\"), and only `<` could end them.
            var page = Self.text(response)
            while let start = page.range(of: "<script type=\"application/json\""),
                  let end = page.range(of: "</script>", range: start.upperBound..<page.endIndex) {
                let island = page[start.upperBound..<end.lowerBound].drop { $0 != ">" }.dropFirst()
                #expect(!island.contains("<") && !island.contains(">"), "\(target): \(island)")
                page.removeSubrange(start.lowerBound..<end.upperBound)
            }
            #expect(page.contains("Trạm"), "\(target) shows the layer")
            for character in ["\"", "<", "'"] {
                #expect(!page.contains(character + Self.mark), "\(target) carries \(character) + U+0301 unescaped")
            }
        }
        let island = Portal.scriptJSON(["title": .string("</script>\(Self.mark)<\(Self.mark)")])
        #expect(!island.contains("<") && !island.contains(">"))
    }
}
