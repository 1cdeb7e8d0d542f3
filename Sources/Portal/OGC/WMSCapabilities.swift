import Cartography
import Foundation
import Geometry
import HTTP
import Store

/// One layer as the capabilities describe it.
struct WMSLayerEntry {
    let layer: LayerSummary
    let keywords: [String]
    /// Rows of the legend image (one per rule of the style).
    let legendRows: Int
}

/// The WMS 1.3.0 capabilities document (§7.2.4): the service, its operations with the formats
/// each answers in, and one layer per layer the requester may see, under a root layer that
/// lists the coordinate systems offered.
struct WMSCapabilities {
    let base: String
    let title: String
    let abstract: String
    let rootTitle: String
    let styleTitle: String
    let limits: WMSLimits
    let layers: [WMSLayerEntry]
    /// The extent when no layer has one: the province's, or the world's.
    let fallbackExtent: BoundingBox

    static let infoFormats = ["text/html", "application/json", "text/plain"]

    var xml: String {
        var x = XMLWriter()
        let service = base + "/ows"
        x.start("WMS_Capabilities", [
            "version": "1.3.0",
            "xmlns": "http://www.opengis.net/wms",
            "xmlns:sld": "http://www.opengis.net/sld",
            "xmlns:xlink": "http://www.w3.org/1999/xlink",
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:schemaLocation": "http://www.opengis.net/wms http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/sld_capabilities.xsd",
        ])
        x.start("Service")
        x.element("Name", "WMS")
        x.element("Title", title)
        x.element("Abstract", abstract)
        x.element("OnlineResource", nil, ["xlink:type": "simple", "xlink:href": service])
        x.element("Fees", "none")
        x.element("AccessConstraints", "none")
        x.element("LayerLimit", String(limits.layerLimit))
        x.element("MaxWidth", String(limits.maxSize))
        x.element("MaxHeight", String(limits.maxSize))
        x.end()

        x.start("Capability")
        x.start("Request")
        operation(&x, "GetCapabilities", formats: ["text/xml"], service: service)
        operation(&x, "GetMap", formats: ["image/png"], service: service)
        operation(&x, "GetFeatureInfo", formats: Self.infoFormats, service: service)
        operation(&x, "sld:GetLegendGraphic", formats: ["image/png"], service: service)
        x.end()
        x.start("Exception")
        x.element("Format", "XML")
        x.end()

        x.start("Layer")
        x.element("Title", rootTitle)
        for crs in MapCRS.offered { x.element("CRS", crs.identifier) }
        let extents = layers.compactMap { $0.layer.extent.map(Self.box) }
        let all = extents.reduce(BoundingBox.empty) { $0.union($1) }
        boxes(&x, all.isEmpty ? fallbackExtent : all)
        for entry in layers { layer(&x, entry, service: service) }
        x.end()
        return x.finish()
    }

    private func operation(_ x: inout XMLWriter, _ name: String, formats: [String], service: String) {
        x.start(name)
        for format in formats { x.element("Format", format) }
        x.start("DCPType")
        x.start("HTTP")
        x.start("Get")
        x.element("OnlineResource", nil, ["xlink:type": "simple", "xlink:href": service + "?"])
        x.end()
        x.end()
        x.end()
        x.end()
    }

