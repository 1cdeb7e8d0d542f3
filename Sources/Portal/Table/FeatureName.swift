import Foundation
import Store

/// The name a feature goes by on its page, from its attributes: the first non-empty text of a
/// field called `ten` (or `tên`, `Tên`…), else of a field `ten_…` (`ten_xa`, `Tên cơ sở`…),
/// else `name`, else `name_…` — names compared without case or diacritics. Nil when there is none.
enum FeatureName {
    /// The name, trimmed; nil when no name-like field holds text.
    static func of(_ properties: [(String, StoredProperty)]) -> String? {
        let named = properties.compactMap { field, value -> (rank: Int, text: String)? in
            guard case .text(let raw) = value else { return nil }
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty, let rank = rank(field) else { return nil }
            return (rank, text)
        }
        return named.min { $0.rank < $1.rank }?.text
    }

    /// How name-like a field name is: 0 for `ten`, 1 for `ten_…`, 2 for `name`, 3 for `name_…`;
    /// nil for any other.
    static func rank(_ field: String) -> Int? {
        let folded = FeatureRepository.fold(field.trimmingCharacters(in: .whitespaces))
        for (index, stem) in ["ten", "name"].enumerated() {
            if folded == stem { return index * 2 }
            if folded.hasPrefix(stem), let next = folded.dropFirst(stem.count).first, "_- .".contains(next) {
                return index * 2 + 1
            }
        }
        return nil
    }
}
