import Foundation

/// The Vietnamese alphabet and syllable structure, used to split letters into base and
/// tone (for the legacy encoders) and to judge whether decoded text reads as Vietnamese
/// (for encoding detection).
///
/// Design note: a Vietnamese syllable is (initial consonant) + vowel nucleus + (final
/// consonant) with at most one tone mark. Text decoded with the wrong legacy encoding
/// breaks that shape almost everywhere: two tone marks in a word, letters such as "µ" or
/// "Ö" that Vietnamese never uses, "c" before "e". Checking each word against the shape is
/// enough to rank encodings without a dictionary.
public enum VietnameseLetters {
    /// The five tone marks as Unicode combining marks, in the order grave (huyền), acute
    /// (sắc), hook above (hỏi), tilde (ngã), dot below (nặng).
    public static let toneMarks: [Unicode.Scalar] = ["\u{0300}", "\u{0301}", "\u{0309}", "\u{0303}", "\u{0323}"]

    /// The twelve vowels that carry tones, lower case.
    public static let vowels: [String] = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]

    /// The 134 precomposed letters Vietnamese adds to ASCII: the twelve vowels with each of
    /// the five tones, ă â ê ô ơ ư bare, and đ, in lower and upper case.
    public static let precomposedLetters: [Character] = {
        var lower = [Character]()
        for vowel in vowels {
            if vowel.unicodeScalars.first.map({ $0.value >= 0x80 }) == true { lower.append(Character(vowel)) }
            for tone in toneMarks {
                lower.append(Character((vowel + String(tone)).precomposedStringWithCanonicalMapping))
            }
        }
        lower.append("đ")
        return lower + lower.map { Character($0.uppercased()) }
    }()

    /// The letter without its tone mark (keeping ˆ ˘ ơ ư shapes) and the tone mark, if any.
    public static func splitTone(_ character: Character) -> (base: String, tone: Unicode.Scalar?) {
        var tone: Unicode.Scalar?
        var rest = String.UnicodeScalarView()
        for scalar in String(character).decomposedStringWithCanonicalMapping.unicodeScalars {
            if toneMarks.contains(scalar) {
                tone = scalar
            } else {
                rest.append(scalar)
            }
        }
        return (String(rest).precomposedStringWithCanonicalMapping, tone)
    }

    static let initials = ["ngh", "ng", "gh", "gi", "kh", "nh", "ph", "th", "tr", "ch", "qu",
                           "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", ""]
    static let finals = ["ng", "nh", "ch", "c", "m", "n", "p", "t", ""]
    /// Nuclei that end in a glide (or are ia/ua/ưa) and so take no final consonant.
    static let openNuclei: Set<String> = [
        "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "iu", "oi", "ôi", "ơi", "ui", "ưi", "ưu",
        "iêu", "oai", "oay", "oeo", "uây", "uôi", "ươi", "ươu", "uyu", "yêu", "ia", "ua", "ưa", "uya",
    ]
    /// Nuclei that need a final consonant.
    static let closedNuclei: Set<String> = ["ă", "â", "iê", "yê", "uô", "ươ", "oă", "uâ", "uyê"]
    /// Nuclei that may end the syllable or take a final.
    static let freeNuclei: Set<String> = [
        "a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "oa", "oe", "oo", "uê", "uơ", "uy", "ue",
    ]
    static let stopFinals: Set<String> = ["c", "ch", "p", "t"]
    static let frontVowels: Set<Character> = ["e", "ê", "i", "y"]

    /// Whether `word` (letters only, any case) has the shape of one Vietnamese syllable.
    public static func isSyllable(_ word: String) -> Bool {
        var base = ""
        var tone: Unicode.Scalar?
        var tonePosition: Int?
        for character in word.lowercased() {
            // NFC text holds every Vietnamese letter as one scalar; more means a stray mark.
            guard character.unicodeScalars.count == 1 else { return false }
            let (letter, mark) = splitTone(character)
            if let mark {
                if tone != nil { return false }
                tone = mark
                tonePosition = base.count
            }
            base += letter
        }
        guard !base.isEmpty, base.count <= 7 else { return false }
        for initial in initials where base.hasPrefix(initial) {
            let afterInitial = base.dropFirst(initial.count)
            for final in finals where afterInitial.hasSuffix(final) && afterInitial.count > final.count {
                let nucleus = String(afterInitial.dropLast(final.count))
                let position = tonePosition.map { $0 - initial.count }
                if fits(initial: initial, nucleus: nucleus, final: final, tone: tone, tonePosition: position) { return true }
            }
        }
        return false
    }

    /// Whether the parts make a syllable; `tonePosition` is the toned letter's index in the
    /// nucleus. The tone sits on a vowel of the nucleus, never on the closing glide of an
    /// open nucleus ("hàu" is not Vietnamese, "hầu" is).
    static func fits(initial: String, nucleus: String, final: String, tone: Unicode.Scalar?, tonePosition: Int?) -> Bool {
        if let tonePosition, tonePosition < 0 || tonePosition >= nucleus.count { return false }
        if final.isEmpty {
            guard openNuclei.contains(nucleus) || freeNuclei.contains(nucleus) else { return false }
            if openNuclei.contains(nucleus), nucleus.count >= 2, tonePosition == nucleus.count - 1 { return false }
        } else {
            guard closedNuclei.contains(nucleus) || freeNuclei.contains(nucleus) else { return false }
        }
        if stopFinals.contains(final), let tone, tone != "\u{0301}" && tone != "\u{0323}" { return false }
        if stopFinals.contains(final) && tone == nil { return false }
        guard let first = nucleus.first else { return false }
        let front = frontVowels.contains(first)
        switch initial {
        case "c": return !front
        case "k": return front
        case "gh", "ngh": return front && first != "y"
        case "g", "ng": return !(first == "e" || first == "ê")
        case "qu": return !(first == "u" && nucleus.count == 1)
        default: return true
        }
    }

    /// Characters other than letters that Vietnamese text uses beyond ASCII.
    static let ordinarySymbols: Set<Character> = [
        "–", "—", "‘", "’", "“", "”", "…", "°", "₫", "€", "•", "\u{00A0}", "№",
    ]
}
