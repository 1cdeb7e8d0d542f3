import Foundation

/// The text encodings Vietnamese data files arrive in.
///
/// Besides UTF-8, Vietnamese offices still produce files in three legacy 8-bit encodings:
/// Windows-1258 (Microsoft's, with combining tone marks), TCVN3 (the national standard
/// TCVN 5712:1993 VN3, "ABC" fonts) and VNI-Windows (the VNI fonts, base letters followed by
/// mark bytes). Windows-1252 covers the western files DBFs from abroad declare in a .cpg.
/// Every decoder returns NFC text.
public enum TextEncoding: String, Sendable, Equatable, CaseIterable {
    case utf8
    case windows1258
    case tcvn3
    case vniWindows
    case windows1252

    /// The candidates tried when detecting the encoding of Vietnamese text, in the order
    /// that breaks ties.
    public static let detectionCandidates: [TextEncoding] = [.utf8, .windows1258, .tcvn3, .vniWindows]

    /// A name for the upload form.
    public var displayName: String {
        switch self {
        case .utf8: return "UTF-8 (Unicode)"
        case .windows1258: return "Windows-1258"
        case .tcvn3: return "TCVN3 (ABC)"
        case .vniWindows: return "VNI-Windows"
        case .windows1252: return "Windows-1252 (Latin-1)"
        }
    }

    /// The encoding a .cpg file or a GeoPackage/GeoJSON declaration names: "UTF-8", "65001",
    /// "1258", "CP1258", "ANSI 1258", "ISO-8859-1", "TCVN3", "VNI"… nil for anything else.
    public init?(codePageName: String) {
        let name = codePageName.trimmingCharacters(in: .whitespacesAndNewlines)
            .lowercased()
            .replacingOccurrences(of: "-", with: "")
            .replacingOccurrences(of: "_", with: "")
            .replacingOccurrences(of: " ", with: "")
        switch name {
        case "utf8", "65001", "cp65001", "unicode", "utf8bom":
            self = .utf8
        case "1258", "cp1258", "windows1258", "ansi1258", "win1258":
            self = .windows1258
        case "1252", "cp1252", "windows1252", "ansi1252", "iso88591", "latin1", "88591", "ansi", "win1252":
            self = .windows1252
        case "tcvn3", "tcvn", "abc", "tcvn5712", "vn3", "tcvn57121993":
            self = .tcvn3
        case "vni", "vniwindows", "vniwin":
            self = .vniWindows
        default:
            return nil
        }
    }

    /// `bytes` decoded to NFC text. Bytes the encoding does not define become U+FFFD for
    /// UTF-8, and their Windows-1252 reading for the 8-bit encodings.
    public func decode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let text: String
        switch self {
        case .utf8:
            text = String(decoding: bytes, as: UTF8.self)
        case .windows1258:
            text = Windows1258.decode(bytes)
        case .tcvn3:
            text = TCVN3.decode(bytes)
        case .vniWindows:
            text = VNIWindows.decode(bytes)
        case .windows1252:
            text = Windows1252.decode(bytes)
        }
        return text.precomposedStringWithCanonicalMapping
    }

    /// `text` encoded; characters the encoding cannot hold become "?". TCVN3 has no capital
    /// letters with tone marks (they were drawn by switching to an upper-case font), so it
    /// writes them with the small letter's code.
    public func encode(_ text: String) -> [UInt8] {
        switch self {
        case .utf8: return Array(text.precomposedStringWithCanonicalMapping.utf8)
        case .windows1258: return Windows1258.encode(text)
        case .tcvn3: return TCVN3.encode(text)
        case .vniWindows: return VNIWindows.encode(text)
        case .windows1252: return Windows1252.encode(text)
        }
    }
}

/// Whether `bytes` are well-formed UTF-8, and whether they hold any multi-byte sequence.
func utf8Validity<Bytes: Collection>(_ bytes: Bytes) -> (valid: Bool, hasMultibyte: Bool) where Bytes.Element == UInt8 {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    var multibyte = false
    while true {
        switch decoder.decode(&iterator) {
        case .scalarValue(let scalar):
            if scalar.value >= 0x80 { multibyte = true }
        case .emptyInput:
            return (true, multibyte)
        case .error:
            return (false, multibyte)
        }
    }
}

/// Windows-1252, the western code page: Latin-1 with typographic marks in 0x80–0x9F.
enum Windows1252 {
    /// The characters of 0x80–0x9F; nil where the code page leaves a hole.
    static let high: [Unicode.Scalar?] = [
        "\u{20AC}", nil, "\u{201A}", "\u{0192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}",
        "\u{02C6}", "\u{2030}", "\u{0160}", "\u{2039}", "\u{0152}", nil, "\u{017D}", nil,
        nil, "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2022}", "\u{2013}", "\u{2014}",
        "\u{02DC}", "\u{2122}", "\u{0161}", "\u{203A}", "\u{0153}", nil, "\u{017E}", "\u{0178}",
    ]

    static func scalar(_ byte: UInt8) -> Unicode.Scalar {
        if byte >= 0x80 && byte < 0xA0 {
            return high[Int(byte - 0x80)] ?? Unicode.Scalar(byte)
        }
        return Unicode.Scalar(byte)
    }

    static func decode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(scalar(byte)) }
        return String(scalars)
    }

    static let reverse: [Unicode.Scalar: UInt8] = {
        var table = [Unicode.Scalar: UInt8]()
        for byte in UInt8(0x80)...UInt8(0x9F) {
            if let scalar = high[Int(byte - 0x80)] { table[scalar] = byte }
        }
        return table
    }()

    static func encode(_ text: String) -> [UInt8] {
        var bytes = [UInt8]()
        for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.value < 0x80 || (scalar.value >= 0xA0 && scalar.value <= 0xFF) {
                bytes.append(UInt8(scalar.value))
            } else {
                bytes.append(reverse[scalar] ?? 0x3F)
            }
        }
        return bytes
    }
}