    private func layer(_ x: inout XMLWriter, _ entry: WMSLayerEntry, service: String) {
        let layer = entry.layer
        x.start("Layer", ["queryable": "1", "opaque": "0"])
        x.element("Name", layer.slug)
        x.element("Title", layer.title)
        if !layer.description.isEmpty { x.element("Abstract", layer.description) }
        let words = entry.keywords + [layer.agencyName] + (layer.sectorNameVi.map { [$0] } ?? [])
        x.start("KeywordList")
        for word in words where !word.isEmpty { x.element("Keyword", word) }
        x.end()
        if let extent = layer.extent { boxes(&x, Self.box(extent)) }
        x.start("Style")
        x.element("Name", WMSMapRequest.defaultStyle)
        x.element("Title", styleTitle)
        let rows = max(entry.legendRows, 1)
        let height = rows * LegendRenderer.swatchSize + (rows - 1) * LegendRenderer.rowGap
        x.start("LegendURL", ["width": String(LegendRenderer.swatchSize), "height": String(height)])
        x.element("Format", "image/png")
        let query = "?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&FORMAT=image/png&STYLE=default&LAYER="
        x.element("OnlineResource", nil, ["xlink:type": "simple",
                                          "xlink:href": service + query + Self.percentEncoded(layer.slug)])
        x.end()
        x.end()
        x.end()
    }

    /// The geographic box and a BoundingBox in each of `MapCRS.boxed`, each in its own axis order.
    private func boxes(_ x: inout XMLWriter, _ lonLat: BoundingBox) {
        x.start("EX_GeographicBoundingBox")
        x.element("westBoundLongitude", Self.number(lonLat.minX))
        x.element("eastBoundLongitude", Self.number(lonLat.maxX))
        x.element("southBoundLatitude", Self.number(lonLat.minY))
        x.element("northBoundLatitude", Self.number(lonLat.maxY))
        x.end()
        for crs in MapCRS.boxed {
            let box = crs.fromLonLat(lonLat)
            let (minx, miny, maxx, maxy) = crs.northingFirst ? (box.minY, box.minX, box.maxY, box.maxX)
                                                             : (box.minX, box.minY, box.maxX, box.maxY)
            x.element("BoundingBox", nil, ["CRS": crs.identifier, "minx": Self.number(minx), "miny": Self.number(miny),
                                           "maxx": Self.number(maxx), "maxy": Self.number(maxy)])
        }
    }

    static func box(_ extent: (Double, Double, Double, Double)) -> BoundingBox {
        BoundingBox(minX: extent.0, minY: extent.1, maxX: extent.2, maxY: extent.3)
    }

    /// A coordinate with at most nine decimals, no exponent.
    static func number(_ value: Double) -> String {
        var text = String(format: "%.9f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unencoded) ?? ""
    }

    /// What `percentEncoded` leaves as it is: letters, digits and `-._~` (built once; building a
    /// character set costs more than encoding a short text).
    private static let unencoded: CharacterSet = {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return allowed
    }()
}

extension Portal {
    /// GetCapabilities: the layers the requester may see that have a published version (the
    /// listing's SQL applies the policy's rules), in the requester's language.
    func wmsCapabilities(_ request: Request, _ parameters: OGCParameters) throws -> Response {
        let language = Localizer.language(for: request)
        let visible = try layers.listVisible(to: scope(for: request)).filter { $0.publishedVersion != nil }
        let states = try layers.mapStates(layerIDs: visible.map(\.id))
        let entries = try visible.map { layer in
            WMSLayerEntry(layer: layer, keywords: try layers.metadata(layerID: layer.id)?.keywords ?? [],
                          legendRows: map.published.resolvedStyle(states[layer.id]?.styleJSON, kind: layer.geometryKind)
                              .style.rules.count)
        }
        var fallback = WebMercator.lonLatWorldBounds
        if let province = try? AdminUnitRepository(database).currentExtent(level: "province") { fallback = province }
        let document = WMSCapabilities(
            base: serviceBase(request), title: localizer.text("ogc_wms_title", language),
            abstract: localizer.text("ogc_wms_abstract", language), rootTitle: localizer.text("ogc_root_layer", language),
            styleTitle: localizer.text("ogc_style_default", language), limits: wmsLimits, layers: entries,
            fallbackExtent: fallback)
        return Response(status: 200, headers: [
            "Content-Type": "text/xml; charset=utf-8",
            "Cache-Control": "no-cache",
        ], body: .bytes(Array(document.xml.utf8)))
    }
}
