import Foundation
import HTTP
import Store

extension Portal {
    /// The address of the OGC API – Features door as the client reached it.
    func featuresBase(_ request: Request) -> String { serviceBase(request) + "/ogc" }

    /// The answer of `body`, or its error as the OGC API's JSON exception; a failure of the
    /// server's own is logged and answered 500 without its cause.
    func answeringFeatures(_ request: Request, _ body: () throws -> Response) -> Response {
        do {
            return try body()
        } catch let error as FeaturesError {
            return error.response
        } catch let error as HTTPError where error.status == 503 {
            var response = FeaturesError(status: 503, code: "ServiceUnavailable", description: "busy; try again shortly").response
            response.headers["Retry-After"] = "2"
            return response
        } catch {
            logger.error("\(request.method.rawValue) \(request.target): \(error)")
            return FeaturesError(status: 500, code: "ServerError", description: "the service could not answer; the failure has been logged").response
        }
    }

    /// The collection `slug` — a layer the requester may download, with a published version —
    /// and that version; `NotFound` for every other layer, existing or not.
    func featureCollection(_ slug: String, _ request: Request) throws -> (layer: LayerSummary, versionID: Int64) {
        let notFound = FeaturesError.notFound("Collection '\(slug)'")
        let layer: LayerSummary
        do {
            layer = try authorizedLayer(slug, request, .download)
        } catch let error as HTTPError where error.status == 404 {
            throw notFound
        }
        guard let versionID = try layers.mapState(layerID: layer.id)?.publishedVersionID else { throw notFound }
        return (layer, versionID)
    }

    /// The collections: the layers the requester may download that have a published version.
    func featureCollections(_ request: Request) throws -> [LayerSummary] {
        let actor = self.actor(for: request)
        return try layers.listVisible(to: scope(for: request)).filter { layer in
            guard layer.publishedVersion != nil,
                  let found = try layers.findForAccess(slug: layer.slug, agencyID: actor?.agencyID) else { return false }
            return Policy.can(actor, .download, Self.facts(found.layer, grant: found.grant))
        }
    }

    func featuresResponse(_ text: String, type: String, public isPublic: Bool = false, crs: FeaturesCRS? = nil) -> Response {
        var response = Response(status: 200, headers: [
            "Content-Type": type == FeaturesDocuments.html ? "text/html; charset=utf-8" : type,
            "Cache-Control": isPublic ? "public, max-age=60" : "private, no-cache",
        ], body: .bytes(Array(text.utf8)))
        if let crs { response.headers["Content-Crs"] = "<\(crs.uri)>" }
        return response
    }

    /// `/ogc`: the landing page.
    func featuresLanding(_ request: Request) -> Response {
        answeringFeatures(request) {
            let format = try FeaturesFormat(request)
            let language = Localizer.language(for: request)
            let title = localizer.text("ogc_features_title", language), about = localizer.text("ogc_features_abstract", language)
            let base = featuresBase(request)
            if format == .html {
                return featuresPage(request, heading: title, description: about, links: [
                    (base + "/collections?f=html", localizer.text("ogc_collections", language), FeaturesDocuments.html),
                    (base + "/conformance?f=html", localizer.text("ogc_conformance", language), FeaturesDocuments.html),
                    (base + "/api", localizer.text("ogc_api_definition", language), FeaturesDocuments.openAPI),
                    (base + "?f=json", "JSON", FeaturesDocuments.json),
                ])
            }
            return featuresResponse(FeaturesDocuments.landing(base: base, title: title, description: about),
                                    type: FeaturesDocuments.json)
        }
    }

    /// `/ogc/conformance`: the conformance classes.
    func featuresConformance(_ request: Request) -> Response {
        answeringFeatures(request) {
            if try FeaturesFormat(request) == .html {
                let language = Localizer.language(for: request)
                return featuresPage(request, heading: localizer.text("ogc_conformance", language), description: nil,
                                    links: FeaturesDocuments.conformance.map { ($0, $0, "") })
            }
            return featuresResponse(FeaturesDocuments.conformanceDocument(), type: FeaturesDocuments.json, public: true)
        }
    }

    /// `/ogc/api`: the OpenAPI 3.0 definition of the door.
    func featuresAPI(_ request: Request) -> Response {
        answeringFeatures(request) {
            featuresResponse(FeaturesOpenAPI.document(base: featuresBase(request)), type: FeaturesDocuments.openAPI)
        }
    }

