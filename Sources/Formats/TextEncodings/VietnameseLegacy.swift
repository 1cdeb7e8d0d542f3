import Foundation

/// TCVN3 (TCVN 5712:1993, the VN3 8-bit table used by the ".VnTime" "ABC" fonts).
///
/// Design note: every lower-case toned letter has its own byte in 0xB5–0xFE and the bare
/// ă â ê ô ơ ư đ have both cases in 0xA1–0xAE; ASCII is unchanged. Capitals with tone
/// marks have no code: they were typed with the small letter's code in an upper-case font
/// (".VnTimeH"), so they decode as small letters and encode to the small letter's byte.
/// Bytes the table leaves free read as Windows-1252.
enum TCVN3 {
    static let table: [UInt8: Character] = [
        0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
        0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
        0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
        0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
        0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
        0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
        0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
        0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
        0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
        0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
        0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
        0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
        0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
        0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
    ]

    static let reverse: [Character: UInt8] = {
        var result = [Character: UInt8]()
        for (byte, character) in table { result[character] = byte }
        return result
    }()

    static func decode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text = ""
        for byte in bytes {
            if byte < 0x80 {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else if let character = table[byte] {
                text.append(character)
            } else {
                text.unicodeScalars.append(Windows1252.scalar(byte))
            }
        }
        return text
    }

    static func encode(_ text: String) -> [UInt8] {
        var bytes = [UInt8]()
        for character in text.precomposedStringWithCanonicalMapping {
            if let ascii = character.asciiValue {
                bytes.append(ascii)
            } else if let byte = reverse[character] {
                bytes.append(byte)
            } else if let lower = character.lowercased().first, let byte = reverse[lower] {
                bytes.append(byte)
            } else {
                bytes.append(0x3F)
            }
        }
        return bytes
    }
}

/// VNI-Windows, the encoding of the VNI fonts ("VNI-Times").
///
/// Design note: a toned vowel is written as its ASCII base letter followed by one "mark"
/// byte that draws the diacritics over it: a tone alone, a circumflex with or without a
/// tone, or a breve with or without a tone ("a" + 0xF9 = á, "e" + 0xE4 = ệ, "a" + 0xFC = ẵ).
/// ơ, ư, đ and the toned i's and ỵ have single bytes. Capitals use the same scheme with
/// each byte 0x20 lower. Decoding reads a base and looks one byte ahead; a mark byte with
/// no base to sit on reads as Windows-1252.
enum VNIWindows {
    /// Tone-only marks for small letters, in `VietnameseLetters.toneMarks` order.
    static let toneMark: [UInt8] = [0xF8, 0xF9, 0xFB, 0xF5, 0xEF]
    /// Circumflex marks: bare, then with each tone.
    static let circumflexMark: [UInt8] = [0xE2, 0xE0, 0xE1, 0xE5, 0xE3, 0xE4]
    /// Breve marks: bare, then with each tone.
    static let breveMark: [UInt8] = [0xEA, 0xE8, 0xE9, 0xFA, 0xFC, 0xEB]
    /// Single-byte small letters.
    static let singles: [UInt8: Character] = [
        0xF4: "ơ", 0xF6: "ư", 0xF1: "đ", 0xEC: "ì", 0xED: "í", 0xE6: "ỉ", 0xF3: "ĩ", 0xF2: "ị", 0xEE: "ỵ",
    ]
    /// Upper-case bytes are the small ones less this.
    static let caseOffset: UInt8 = 0x20

    /// What a mark byte (small-letter form) adds: a shape (circumflex U+0302, breve U+0306
    /// or none) and a tone index into `VietnameseLetters.toneMarks`.
    static let marks: [UInt8: (shape: Unicode.Scalar?, tone: Int?)] = {
        var result = [UInt8: (shape: Unicode.Scalar?, tone: Int?)]()
        for (index, byte) in toneMark.enumerated() { result[byte] = (nil, index) }
        for (index, byte) in circumflexMark.enumerated() { result[byte] = ("\u{0302}", index == 0 ? nil : index - 1) }
        for (index, byte) in breveMark.enumerated() { result[byte] = ("\u{0306}", index == 0 ? nil : index - 1) }
        return result
    }()

