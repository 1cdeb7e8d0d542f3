import Foundation
import HTTP
import Store

extension Portal {
    /// `/layers/{slug}/table?version=N&page=P&sort=FIELD&dir=asc|desc&field=F&value=V`: the
    /// attribute table of the published version, or of version N for those who may see it.
    /// A version the visitor may not see answers exactly as a missing layer.
    func attributeTablePage(_ request: Request) throws -> Response {
        let slug = request.parameters["slug"] ?? ""
        let language = Localizer.language(for: request)
        var number: Int?
        if let raw = request.query("version"), !raw.isEmpty {
            guard let parsed = Self.versionNumber(raw) else {
                throw HTTPError(400, localizer.text("table_error_bad_version", language).replacingOccurrences(of: "{value}", with: raw))
            }
            number = parsed
        }
        let (layer, version) = try authorizedVersion(slug, number: number, request, published: .viewData)
        let may = layerPermissions(layer, request)
        var context: [String: Any] = ["layer": ["slug": layer.slug, "title": layer.title], "may": may]
        if let version {
            let published = Self.isPublished(version, of: layer)
            let base = published && number == nil ? "/layers/\(layer.slug)/table" : "/layers/\(layer.slug)/table?version=\(version.number)"
            context["table"] = try attributeTableContext(layer, version: version, request, baseURL: base)
            context["version"] = versionContext(version, published: published, language)
            if published && may["download"] == true {
                context["download_url"] = "/layers/\(layer.slug)/download.geojson"
            } else if !published && may["view_pending"] == true {
                context["download_url"] = "/layers/\(layer.slug)/versions/\(version.number)/download.geojson"
            }
            if let done = request.query("done"), ["edited", "deleted"].contains(done) {
                context["done"] = localizer.text("table_done_\(done)", language)
                    .replacingOccurrences(of: "{number}", with: String(version.number))
            }
        } else {
            context["no_published"] = true
        }
        if may["view_pending"] == true {
            let current = version?.number
            let history = try VersionRepository(database).history(layerID: layer.id)
            context["has_versions"] = !history.isEmpty
            context["versions"] = history.map { other -> [String: Any] in
                [
                    "number": other.number,
                    "status": localizer.text("table_status_\(other.status.rawValue)", language),
                    "url": "/layers/\(layer.slug)/table?version=\(other.number)",
                    "current": other.number == current,
                ]
            }
        }
        let title = "\(localizer.text("table_title", language)) · \(layer.title)"
        return page("layer_table", request, title: title, context)
    }

