import Foundation
@testable import Portal
import Testing

/// The search box: Vietnamese with or without marks, word prefixes, and only what the
/// searcher may see (the access matrix walks the same door for every actor).
@Suite struct SearchTests {
    let fixture = DemoFixture.shared

    /// Every vowel with every tone, in both cases, reads as its bare letter; đ and Đ read as d.
    @Test func everyVietnameseLetterFoldsToItsBareLetter() {
        let vowels: [(String, [String])] = [
            ("a", ["a", "à", "á", "ả", "ã", "ạ", "ă", "ằ", "ắ", "ẳ", "ẵ", "ặ", "â", "ầ", "ấ", "ẩ", "ẫ", "ậ"]),
            ("e", ["e", "è", "é", "ẻ", "ẽ", "ẹ", "ê", "ề", "ế", "ể", "ễ", "ệ"]),
            ("i", ["i", "ì", "í", "ỉ", "ĩ", "ị"]),
            ("o", ["o", "ò", "ó", "ỏ", "õ", "ọ", "ô", "ồ", "ố", "ổ", "ỗ", "ộ", "ơ", "ờ", "ớ", "ở", "ỡ", "ợ"]),
            ("u", ["u", "ù", "ú", "ủ", "ũ", "ụ", "ư", "ừ", "ứ", "ử", "ữ", "ự"]),
            ("y", ["y", "ỳ", "ý", "ỷ", "ỹ", "ỵ"]),
            ("d", ["d", "đ"]),
        ]
        var count = 0
        for (bare, letters) in vowels {
            for letter in letters {
                for form in [letter, letter.uppercased()] {
                    #expect(SearchText(form).words == [bare], "\(form) reads as \(bare)")
                    // Decomposed input (marks as separate scalars) reads the same.
                    #expect(SearchText(form.decomposedStringWithCanonicalMapping).words == [bare], "decomposed \(form)")
                    count += 1
                }
            }
        }
        #expect(count == 148)
    }

    @Test func wordsMatchAsPrefixesInAnyOrderAndRankTheNameFirst() {
        #expect(SearchText("truong hoc").rank(["Trường Tiểu học"]) == 0)
        #expect(SearchText("hoc truong").rank(["Trường Tiểu học"]) == 1)
        #expect(SearchText("BAC GIANG").rank(["Tỉnh Bắc Giang"]) == 1)
        #expect(SearchText("bắc giang").rank(["Sở Y tế", "Bắc Giang"]) == 2)
        #expect(SearchText("bac giang").rank(["Bắc Ninh"]) == nil)
        #expect(SearchText("oc").rank(["Trường học"]) == nil, "a word matches at its start only")
        #expect(SearchText("  ,, ").isEmpty)
        #expect(SearchText(String(repeating: "ab ", count: 100)).words.count == SearchText.maxWords)
    }

    /// Through the portal: a layer by its title without marks, a ward by its name in capitals,
    /// both leading to the map; a query that matches nothing says so; the query is escaped.
    @Test func thePageFindsLayersAndPlaces() throws {
        let demo = try #require(fixture)
        var browser = Browser(demo)
        let layers = try browser.get("/search?q=truong+hoc")
        #expect(layers.status == 200)
        #expect(layers.text.contains("href=\"/layers/truong-hoc\""))
        #expect(layers.text.contains("&amp;layers=truong-hoc\""), "a link opens the layer on the map")
        #expect(!layers.text.contains("href=\"/layers/co-so-y-te\""))
        let place = try browser.get("/search?q=MAO+KHE")
        #expect(place.text.contains(">Phường Mạo Khê</a>"))
        #expect(place.text.contains("href=\"/map#map="))
        let nothing = try browser.get("/search?q=%22%3E%3Cscript%3Ezzzz")
        #expect(nothing.status == 200)
        #expect(nothing.text.contains("Không tìm thấy"))
        #expect(!nothing.text.contains("<script>zzzz"))
        let home = try browser.get("/")
        #expect(home.text.contains("action=\"/search\""), "the home page has the search box")
    }
}
