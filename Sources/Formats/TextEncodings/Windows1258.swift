import Foundation

/// Windows-1258, Microsoft's Vietnamese code page.
///
/// Design note: the code page holds the vowels with their shape marks (â ă ê ô ơ ư) and a
/// few Latin-1 letters with tones (á, à, é…), but most toned letters are written as a base
/// letter followed by one of five combining tone marks (0xCC grave, 0xEC acute, 0xD2 hook,
/// 0xDE tilde, 0xF2 dot below). Decoding maps bytes to Unicode one to one and lets NFC
/// compose the pairs; encoding splits each letter into its base and tone, writing the
/// letter whole when the code page has it.
enum Windows1258 {
    /// The characters of 0x80–0xFF; nil where the code page leaves a hole.
    static let high: [Unicode.Scalar?] = [
        // 0x80
        "\u{20AC}", nil, "\u{201A}", "\u{0192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}",
        "\u{02C6}", "\u{2030}", nil, "\u{2039}", "\u{0152}", nil, nil, nil,
        // 0x90
        nil, "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2022}", "\u{2013}", "\u{2014}",
        "\u{02DC}", "\u{2122}", nil, "\u{203A}", "\u{0153}", nil, nil, "\u{0178}",
        // 0xA0
        "\u{00A0}", "\u{00A1}", "\u{00A2}", "\u{00A3}", "\u{00A4}", "\u{00A5}", "\u{00A6}", "\u{00A7}",
        "\u{00A8}", "\u{00A9}", "\u{00AA}", "\u{00AB}", "\u{00AC}", "\u{00AD}", "\u{00AE}", "\u{00AF}",
        // 0xB0
        "\u{00B0}", "\u{00B1}", "\u{00B2}", "\u{00B3}", "\u{00B4}", "\u{00B5}", "\u{00B6}", "\u{00B7}",
        "\u{00B8}", "\u{00B9}", "\u{00BA}", "\u{00BB}", "\u{00BC}", "\u{00BD}", "\u{00BE}", "\u{00BF}",
        // 0xC0
        "\u{00C0}", "\u{00C1}", "\u{00C2}", "\u{0102}", "\u{00C4}", "\u{00C5}", "\u{00C6}", "\u{00C7}",
        "\u{00C8}", "\u{00C9}", "\u{00CA}", "\u{00CB}", "\u{0300}", "\u{00CD}", "\u{00CE}", "\u{00CF}",
        // 0xD0
        "\u{0110}", "\u{00D1}", "\u{0309}", "\u{00D3}", "\u{00D4}", "\u{01A0}", "\u{00D6}", "\u{00D7}",
        "\u{00D8}", "\u{00D9}", "\u{00DA}", "\u{00DB}", "\u{00DC}", "\u{01AF}", "\u{0303}", "\u{00DF}",
        // 0xE0
        "\u{00E0}", "\u{00E1}", "\u{00E2}", "\u{0103}", "\u{00E4}", "\u{00E5}", "\u{00E6}", "\u{00E7}",
        "\u{00E8}", "\u{00E9}", "\u{00EA}", "\u{00EB}", "\u{0301}", "\u{00ED}", "\u{00EE}", "\u{00EF}",
        // 0xF0
        "\u{0111}", "\u{00F1}", "\u{0323}", "\u{00F3}", "\u{00F4}", "\u{01A1}", "\u{00F6}", "\u{00F7}",
        "\u{00F8}", "\u{00F9}", "\u{00FA}", "\u{00FB}", "\u{00FC}", "\u{01B0}", "\u{20AB}", "\u{00FF}",
    ]

    /// The five Vietnamese tones as combining marks, each with its byte.
    static let toneBytes: [Unicode.Scalar: UInt8] = [
        "\u{0300}": 0xCC, "\u{0301}": 0xEC, "\u{0309}": 0xD2, "\u{0303}": 0xDE, "\u{0323}": 0xF2,
    ]

    static func decode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if byte < 0x80 {
                scalars.append(Unicode.Scalar(byte))
            } else {
                scalars.append(high[Int(byte - 0x80)] ?? Windows1252.scalar(byte))
            }
        }
        return String(scalars)
    }

    /// Unicode scalar → byte for every character the code page holds.
    static let reverse: [Unicode.Scalar: UInt8] = {
        var table = [Unicode.Scalar: UInt8]()
        for index in 0..<high.count {
            if let scalar = high[index] { table[scalar] = UInt8(0x80 + index) }
        }
        return table
    }()

    static func encode(_ text: String) -> [UInt8] {
        var bytes = [UInt8]()
        for character in text.precomposedStringWithCanonicalMapping {
            let scalars = character.unicodeScalars
            if scalars.count == 1, let only = scalars.first {
                if only.value < 0x80 {
                    bytes.append(UInt8(only.value))
                    continue
                }
                if let byte = reverse[only] {
                    bytes.append(byte)
                    continue
                }
            }
            let (base, tone) = VietnameseLetters.splitTone(character)
            guard base.unicodeScalars.count == 1, let scalar = base.unicodeScalars.first,
                  let baseByte = scalar.value < 0x80 ? UInt8(scalar.value) : reverse[scalar] else {
                bytes.append(0x3F)
                continue
            }
            bytes.append(baseByte)
            if let tone, let toneByte = toneBytes[tone] { bytes.append(toneByte) }
        }
        return bytes
    }
}
