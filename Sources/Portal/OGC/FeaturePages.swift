/// Pages of OGC API items as GeoJSON, kept in memory by version and query. A version's
/// features never change (an edit makes a new version, and the published one is found before
/// the page is looked up), so a page is never stale: the least recently used are evicted past
/// the budget (`BANDO_ITEM_PAGES_MB`, default 32 MB; 0 keeps none). The access policy and the
/// token audit run on every request, before and after the lookup.
enum FeaturePages {
    struct Page: Sendable {
        let matched: Int
        let returned: Int
        /// The features, comma-separated, without the enclosing brackets.
        let features: String
    }

    static let defaultBytes = 32 << 20
    /// Pages larger than this are not kept.
    static let maxPageBytes = 2 << 20

    static func configuredBytes(_ environment: [String: String]) -> Int {
        configuredMemoryBudget("BANDO_ITEM_PAGES_MB", defaultBytes: defaultBytes, environment)
    }

    /// Everything that decides a page's features: the version, the output system, the box, the
    /// attribute filters, the offset and the limit.
    static func key(versionID: Int64, query: FeaturesQuery) -> String {
        var key = "\(versionID)\u{0}\(query.crs.uri)\u{0}\(query.offset)\u{0}\(query.limit)\u{0}"
        if let box = query.bbox { key += "\(box.minX),\(box.minY),\(box.maxX),\(box.maxY)" }
        for (field, value) in query.equals { key += "\u{0}\(field)\u{1}\(value)" }
        return key
    }
}
