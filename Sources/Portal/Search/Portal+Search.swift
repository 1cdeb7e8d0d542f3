import Foundation
import Geometry
import HTTP
import Store

// `/search`: one box for layers and places. Layers come from the same SQL listing as the home
// page (`listVisible`, filtered by the policy's scope), so a search never finds a layer the
// searcher could not open; places are the province's current administrative units, which are
// public. Both are matched in memory (a province holds hundreds of layers and units), ranked
// by `SearchText.rank`.

extension Portal {
    /// At most this many results of each kind are listed.
    static let searchResultLimit = 50

    func registerSearchRoutes(on router: Router) {
        router.get("/search") { [self] request in try search(request) }
    }

    /// `GET /search?q=…`: the layers the visitor may see and the places whose names match.
    func search(_ request: Request) throws -> Response {
        let language = Localizer.language(for: request)
        let query = request.query("q") ?? ""
        let text = SearchText(query)
        var layerRows: [[String: Any]] = []
        var placeRows: [[String: Any]] = []
        if !text.isEmpty {
            let visible = try layers.listVisible(to: scope(for: request))
            let layerMatches = visible.compactMap { layer -> (LayerSummary, Int)? in
                text.rank([layer.title, layer.description, layer.agencyName, layer.sectorNameVi ?? "", layer.sectorNameEn ?? ""])
                    .map { (layer, $0) }
            }
            let rankedLayers = layerMatches.enumerated()
                .sorted { ($0.element.1, $0.offset) < ($1.element.1, $1.offset) }
                .prefix(Self.searchResultLimit).map(\.element.0)
            layerRows = zip(rankedLayers, self.layerRows(Array(rankedLayers), language)).map { layer, row in
                var row = row
                if let extent = layer.extent {
                    row["map_link"] = Self.mapLink(BoundingBox(minX: extent.0, minY: extent.1, maxX: extent.2, maxY: extent.3),
                                                   layer: layer.publishedVersion != nil ? layer.slug : nil)
                }
                return row
            }
            let places = try AdminUnitRepository(database).currentPlaces()
            let placeMatches = places.compactMap { place in text.rank([place.name]).map { (place, $0) } }
            placeRows = placeMatches.enumerated()
                .sorted { ($0.element.1, $0.offset) < ($1.element.1, $1.offset) }
                .prefix(Self.searchResultLimit).map { entry in
                    let place = entry.element.0
                    return [
                        "name": place.name,
                        "level": localizer.text("search_level_\(place.level == "province" ? "province" : "commune")", language),
                        "map_link": Self.mapLink(place.extent, layer: nil),
                    ]
                }
        }
        let title = query.isEmpty ? localizer.text("search_title", language)
            : localizer.text("search_title_for", language).replacingOccurrences(of: "{q}", with: String(query.prefix(SearchText.maxLength)))
        return page("search", request, title: title, [
            "q": String(query.prefix(SearchText.maxLength)),
            "searched": !text.isEmpty,
            "layers": layerRows,
            "has_layers": !layerRows.isEmpty,
            "layer_count": layerRows.count,
            "places": placeRows,
            "has_places": !placeRows.isEmpty,
            "place_count": placeRows.count,
            "nothing": !text.isEmpty && layerRows.isEmpty && placeRows.isEmpty,
        ])
    }

    /// The map page opened on `extent` (the zoom at which it fits a 1024-pixel view), with
    /// `layer` switched on.
    static func mapLink(_ extent: BoundingBox, layer: String?) -> String {
        let center = extent.center
        let span = max(extent.maxX - extent.minX, (extent.maxY - extent.minY) * 1.2, 1e-6)
        let zoom = max(6, min(16, Int(floor(log2(360 * 4 / span)))))
        var link = "/map#map=\(zoom)/" + String(format: "%.5f/%.5f", center.y, center.x)
        if let layer { link += "&layers=" + layer }
        return link
    }
}
