import Foundation

/// One possible reading of a file's text, with how plausible it looks (0…1).
public struct EncodingCandidate: Sendable, Equatable {
    public var encoding: TextEncoding
    public var score: Double

    public init(encoding: TextEncoding, score: Double) {
        self.encoding = encoding
        self.score = score
    }
}

/// Guesses which encoding a file's text bytes are in.
///
/// Design note: well-formed UTF-8 holding multi-byte sequences is UTF-8: legacy Vietnamese
/// text almost never forms valid UTF-8 by chance. Otherwise every candidate decodes the
/// sample and the results are scored by `plausibility(of:)`: words with letters beyond
/// ASCII must have the shape of a Vietnamese syllable, and symbols, control characters,
/// replacement characters and stray combining marks count against. Pure ASCII scores 1
/// everywhere, and ties keep the candidates' order (a hint first, then UTF-8).
public enum EncodingDetector {
    /// Bytes looked at; more adds time, not accuracy.
    public static let sampleLimit = 256 * 1024

    /// The candidates ranked best first, each with its score. `hint` (a DBF language driver,
    /// say) wins ties.
    public static func rank<Bytes: Collection>(_ sample: Bytes, hint: TextEncoding? = nil,
                                               candidates: [TextEncoding] = TextEncoding.detectionCandidates)
        -> [EncodingCandidate] where Bytes.Element == UInt8 {
        let bytes = Array(sample.prefix(sampleLimit))
        var ordered = candidates
        if let hint, let index = ordered.firstIndex(of: hint) {
            ordered.remove(at: index)
            ordered.insert(hint, at: 0)
        }
        let (valid, multibyte) = utf8Validity(bytes)
        var scored = [(candidate: EncodingCandidate, good: Double, order: Int)]()
        for (order, encoding) in ordered.enumerated() {
            let (good, bad) = evidence(in: encoding.decode(bytes))
            var score = good + bad == 0 ? 1 : good / (good + bad)
            if encoding == .utf8 {
                if valid && multibyte { score = 1 } else if !valid { score = min(score, 0.5) }
            }
            scored.append((EncodingCandidate(encoding: encoding, score: score), good, order))
        }
        let utf8First = valid && multibyte
        scored.sort { left, right in
            if utf8First, left.candidate.encoding == .utf8 || right.candidate.encoding == .utf8 {
                return left.candidate.encoding == .utf8
            }
            if left.candidate.score != right.candidate.score { return left.candidate.score > right.candidate.score }
            if left.good != right.good { return left.good > right.good }
            return left.order < right.order
        }
        return scored.map(\.candidate)
    }

    /// The best encoding for `sample`; see `rank(_:hint:candidates:)`.
    public static func detect<Bytes: Collection>(_ sample: Bytes, hint: TextEncoding? = nil) -> TextEncoding
        where Bytes.Element == UInt8 {
        rank(sample, hint: hint).first?.encoding ?? .utf8
    }

    /// How much `text` reads like Vietnamese (or plain ASCII): the share of good evidence
    /// (words beyond ASCII shaped like syllables) among all evidence, 1 when there is none.
    public static func plausibility(of text: String) -> Double {
        let (good, bad) = evidence(in: text)
        return good + bad == 0 ? 1 : good / (good + bad)
    }

    /// Good evidence (syllable-shaped words beyond ASCII) and bad evidence (other words
    /// beyond ASCII, odd symbols, control and replacement characters, stray marks).
    static func evidence(in text: String) -> (good: Double, bad: Double) {
        var good = 0.0
        var bad = 0.0
        var word = ""
        var verdicts = [String: Bool]()
        func endWord() {
            guard !word.isEmpty else { return }
            if word.unicodeScalars.contains(where: { $0.value >= 0x80 }) {
                let valid: Bool
                if let known = verdicts[word] {
                    valid = known
                } else {
                    valid = VietnameseLetters.isSyllable(word)
                    verdicts[word] = valid
                }
                if valid { good += 1 } else { bad += 1 }
            }
            word = ""
        }
        for character in text {
            if character.isLetter {
                word.append(character)
                continue
            }
            endWord()
            if character.isASCII {
                if let ascii = character.asciiValue, ascii < 0x20 && ascii != 0x09 && ascii != 0x0A && ascii != 0x0D {
                    bad += 2
                }
                continue
            }
            if character == "\u{FFFD}" {
                bad += 2
            } else if character.unicodeScalars.contains(where: { $0.properties.canonicalCombiningClass.rawValue != 0 }) {
                bad += 2
            } else if !VietnameseLetters.ordinarySymbols.contains(character) && !character.isWhitespace {
                bad += 1
            }
        }
        endWord()
        return (good, bad)
    }
}
