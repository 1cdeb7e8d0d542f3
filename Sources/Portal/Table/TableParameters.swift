import Foundation
import HTTP
import Store

/// The attribute table's query parameters (`page`, `sort`, `dir`, `field`, `value`), checked
/// against the version's fields. What cannot be honoured falls back to the default and leaves a
/// notice for the page, never an error: an unknown field, a page that is not a number, a filter
/// text too long.
struct TableParameters: Equatable {
    /// Rows on one page.
    static let pageSize = 50
    /// Pages beyond this are read as the last page (and keep offsets far from overflow).
    static let maxPage = 10_000_000

    /// A notice for the page: a locale key and the parameter value it is about.
    struct Notice: Equatable {
        var key: String
        var value: String
    }

    var page = 1
    var sort: String?
    var descending = false
    /// The field the filter looks in; nil for any field.
    var filterField: String?
    /// NFC, trimmed; empty for no filter.
    var filterText = ""
    var notices: [Notice] = []

    /// Reads `request`'s parameters; field names must be among `fields`.
    init(_ request: Request, fields: [String]) {
        let known = Set(fields)
        if let raw = request.query("page"), !raw.isEmpty {
            if let number = Int(raw.trimmingCharacters(in: .whitespaces)), number >= 1 {
                page = min(number, Self.maxPage)
            } else {
                notices.append(Notice(key: "table_notice_bad_page", value: raw))
            }
        }
        if let raw = request.query("sort"), !raw.isEmpty {
            let name = raw.precomposedStringWithCanonicalMapping
            if known.contains(name) { sort = name } else { notices.append(Notice(key: "table_notice_unknown_sort", value: raw)) }
        }
        descending = sort != nil && request.query("dir") == "desc"
        let text = (request.query("value") ?? "").trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
        if text.count > FeatureRepository.maxFilterLength {
            notices.append(Notice(key: "table_notice_long_value", value: String(FeatureRepository.maxFilterLength)))
        }
        filterText = String(text.prefix(FeatureRepository.maxFilterLength))
        if let raw = request.query("field"), !raw.isEmpty {
            let name = raw.precomposedStringWithCanonicalMapping
            if known.contains(name) {
                filterField = name
            } else {
                notices.append(Notice(key: "table_notice_unknown_field", value: raw))
                filterText = ""
            }
        }
    }

    /// The store query for the current page.
    var query: AttributeQuery {
        AttributeQuery(sortField: sort, descending: descending, filterField: filterField,
                       filterText: filterText.isEmpty ? nil : filterText,
                       offset: (page - 1) * Self.pageSize, limit: Self.pageSize)
    }

    /// How many pages `total` rows fill (at least one).
    static func pageCount(_ total: Int) -> Int { max(1, (total + pageSize - 1) / pageSize) }

    /// The query items that reproduce these parameters with `page` and, when given, another sort.
    func items(page: Int, sort: (field: String, descending: Bool)? = nil) -> [(String, String)] {
        var out: [(String, String)] = []
        let order = sort ?? self.sort.map { ($0, descending) }
        if let order {
            out.append(("sort", order.field))
            if order.descending { out.append(("dir", "desc")) }
        }
        if !filterText.isEmpty {
            if let filterField { out.append(("field", filterField)) }
            out.append(("value", filterText))
        }
        if page > 1 { out.append(("page", String(page))) }
        return out
    }

    /// `base` (a path, perhaps with its own query) with `items` appended, percent-encoded in ASCII.
    static func url(_ base: String, _ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return base }
        let query = items.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
        return base + (base.contains("?") ? "&" : "?") + query
    }

    /// Letters, digits and `-._~` kept; every other byte percent-encoded (so Vietnamese text
    /// makes an ASCII address).
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
