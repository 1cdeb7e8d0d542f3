import Foundation
import Testing
@testable import Formats

@Suite struct TextEncodingTests {
    static let sentences = ["Trạm y tế xã Yên Đức", "Đường Nguyễn Huệ", "Ủy ban nhân dân phường Mạo Khê", "Sông Kinh Thầy"]

    @Test func thereAre134PrecomposedLetters() {
        #expect(VietnameseLetters.precomposedLetters.count == 134)
        #expect(Set(VietnameseLetters.precomposedLetters).count == 134)
        #expect(VietnameseLetters.precomposedLetters.allSatisfy { $0.unicodeScalars.count == 1 })
    }

    @Test(arguments: [TextEncoding.windows1258, .vniWindows, .utf8])
    func everyLetterRoundTrips(_ encoding: TextEncoding) {
        for letter in VietnameseLetters.precomposedLetters {
            let text = String(letter)
            let decoded = encoding.decode(encoding.encode(text))
            #expect(decoded == text, "\(encoding): \(text) came back as \(decoded)")
        }
    }

    @Test func tcvn3RoundTripsSmallLettersAndBareCapitals() {
        for letter in VietnameseLetters.precomposedLetters {
            let text = String(letter)
            let decoded = TextEncoding.tcvn3.decode(TextEncoding.tcvn3.encode(text))
            if letter.isLowercase || ["Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"].contains(letter) {
                #expect(decoded == text, "TCVN3: \(text) came back as \(decoded)")
            } else {
                // TCVN3 has no toned capitals: they share the small letter's code.
                #expect(decoded == text.lowercased(), "TCVN3: \(text) came back as \(decoded)")
            }
        }
    }

    @Test func tcvn3DecodesTheKnownTable() {
        // "Cộng hoà xã hội chủ nghĩa Việt Nam" as TCVN3 bytes shown in Latin-1.
        let bytes = Array("Céng hoµ x· héi chñ nghÜa ViÖt Nam".unicodeScalars.map { UInt8($0.value) })
        #expect(TextEncoding.tcvn3.decode(bytes) == "Cộng hoà xã hội chủ nghĩa Việt Nam")
        let motto = Array("§éc lËp - Tù do - H¹nh phóc".unicodeScalars.map { UInt8($0.value) })
        #expect(TextEncoding.tcvn3.decode(motto) == "Độc lập - Tự do - Hạnh phúc")
    }

    @Test func vniDecodesTheKnownScheme() {
        let bytes = Array("Ñoäc laäp - Töï do - Haïnh phuùc".unicodeScalars.map { UInt8($0.value) })
        #expect(TextEncoding.vniWindows.decode(bytes) == "Độc lập - Tự do - Hạnh phúc")
        let street = Array("ÑÖÔØNG Tröôøng Sa, Ñaø Naüng".unicodeScalars.map { UInt8($0.value) })
        #expect(TextEncoding.vniWindows.decode(street) == "ĐƯỜNG Trường Sa, Đà Nẵng")
    }

    @Test func windows1258UsesCombiningTones() {
        // "Việt": V i ê + combining dot below t.
        #expect(TextEncoding.windows1258.decode([0x56, 0x69, 0xEA, 0xF2, 0x74]) == "Việt")
        #expect(TextEncoding.windows1258.encode("Việt") == [0x56, 0x69, 0xEA, 0xF2, 0x74])
        #expect(TextEncoding.windows1258.encode("á") == [0xE1])
        #expect(TextEncoding.windows1258.encode("ã") == [0x61, 0xDE])
    }

    @Test(arguments: [TextEncoding.windows1258, .tcvn3, .vniWindows])
    func sentencesDecodeCharacterByCharacter(_ encoding: TextEncoding) {
        for sentence in Self.sentences {
            let decoded = encoding.decode(encoding.encode(sentence))
            let expected = encoding == .tcvn3 ? tcvn3Expectation(sentence) : sentence
            #expect(Array(decoded) == Array(expected), "\(encoding): \(sentence) → \(decoded)")
        }
    }

    /// TCVN3 keeps capitals only for bare letters.
    func tcvn3Expectation(_ text: String) -> String {
        String(text.map { character -> Character in
            guard character.isUppercase, !character.isASCII, !["Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"].contains(character) else {
                return character
            }
            return Character(character.lowercased())
        })
    }

    static let realistic = """
        Trạm y tế xã Yên Đức, thị xã Đông Triều; Đường Nguyễn Huệ, phường Bến Nghé, quận 1; \
        Ủy ban nhân dân phường Mạo Khê; Sông Kinh Thầy; Trường tiểu học Hùng Vương; \
        Chợ Hạ Long 1, phường Bạch Đằng; Nhà văn hóa thôn Đồng Vải; Cầu Bãi Cháy; \
        Bệnh viện đa khoa tỉnh Quảng Ninh; Khu di tích lịch sử Yên Tử
        """

    @Test(arguments: TextEncoding.detectionCandidates)
    func detectionPicksTheRightEncoding(_ encoding: TextEncoding) {
        let ranked = EncodingDetector.rank(encoding.encode(Self.realistic))
        #expect(ranked.first?.encoding == encoding, "\(ranked)")
        #expect(ranked.count == 4)
        #expect(ranked[0].score > ranked[1].score || encoding == .utf8)
    }

    @Test func detectionOfShortNames() {
        for encoding in TextEncoding.detectionCandidates {
            for name in ["Hạ Long", "Quảng Ninh", "Đông Triều", "Cẩm Phả", "Uông Bí"] {
                #expect(EncodingDetector.detect(encoding.encode(name)) == encoding, "\(name) in \(encoding)")
            }
        }
    }

    @Test func asciiScoresOneEverywhere() {
        let ranked = EncodingDetector.rank(Array("Ha Long, Quang Ninh 2024".utf8))
        #expect(ranked.allSatisfy { $0.score == 1 })
        #expect(ranked.first?.encoding == .utf8)
    }

    @Test func syllableShapes() {
        for word in ["Nguyễn", "phường", "khuyến", "giặt", "quốc", "nghĩa", "Ủy", "gìn", "Thầy"] {
            #expect(VietnameseLetters.isSyllable(word), "\(word)")
        }
        for word in ["Céng", "hoµ", "Viờũt", "tát̀", "ViÖt", "cé", "kà"] {
            #expect(!VietnameseLetters.isSyllable(word), "\(word)")
        }
    }

    @Test func codePageNames() {
        #expect(TextEncoding(codePageName: "UTF-8\n") == .utf8)
        #expect(TextEncoding(codePageName: "65001") == .utf8)
        #expect(TextEncoding(codePageName: "1258") == .windows1258)
        #expect(TextEncoding(codePageName: "CP1258") == .windows1258)
        #expect(TextEncoding(codePageName: "ANSI 1258") == .windows1258)
        #expect(TextEncoding(codePageName: "ISO-8859-1") == .windows1252)
        #expect(TextEncoding(codePageName: "TCVN3") == .tcvn3)
        #expect(TextEncoding(codePageName: "VNI") == .vniWindows)
        #expect(TextEncoding(codePageName: "big5") == nil)
    }
}
