import Foundation
import HTTP
import Store

extension Portal {
    /// `/layers/{slug}`: title, agency, sector, description, geometry kind, feature count, extent,
    /// the metadata of the layer, and the doors the visitor may use (map, table, download; for the
    /// owner agency: upload, edit, style, versions). A layer the visitor may not see answers
    /// exactly as one that does not exist.
    func layerPage(_ request: Request) throws -> Response {
        let slug = request.parameters["slug"] ?? ""
        let layer = try authorizedLayer(slug, request, .view)
        let language = Localizer.language(for: request)
        var context: [String: Any] = layerRows([layer], language)[0]
        context["description"] = layer.description
        context["version"] = layer.publishedVersion.map(String.init) ?? "—"
        context["updated_at"] = DisplayTime.local(layer.updatedAt)
        if let (minX, minY, maxX, maxY) = layer.extent {
            context["extent"] = [
                "west": Self.degrees(minX), "south": Self.degrees(minY),
                "east": Self.degrees(maxX), "north": Self.degrees(maxY),
            ]
        }
        context.merge(try layerMetadataContext(layer, language)) { _, new in new }
        if request.query("done") == "edit_saved" {
            context["notice"] = localizer.text("edit_saved", language)
        }
        let may = layerPermissions(layer, request)
        context["may"] = may
        if may["view_data"] == true, let extent = layer.extent {
            context["map_tiles"] = "/tiles/\(layer.slug)/{z}/{x}/{y}{r}.png"
            context["map_bounds"] = Self.boundsJSON(extent)
        }
        if may["view_pending"] == true {
            let versions = VersionRepository(database)
            let pending = try versions.pendingCount(layerID: layer.id)
            if pending > 0 {
                context["has_pending"] = true
                context["pending_count"] = pending
            }
            if try LayerStyles(database).state(layerID: layer.id)?.pending != nil { context["style_pending"] = true }
            if let rejected = try versions.latestRejection(layerID: layer.id) {
                context["rejection"] = ["number": rejected.number, "reason": rejected.reason ?? "",
                                        "by": rejected.decidedBy ?? "", "at": rejected.decidedAt.map(DisplayTime.local) ?? ""]
            }
        }
        if may["download"] == true {
            context["downloads"] = Self.downloadChoices
        }
        return page("layer", request, title: layer.title, ["layer": context])
    }

    /// What the request's actor may do with `layer`, door by door, as the policy decides — for
    /// pages to show only the links that will work.
    func layerPermissions(_ layer: LayerSummary, _ request: Request) -> [String: Bool] {
        let actor = self.actor(for: request)
        let grant = actor.flatMap { try? layers.findForAccess(slug: layer.slug, agencyID: $0.agencyID)?.grant }
        let facts = LayerFacts(ownerAgencyID: layer.agencyID, visibility: layer.visibility,
                               isPublished: layer.publishedVersion != nil, grant: grant)
        let published = layer.publishedVersion != nil
        return [
            "view_data": published && Policy.can(actor, .viewData, facts),
            "download": published && Policy.can(actor, .download, facts),
            "view_pending": Policy.can(actor, .viewPending, facts),
            "edit": Policy.can(actor, .edit, facts),
            "approve": Policy.can(actor, .approve, facts),
        ]
    }

    /// The download formats a layer page offers, in the order people most ask for them.
    static let downloadChoices: [[String: String]] = [
        ["format": "geojson", "label": "GeoJSON"], ["format": "csv", "label": "CSV"],
        ["format": "zip", "label": "Shapefile (.zip)"], ["format": "gpkg", "label": "GeoPackage"], ["format": "kml", "label": "KML"],
    ]

    static func degrees(_ value: Double) -> String { String(format: "%.5f", value) }
}