    /// `/ogc/collections`.
    func featuresCollectionList(_ request: Request) -> Response {
        answeringFeatures(request) {
            let format = try FeaturesFormat(request)
            let base = featuresBase(request)
            let collections = try featureCollections(request)
            let language = Localizer.language(for: request)
            if format == .html {
                return featuresPage(request, heading: localizer.text("ogc_collections", language), description: nil,
                                    links: collections.map { (base + "/collections/\(WMSCapabilities.percentEncoded($0.slug))?f=html", $0.title, $0.slug) })
            }
            var text = "{\"links\":"
            FeaturesLink.array([
                FeaturesLink(href: base + "/collections?f=json", rel: "self", type: FeaturesDocuments.json, title: "Collections"),
                FeaturesLink(href: base + "/collections?f=html", rel: "alternate", type: FeaturesDocuments.html, title: "Collections"),
            ], to: &text)
            text += ",\"collections\":["
            for (i, layer) in collections.enumerated() {
                if i > 0 { text += "," }
                FeaturesDocuments.appendCollection(layer, metadata: try layers.metadata(layerID: layer.id), base: base, to: &text)
            }
            return featuresResponse(text + "]}", type: FeaturesDocuments.json)
        }
    }

    /// `/ogc/collections/{slug}`.
    func featuresCollectionPage(_ request: Request) -> Response {
        answeringFeatures(request) {
            let format = try FeaturesFormat(request)
            let (layer, _) = try featureCollection(request.parameters["slug"] ?? "", request)
            let base = featuresBase(request)
            if format == .html {
                let href = base + "/collections/" + WMSCapabilities.percentEncoded(layer.slug)
                return featuresPage(request, heading: layer.title, description: layer.description, links: [
                    (href + "/items?f=html", localizer.text("ogc_items", Localizer.language(for: request)), FeaturesDocuments.html),
                    (href + "/items?f=json", "GeoJSON", FeaturesDocuments.geoJSON),
                    ("/layers/" + WMSCapabilities.percentEncoded(layer.slug), layer.title, FeaturesDocuments.html),
                ])
            }
            var text = ""
            FeaturesDocuments.appendCollection(layer, metadata: try layers.metadata(layerID: layer.id), base: base, to: &text)
            return featuresResponse(text, type: FeaturesDocuments.json, public: layer.visibility == .public)
        }
    }

    /// `/ogc/collections/{slug}/items`: a page of the published version's features.
    func featuresItems(_ request: Request) -> Response {
        answeringFeatures(request) {
            let format = try FeaturesFormat(request)
            let (layer, versionID) = try featureCollection(request.parameters["slug"] ?? "", request)
            let known: Set<String> = ["f", "limit", "offset", "bbox", "bbox-crs", "crs", "datetime"]
            var fields = Set<String>()
            if request.queryItems.contains(where: { !known.contains($0.name) }) {
                fields = Set(try map.published.features.fields(versionID: versionID).map(\.name))
            }
            let query = try FeaturesQuery(request, fields: fields)
            let dataDate = query.datetime == nil ? nil : try layers.metadata(layerID: layer.id)?.dataDate
            let included = query.includes(dataDate: dataDate)
            func read() throws -> ItemPage {
                guard included else { return ItemPage(matched: 0, items: []) }
                return try map.published.features.items(versionID: versionID, ItemQuery(
                    box: query.bbox, equals: query.equals, offset: query.offset, limit: query.limit))
            }
            let href = featuresBase(request) + "/collections/" + WMSCapabilities.percentEncoded(layer.slug) + "/items"
            if format == .html {
                let page = try read()
                auditTokenDownload(request, "ogc.items", layer: layer.slug, detail: "offset=\(query.offset); returned=\(page.items.count)")
                return featuresItemsPage(request, layer: layer, page: page, query: query, href: href)
            }
            // A version never changes, so its page for the same query is the same bytes: kept.
            let key = FeaturePages.key(versionID: versionID, query: query)
            let page: FeaturePages.Page
            if included, let kept = featurePages.value(key) {
                page = kept
            } else {
                let items = try read()
                var features = ""
                features.reserveCapacity(items.items.count * 256)
                for (i, item) in items.items.enumerated() {
                    if i > 0 { features += "," }
                    FeaturesDocuments.appendItem(item, crs: query.crs, links: nil, to: &features)
                }
                page = FeaturePages.Page(matched: items.matched, returned: items.items.count, features: features)
                if included { featurePages.keep(page, cost: features.utf8.count + 64, for: key) }
            }
            auditTokenDownload(request, "ogc.items", layer: layer.slug, detail: "offset=\(query.offset); returned=\(page.returned)")
            var links = [
                FeaturesLink(href: href + query.link(offset: query.offset, format: "json"), rel: "self", type: FeaturesDocuments.geoJSON, title: "This page"),
                FeaturesLink(href: href + query.link(offset: query.offset, format: "html"), rel: "alternate", type: FeaturesDocuments.html, title: "This page as HTML"),
                FeaturesLink(href: String(href.dropLast(6)) + "?f=json", rel: "collection", type: FeaturesDocuments.json, title: layer.title),
            ]
            if query.offset + page.returned < page.matched, page.returned > 0 {
                links.append(FeaturesLink(href: href + query.link(offset: query.offset + page.returned, format: "json"),
                                          rel: "next", type: FeaturesDocuments.geoJSON, title: "Next page"))
            }
            if query.offset > 0 {
                links.append(FeaturesLink(href: href + query.link(offset: max(0, query.offset - query.limit), format: "json"),
                                          rel: "prev", type: FeaturesDocuments.geoJSON, title: "Previous page"))
            }
            var text = "{\"type\":\"FeatureCollection\",\"timeStamp\":\"\(FeaturesDocuments.now())\","
            text += "\"numberMatched\":\(page.matched),\"numberReturned\":\(page.returned),\"features\":["
            text.reserveCapacity(text.utf8.count + page.features.utf8.count + 1024)
            text += page.features
            text += "],\"links\":"
            FeaturesLink.array(links, to: &text)
            return featuresResponse(text + "}", type: FeaturesDocuments.geoJSON, public: layer.visibility == .public, crs: query.crs)
        }
    }