    /// The small base letters that take marks, with the shapes each accepts.
    static let bases: [Character: Set<Unicode.Scalar>] = [
        "a": ["\u{0302}", "\u{0306}"], "e": ["\u{0302}"], "o": ["\u{0302}"],
        "u": [], "y": [], "i": [], "ơ": [], "ư": [],
    ]

    static func character(forByte byte: UInt8) -> (Character, isUpper: Bool)? {
        if byte >= 0x80 {
            if let small = singles[byte] { return (small, false) }
            if byte >= 0xA0, let small = singles[byte &+ caseOffset] { return (Character(small.uppercased()), true) }
            return nil
        }
        let scalar = Unicode.Scalar(byte)
        let character = Character(scalar)
        return (character, character.isUppercase)
    }

    static func decode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let input = Array(bytes)
        var text = ""
        var index = 0
        while index < input.count {
            let byte = input[index]
            guard let (character, isUpper) = character(forByte: byte) else {
                text.unicodeScalars.append(Windows1252.scalar(byte))
                index += 1
                continue
            }
            let small = Character(character.lowercased())
            if let shapes = bases[small], index + 1 < input.count, let mark = mark(input[index + 1]),
               mark.shape.map({ shapes.contains($0) }) ?? true {
                var scalars = String(small).decomposedStringWithCanonicalMapping
                if let shape = mark.shape { scalars.unicodeScalars.append(shape) }
                if let tone = mark.tone { scalars.unicodeScalars.append(VietnameseLetters.toneMarks[tone]) }
                let letter = scalars.precomposedStringWithCanonicalMapping
                text += isUpper ? letter.uppercased() : letter
                index += 2
                continue
            }
            text.append(character)
            index += 1
        }
        return text
    }

    /// The meaning of a mark byte of either case.
    static func mark(_ byte: UInt8) -> (shape: Unicode.Scalar?, tone: Int?)? {
        if let mark = marks[byte] { return mark }
        if byte >= 0xA0, let mark = marks[byte &+ caseOffset] { return mark }
        return nil
    }

    static func encode(_ text: String) -> [UInt8] {
        var bytes = [UInt8]()
        for character in text.precomposedStringWithCanonicalMapping {
            if let ascii = character.asciiValue {
                bytes.append(ascii)
                continue
            }
            let isUpper = character.isUppercase
            let shift: UInt8 = isUpper ? caseOffset : 0
            let small = Character(character.lowercased())
            let (base, tone) = VietnameseLetters.splitTone(small)
            let toneIndex = tone.flatMap { VietnameseLetters.toneMarks.firstIndex(of: $0) }
            func ascii(_ letter: Character) -> UInt8 {
                (isUpper ? Character(letter.uppercased()) : letter).asciiValue ?? 0x3F
            }
            switch base {
            case "a", "e", "o", "u", "y":
                if base == "y" && toneIndex == 4 {
                    bytes.append(0xEE - shift)
                    break
                }
                bytes.append(ascii(Character(base)))
                if let toneIndex { bytes.append(toneMark[toneIndex] - shift) }
            case "â", "ê", "ô":
                let letter: Character = base == "â" ? "a" : base == "ê" ? "e" : "o"
                bytes.append(ascii(letter))
                bytes.append(circumflexMark[(toneIndex ?? -1) + 1] - shift)
            case "ă":
                bytes.append(ascii("a"))
                bytes.append(breveMark[(toneIndex ?? -1) + 1] - shift)
            case "ơ", "ư":
                bytes.append((base == "ơ" ? 0xF4 : 0xF6) - shift)
                if let toneIndex { bytes.append(toneMark[toneIndex] - shift) }
            case "i":
                let singleI: [UInt8] = [0xEC, 0xED, 0xE6, 0xF3, 0xF2]
                if let toneIndex { bytes.append(singleI[toneIndex] - shift) } else { bytes.append(ascii("i")) }
            case "đ":
                bytes.append(0xF1 - shift)
            default:
                bytes.append(0x3F)
            }
        }
        return bytes
    }
}
