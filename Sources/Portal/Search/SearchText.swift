import Foundation
import Store

/// What a person typed in the search box, folded as the attribute filter folds text (case,
/// Vietnamese marks and đ ignored: "bac giang", "Bắc Giang" and "BAC GIANG" read the same), cut
/// into words. A text matches when every word of the query begins one of its words, in any
/// order: "truong hoc" finds "Trường Tiểu học".
struct SearchText: Sendable, Equatable {
    /// The query's words, folded, at most `maxWords`.
    let words: [String]

    /// Queries are cut to this many characters, and to this many words.
    static let maxLength = 200
    static let maxWords = 8

    init(_ query: String) {
        let cut = String(query.prefix(Self.maxLength))
        words = Array(Self.words(of: cut).prefix(Self.maxWords))
    }

    var isEmpty: Bool { words.isEmpty }

    /// The folded words of `text`: runs of letters and digits.
    static func words(of text: String) -> [String] {
        FeatureRepository.fold(text)
            .split { !($0.isLetter || $0.isNumber) }
            .map(String.init)
    }

    /// How well `fields` match, best first in meaning: nil when some query word begins no word
    /// of any field; otherwise a rank, lower better — 0 when the first field (a name, a title)
    /// holds every word and begins with the first, 1 when it holds every word, 2 when the words
    /// are spread over the fields.
    func rank(_ fields: [String]) -> Int? {
        guard !words.isEmpty else { return nil }
        let folded = fields.map(Self.words(of:))
        let all = folded.flatMap { $0 }
        guard words.allSatisfy({ word in all.contains { $0.hasPrefix(word) } }) else { return nil }
        let name = folded.first ?? []
        guard words.allSatisfy({ word in name.contains { $0.hasPrefix(word) } }) else { return 2 }
        return name.first?.hasPrefix(words[0]) == true ? 0 : 1
    }
}