    /// The attribute table of `version` for the `attribute_table` partial (put it under the
    /// key `table` and render `{{>attribute_table}}`): columns in source order with sort links
    /// (numeric ones right-aligned like their values), one page of rows linking to their
    /// feature pages, page links, the filter form, and notices for parameters that could not
    /// be honoured. Reads `page`, `sort`, `dir`, `field` and
    /// `value` from `request`. `baseURL` is the address the links and the filter form lead to
    /// (a path, perhaps with its own query, such as `/layers/x/table?version=5`).
    ///
    /// The caller decides who may see `version`; this function does not ask the policy.
    func attributeTableContext(_ layer: LayerSummary, version: VersionRecord, _ request: Request,
                               baseURL: String) throws -> [String: Any] {
        let language = Localizer.language(for: request)
        let features = FeatureRepository(database)
        let versionFields = try features.fields(versionID: version.id)
        let fields = versionFields.map(\.name)
        var parameters = TableParameters(request, fields: fields)
        var result = try tables.orders.page(features, version: version, fields: fields, query: parameters.query)
        let pages = TableParameters.pageCount(result.total)
        if parameters.page > pages {
            parameters.notices.append(.init(key: "table_notice_page_out_of_range", value: String(parameters.page)))
            parameters.page = pages
            result = try tables.orders.page(features, version: version, fields: fields, query: parameters.query)
        }
        let yes = localizer.text("table_true", language), no = localizer.text("table_false", language)
        let rows: [[String: Any]] = result.rows.map { row in
            [
                "id": row.id,
                "url": "/layers/\(layer.slug)/features/\(row.id)",
                "cells": row.values.map { value -> [String: Any] in
                    ["text": PropertyText.display(value, yes: yes, no: no, language), "num": PropertyText.isNumber(value)]
                },
            ]
        }
        let columns: [[String: Any]] = versionFields.map { field in
            let name = field.name
            let sorted = parameters.sort == name
            let nextDescending = sorted && !parameters.descending
            return [
                "name": name,
                "num": PropertyText.isNumeric(field.kind),
                "sort_url": TableParameters.url(baseURL, parameters.items(page: 1, sort: (name, nextDescending))),
                "sorted_asc": sorted && !parameters.descending,
                "sorted_desc": sorted && parameters.descending,
                "aria_sort": sorted ? (parameters.descending ? "descending" : "ascending") : "none",
            ]
        }
        let first = result.rows.isEmpty ? 0 : (parameters.page - 1) * TableParameters.pageSize + 1
        let (action, hidden) = Self.splitURL(baseURL)
        var context: [String: Any] = [
            "version_number": version.number,
            "columns": columns,
            "has_columns": !columns.isEmpty,
            "rows": rows,
            "has_rows": !rows.isEmpty,
            "total": Self.formatCount(result.total, language),
            "range": localizer.text("table_range", language)
                .replacingOccurrences(of: "{first}", with: Self.formatCount(first, language))
                .replacingOccurrences(of: "{last}", with: Self.formatCount(first == 0 ? 0 : first + rows.count - 1, language))
                .replacingOccurrences(of: "{total}", with: Self.formatCount(result.total, language)),
            "page": parameters.page,
            "pages": pages,
            "multiple_pages": pages > 1,
            "page_links": Self.pageWindow(parameters.page, of: pages).map { number -> [String: Any] in
                guard let number else { return ["gap": true] }
                return ["number": number, "current": number == parameters.page,
                        "url": TableParameters.url(baseURL, parameters.items(page: number))]
            },
            "action": action,
            "hidden": (hidden + parameters.items(page: 1).filter { ["sort", "dir"].contains($0.0) }).map {
                ["name": $0.0, "value": $0.1]
            },
            "filter_fields": fields.map { ["name": $0, "selected": $0 == parameters.filterField] },
            "filter_value": parameters.filterText,
            "filtered": !parameters.filterText.isEmpty,
            "clear_url": baseURL,
            "notices": parameters.notices.map { notice in
                ["text": localizer.text(notice.key, language).replacingOccurrences(of: "{value}", with: notice.value)]
            },
        ]
        if parameters.page > 1 {
            context["prev_url"] = TableParameters.url(baseURL, parameters.items(page: parameters.page - 1))
        }
        if parameters.page < pages {
            context["next_url"] = TableParameters.url(baseURL, parameters.items(page: parameters.page + 1))
        }
        if let sort = parameters.sort { context["sort"] = ["field": sort, "descending": parameters.descending] }
        return context
    }

    /// The version line of a page: number, status in words, whether it is the published one.
    func versionContext(_ version: VersionRecord, published: Bool, _ language: Language) -> [String: Any] {
        [
            "number": version.number,
            "status": localizer.text("table_status_\(version.status.rawValue)", language),
            "published": published,
            "created_at": DisplayTime.local(version.createdAt),
            "source": version.sourceName ?? "",
            "features": Self.formatCount(version.featureCount, language),
        ]
    }

    /// Page numbers to link around `page`: the first, the last, and two either side; nil marks a gap.
    static func pageWindow(_ page: Int, of pages: Int) -> [Int?] {
        var wanted = Set([1, pages])
        for number in (page - 2)...(page + 2) where (1...pages).contains(number) { wanted.insert(number) }
        var out: [Int?] = []
        for number in wanted.sorted() {
            if let last = out.last ?? nil, number > last + 1 { out.append(nil) }
            out.append(number)
        }
        return out
    }

    /// A URL's path and its query items (percent-decoded), for a GET form that must keep them.
    static func splitURL(_ url: String) -> (String, [(String, String)]) {
        let parts = url.split(separator: "?", maxSplits: 1)
        guard parts.count == 2 else { return (url, []) }
        let items = parts[1].split(separator: "&").map { pair -> (String, String) in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(kv[0]).removingPercentEncoding ?? String(kv[0])
            let value = kv.count > 1 ? (String(kv[1]).removingPercentEncoding ?? String(kv[1])) : ""
            return (name, value)
        }
        return (String(parts[0]), items)
    }
}
