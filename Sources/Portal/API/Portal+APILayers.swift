import Foundation
import Formats
import HTTP
import Store

/// The API's reads of layers: the list (filters and paging, in SQL's visibility as the pages
/// list them), one layer's metadata with its download and service links, its versions, and its
/// published features as paged GeoJSON (a download: it needs the download right).
extension Portal {
    static let apiDefaultLimit = 50
    static let apiMaxLimit = 500
    static let apiMaxFeatureLimit = 10_000

    /// `GET /api/v1/layers?agency=&sector=&visibility=&q=&limit=&offset=`.
    func apiLayers(_ request: Request) throws -> Response {
        let actor = try apiReader(request)
        let known: Set<String> = ["agency", "sector", "visibility", "q", "limit", "offset"]
        if let unknown = request.queryItems.first(where: { !known.contains($0.name) }) {
            throw APIProblem.invalidParameter(unknown.name, "is not a parameter of this list")
        }
        let limit = try apiInteger(request, "limit", in: 1...Self.apiMaxLimit, default: Self.apiDefaultLimit)
        let offset = try apiInteger(request, "offset", in: 0...100_000_000, default: 0)
        var visibility: Visibility?
        if let text = request.query("visibility") {
            guard let chosen = Visibility(rawValue: text) else {
                throw APIProblem.invalidParameter("visibility", "must be one of private, shared, public")
            }
            visibility = chosen
        }
        let agency = request.query("agency"), sector = request.query("sector")
        let words = (request.query("q") ?? "").lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
        let all = try layers.listVisible(to: Policy.listingScope(actor)).filter { layer in
            (agency.map { $0 == layer.agencyCode } ?? true) && (sector.map { $0 == layer.sectorCode } ?? true)
                && (visibility.map { $0 == layer.visibility } ?? true)
                && words.allSatisfy { word in (layer.title + " " + layer.description + " " + layer.slug).lowercased().contains(word) }
        }
        let page = all.dropFirst(offset).prefix(limit)
        return apiJSON([
            "total": .int(all.count),
            "offset": .int(offset),
            "limit": .int(limit),
            "layers": .array(page.map { apiLayerSummary(request, $0) }),
            "links": .array(apiPageLinks(request, Self.apiBase + "/layers", offset: offset, limit: limit,
                                         returned: page.count, total: all.count)),
        ])
    }

    /// The `self`, `next` and `prev` links of a page of a list at `path`, repeating the request's
    /// other query parameters.
    func apiPageLinks(_ request: Request, _ path: String, offset: Int, limit: Int, returned: Int, total: Int) -> [JSONValue] {
        var query = request.queryItems.filter { $0.name != "offset" && $0.name != "limit" }
        query.append((name: "limit", value: String(limit)))
        func pageLink(_ at: Int, _ rel: String) -> JSONValue {
            var items = query
            items.append((name: "offset", value: String(at)))
            return Self.apiLink(apiURL(request, path + "?" + Self.queryString(items)), rel: rel)
        }
        var links = [pageLink(offset, "self")]
        if offset + returned < total { links.append(pageLink(offset + returned, "next")) }
        if offset > 0 { links.append(pageLink(max(0, offset - limit), "prev")) }
        return links
    }

    /// Query items as `name=value&…`, each percent-encoded.
    static func queryString(_ items: [(name: String, value: String)]) -> String {
        items.map { WMSCapabilities.percentEncoded($0.name) + "=" + WMSCapabilities.percentEncoded($0.value) }.joined(separator: "&")
    }

    /// One layer in a list.
    func apiLayerSummary(_ request: Request, _ layer: LayerSummary) -> JSONValue {
        .members([
            ("slug", .string(layer.slug)),
            ("title", .string(layer.title)),
            ("description", .string(layer.description)),
            ("agency", ["code": .string(layer.agencyCode), "name": .string(layer.agencyName)]),
            ("sector", layer.sectorCode.map { code in
                .members([("code", .string(code)), ("nameVi", .text(layer.sectorNameVi)), ("nameEn", .text(layer.sectorNameEn))])
            } ?? .null),
            ("visibility", .string(layer.visibility.rawValue)),
            ("geometryKind", .text(layer.geometryKind?.rawValue)),
            ("publishedVersion", .int(layer.publishedVersion)),
            ("featureCount", .int(layer.featureCount)),
            ("extent", layer.extent.map { box in [.number(box.0), .number(box.1), .number(box.2), .number(box.3)] } ?? .null),
            ("updatedAt", .string(layer.updatedAt)),
            ("links", [Self.apiLink(apiURL(request, Self.apiBase + "/layers/" + WMSCapabilities.percentEncoded(layer.slug)), rel: "self")]),
        ])
    }