    /// `/ogc/collections/{slug}/items/{id}`: one feature, by its identity across versions.
    func featuresItem(_ request: Request) -> Response {
        answeringFeatures(request) {
            let format = try FeaturesFormat(request)
            let (layer, versionID) = try featureCollection(request.parameters["slug"] ?? "", request)
            var crs = FeaturesCRS.crs84
            for (name, value) in request.queryItems {
                switch name {
                case "f": continue
                case "crs":
                    guard let system = FeaturesCRS.named(value) else { throw FeaturesError.invalid("crs", "'\(value.prefix(80))' is not offered") }
                    crs = system
                default: throw FeaturesError.invalid(name, "is not a parameter of a feature")
                }
            }
            let text = request.parameters["id"] ?? ""
            guard text.utf8.count <= 18, let fid = Int64(text), fid > 0,
                  let item = try map.published.features.item(versionID: versionID, fid: fid) else {
                throw FeaturesError.notFound("Feature '\(text.prefix(40))'")
            }
            auditTokenDownload(request, "ogc.item", layer: layer.slug, detail: "id=\(fid)")
            let collection = featuresBase(request) + "/collections/" + WMSCapabilities.percentEncoded(layer.slug)
            let href = collection + "/items/\(fid)"
            if format == .html {
                return featuresItemsPage(request, layer: layer, page: ItemPage(matched: 1, items: [item]), query: nil, href: collection + "/items")
            }
            var out = ""
            FeaturesDocuments.appendItem(item, crs: crs, links: [
                FeaturesLink(href: href + "?f=json", rel: "self", type: FeaturesDocuments.geoJSON, title: "This feature"),
                FeaturesLink(href: href + "?f=html", rel: "alternate", type: FeaturesDocuments.html, title: "This feature as HTML"),
                FeaturesLink(href: collection + "?f=json", rel: "collection", type: FeaturesDocuments.json, title: layer.title),
            ], to: &out)
            return featuresResponse(out, type: FeaturesDocuments.geoJSON, public: layer.visibility == .public, crs: crs)
        }
    }

    // MARK: HTML

    /// A page of the door for people: a heading, a description and links.
    func featuresPage(_ request: Request, heading: String, description: String?,
                      links: [(href: String, title: String, type: String)]) -> Response {
        page("ogc", request, title: heading, [
            "heading": heading, "description": description ?? "",
            "links": links.map { ["href": $0.href, "title": $0.title, "type": $0.type] },
        ])
    }

    /// Items as a table: the identity and every attribute of the page's features.
    func featuresItemsPage(_ request: Request, layer: LayerSummary, page items: ItemPage, query: FeaturesQuery?, href: String) -> Response {
        let language = Localizer.language(for: request)
        var columns: [String] = []
        for item in items.items { for (name, _) in item.properties where !columns.contains(name) { columns.append(name) } }
        let rows: [[String: Any]] = items.items.map { item in
            var values: [String: StoredProperty] = [:]
            for (name, value) in item.properties { values[name] = value }
            return ["href": href + "/\(item.fid)?f=html", "fid": String(item.fid),
                    "cells": columns.map { ["text": values[$0].map(PropertyText.input) ?? ""] }]
        }
        var links: [[String: String]] = [["href": href + (query?.link(offset: query?.offset ?? 0, format: "json") ?? ""),
                                           "title": "GeoJSON", "type": FeaturesDocuments.geoJSON]]
        if let query, query.offset + items.items.count < items.matched, !items.items.isEmpty {
            links.append(["href": href + query.link(offset: query.offset + items.items.count, format: "html"),
                          "title": localizer.text("ogc_next_page", language), "type": FeaturesDocuments.html])
        }
        return page("ogc", request, title: layer.title, [
            "heading": layer.title, "description": localizer.text("ogc_items_matched", language)
                .replacingOccurrences(of: "{matched}", with: String(items.matched))
                .replacingOccurrences(of: "{returned}", with: String(items.items.count)),
            "links": links, "has_table": true,
            "columns": columns.map { ["name": $0] }, "rows": rows,
        ])
    }
}
