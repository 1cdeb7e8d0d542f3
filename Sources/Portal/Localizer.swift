import Foundation
import HTTP

/// A language the interface speaks.
public enum Language: String, Sendable, CaseIterable {
    case vi, en
}

/// Interface strings: a folder per language in `locales/` (`vi/`, `en/`), each holding JSON files
/// of flat key → text, one file per area of the portal (`common.json`, `map.json`, …), merged.
/// Vietnamese is the default. Every language must define exactly the same keys: a missing
/// translation is a start-up error, not a blank on a page.
public struct Localizer: Sendable {
    let tables: [Language: [String: String]]

    public init(directory: String) throws(PortalError) {
        var tables: [Language: [String: String]] = [:]
        for locale in Language.allCases {
            let folder = "\(directory)/\(locale.rawValue)"
            guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
                throw .locale("missing folder \(folder)")
            }
            var table: [String: String] = [:]
            for file in files.sorted() where file.hasSuffix(".json") {
                let path = folder + "/" + file
                guard let data = FileManager.default.contents(atPath: path),
                      let part = (try? JSONSerialization.jsonObject(with: data)) as? [String: String] else {
                    throw .locale("\(path) is not a flat JSON object of strings")
                }
                for (key, value) in part {
                    if table[key] != nil { throw .locale("\(locale.rawValue): key \(key) is defined twice (\(file))") }
                    table[key] = value
                }
            }
            if table.isEmpty { throw .locale("\(folder) holds no strings") }
            tables[locale] = table
        }
        let reference = Set((tables[.vi] ?? [:]).keys)
        for (locale, table) in tables where Set(table.keys) != reference {
            let missing = reference.subtracting(table.keys).sorted()
            let extra = Set(table.keys).subtracting(reference).sorted()
            throw .locale("\(locale.rawValue)/ differs from vi/: missing \(missing), extra \(extra)")
        }
        self.tables = tables
    }

    /// The table of strings for `locale`.
    public func strings(_ locale: Language) -> [String: String] { tables[locale] ?? [:] }

    /// One string; the key itself if it is unknown (never empty).
    public func text(_ key: String, _ locale: Language) -> String { tables[locale]?[key] ?? key }

    /// The locale a request asks for: the `lang` cookie, then `Accept-Language`, then Vietnamese.
    public static func language(for request: Request) -> Language {
        if let context = request.context as? RequestContext { return context.language }
        return negotiate(request)
    }

    /// The language of the `lang` cookie, else the best of Accept-Language, else Vietnamese.
    static func negotiate(_ request: Request) -> Language {
        if let cookie = request.cookies["lang"], let locale = Language(rawValue: cookie) { return locale }
        if let header = request.headers["Accept-Language"] {
            let ranked = header.split(separator: ",").compactMap { part -> (String, Double)? in
                let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { return nil }
                var quality = 1.0
                for piece in pieces.dropFirst() where piece.hasPrefix("q=") {
                    quality = Double(piece.dropFirst(2)) ?? 0
                }
                return (String(tag.prefix { $0 != "-" }), quality)
            }.sorted { $0.1 > $1.1 }
            for (tag, quality) in ranked where quality > 0 {
                if let locale = Language(rawValue: tag) { return locale }
            }
        }
        return .vi
    }
}