    /// `GET /api/v1/layers/{slug}`: the layer's metadata (Decree 47's fields), its published
    /// version, and where to download it and read it through the OGC services.
    func apiLayer(_ request: Request) throws -> Response {
        let actor = try apiReader(request)
        let slug = request.parameters["slug"] ?? ""
        let layer = try authorizedLayer(slug, request, .view)
        let found = try layers.findForAccess(slug: slug, agencyID: actor?.agencyID)
        let facts = Self.facts(layer, grant: found?.grant)
        let metadata = try layers.metadata(layerID: layer.id)
        var object = apiLayerSummary(request, layer)
        guard case .object(var members) = object else { return apiJSON(object) }
        members.removeAll { $0.0 == "links" }
        let quoted = WMSCapabilities.percentEncoded(layer.slug)
        if let metadata {
            members.append(("metadata", .members([
                ("keywords", .array(metadata.keywords.map(JSONValue.string))),
                ("updateFrequency", .text(metadata.updateFrequency?.rawValue)),
                ("dataDate", .text(metadata.dataDate)),
                ("license", .string(metadata.license)),
                ("attribution", .string(metadata.attribution)),
                ("contact", [
                    "name": .string(metadata.contact.name), "position": .string(metadata.contact.position),
                    "phone": .string(metadata.contact.phone), "email": .string(metadata.contact.email),
                ]),
            ])))
        }
        let self_ = apiURL(request, Self.apiBase + "/layers/" + quoted)
        var links = [Self.apiLink(self_, rel: "self"),
                     Self.apiLink(apiURL(request, "/layers/" + quoted), rel: "alternate", type: "text/html", title: layer.title),
                     Self.apiLink(self_ + "/versions", rel: "versions")]
        let published = layer.publishedVersion != nil
        if published && Policy.can(actor, .download, facts) {
            links.append(Self.apiLink(self_ + "/features", rel: "items", type: FeaturesDocuments.geoJSON))
            links.append(Self.apiLink(apiURL(request, "/ogc/collections/" + quoted), rel: "ogc-collection"))
            members.append(("downloads", .object(LayerExport.Format.allCases.map { format in
                (format.rawValue, .string(apiURL(request, "/layers/\(quoted)/download.\(format.rawValue)")))
            })))
        }
        if published && Policy.can(actor, .viewData, facts) {
            links.append(Self.apiLink(apiURL(request, "/ows?SERVICE=WMS&REQUEST=GetCapabilities"), rel: "wms", type: "text/xml"))
            links.append(Self.apiLink(apiURL(request, "/tiles/\(quoted)/{z}/{x}/{y}.png"), rel: "tiles", type: "image/png"))
        }
        members.append(("links", .array(links)))
        object = .object(members)
        return apiJSON(object)
    }

    /// One version.
    func apiVersionObject(_ request: Request, _ layer: LayerSummary, _ version: VersionRecord) -> JSONValue {
        .members([
            ("number", .int(version.number)),
            ("status", .string(version.status.rawValue)),
            ("createdBy", .text(version.createdBy)),
            ("createdAt", .string(version.createdAt)),
            ("sourceName", .text(version.sourceName)),
            ("sourceSRID", .int(version.sourceSRID)),
            ("encoding", .text(version.encoding)),
            ("featureCount", .int(version.featureCount)),
            ("extent", version.extent.map { [.number($0.minX), .number($0.minY), .number($0.maxX), .number($0.maxY)] } ?? .null),
            ("warnings", .array(version.warnings.map(JSONValue.string))),
            ("decidedBy", .text(version.decidedBy)),
            ("decidedAt", .text(version.decidedAt)),
            ("reason", .text(version.reason)),
            ("baseNumber", .int(version.baseNumber)),
            ("links", [Self.apiLink(apiURL(request, Self.apiBase + "/layers/\(WMSCapabilities.percentEncoded(layer.slug))/versions/\(version.number)"),
                                    rel: "self")]),
        ])
    }

    /// `GET /api/v1/layers/{slug}/versions`: the published version for those who may see the
    /// layer's data; every version, newest first, for the owner agency's editors and approvers.
    func apiVersions(_ request: Request) throws -> Response {
        let actor = try apiReader(request)
        let slug = request.parameters["slug"] ?? ""
        let layer = try authorizedLayer(slug, request, .view)
        let found = try layers.findForAccess(slug: slug, agencyID: actor?.agencyID)
        let facts = Self.facts(layer, grant: found?.grant)
        let history = try VersionRepository(database).history(layerID: layer.id)
        let shown = Policy.can(actor, .viewPending, facts) ? history
            : Policy.can(actor, .viewData, facts) ? history.filter { $0.number == layer.publishedVersion } : []
        return apiJSON(["versions": .array(shown.map { apiVersionObject(request, layer, $0) })])
    }

    /// `GET /api/v1/layers/{slug}/versions/{n}`.
    func apiVersion(_ request: Request) throws -> Response {
        _ = try apiReader(request)
        let (layer, version) = try authorizedVersion(request)
        return apiJSON(apiVersionObject(request, layer, version))
    }

    /// `GET /api/v1/layers/{slug}/features?limit=&offset=&bbox=&{field}=`: the published
    /// version's features as a GeoJSON FeatureCollection, with `numberMatched` and a `next` link.
    func apiFeatures(_ request: Request) throws -> Response {
        _ = try apiReader(request)
        let (layer, versionID) = try featureCollection(request.parameters["slug"] ?? "", request)
        let known: Set<String> = ["limit", "offset", "bbox"]
        var fields = Set<String>()
        for item in request.queryItems where !known.contains(item.name) {
            if fields.isEmpty { fields = Set(try map.published.features.fields(versionID: versionID).map(\.name)) }
            // The OGC door's own parameters are not this list's, even where a field has the name.
            guard fields.contains(item.name), !["bbox-crs", "crs", "datetime", "f"].contains(item.name) else {
                throw APIProblem.invalidParameter(item.name, "is neither limit, offset, bbox nor a field of the layer")
            }
        }
        let limit = try apiInteger(request, "limit", in: 1...Self.apiMaxFeatureLimit, default: 100)
        let query = try FeaturesQuery(request, fields: fields)
        let page = try map.published.features.items(versionID: versionID, ItemQuery(
            box: query.bbox, equals: query.equals, offset: query.offset, limit: limit))
        auditTokenDownload(request, "api.features", layer: layer.slug, detail: "offset=\(query.offset); returned=\(page.items.count)")
        let href = apiURL(request, Self.apiBase + "/layers/" + WMSCapabilities.percentEncoded(layer.slug) + "/features")
        var items = request.queryItems.filter { $0.name != "offset" && $0.name != "limit" }
        items.append((name: "limit", value: String(limit)))
        func link(_ at: Int, _ rel: String) -> String {
            var all = items
            all.append((name: "offset", value: String(at)))
            return "{\"href\":" + JSONValue.string(href + "?" + Self.queryString(all)).jsonText
                + ",\"rel\":\"\(rel)\",\"type\":\"\(FeaturesDocuments.geoJSON)\"}"
        }
        var text = "{\"type\":\"FeatureCollection\",\"numberMatched\":\(page.matched),\"numberReturned\":\(page.items.count),\"features\":["
        text.reserveCapacity(page.items.count * 256)
        for (i, item) in page.items.enumerated() {
            if i > 0 { text += "," }
            FeaturesDocuments.appendItem(item, crs: .crs84, links: nil, to: &text)
        }
        text += "],\"links\":[" + link(query.offset, "self")
        if query.offset + page.items.count < page.matched, !page.items.isEmpty { text += "," + link(query.offset + page.items.count, "next") }
        text += "]}"
        return Response(status: 200, headers: ["Content-Type": FeaturesDocuments.geoJSON, "Cache-Control": "no-store"],
                        body: .bytes(Array(text.utf8)))
    }
}
