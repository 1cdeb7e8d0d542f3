import Foundation
import Formats
import Geometry
import HTTP
import Store

/// What GetFeatureInfo found in each queried layer.
struct WMSFeatureInfo {
    let layers: [(layer: LayerSummary, features: [VersionFeature])]

    /// The most features per layer a client may ask for (`FEATURE_COUNT`).
    static let maxFeatureCount = 50

    /// A GeoJSON FeatureCollection: each feature's id is `layer.id`, its properties as stored,
    /// its layer's name in `layer`; no geometry (reading geometry in bulk is a download).
    var json: [UInt8] {
        var out = "{\"type\":\"FeatureCollection\",\"features\":["
        var first = true
        for (layer, features) in layers {
            for feature in features {
                if !first { out += "," }
                first = false
                out += "{\"type\":\"Feature\",\"id\":" + Identify.quoted("\(layer.slug).\(feature.id)")
                    + ",\"layer\":" + Identify.quoted(layer.slug)
                    + ",\"properties\":" + Identify.validObject(feature.propertiesJSON) + ",\"geometry\":null}"
            }
        }
        out += "]}"
        return Array(out.utf8)
    }

    /// A small HTML page: per layer its title, per feature a table of its properties.
    func html(nothing: String, feature: String, language: Language) -> [UInt8] {
        var out = "<!DOCTYPE html>\n<html lang=\"\(language.rawValue)\"><head><meta charset=\"utf-8\"><title>GetFeatureInfo</title></head><body>"
        for (layer, features) in layers {
            out += "<h2>" + XMLWriter.escape(layer.title) + "</h2>"
            if features.isEmpty { out += "<p>" + XMLWriter.escape(nothing) + "</p>" }
            for item in features {
                out += "<table><caption>" + XMLWriter.escape("\(feature) \(item.id)") + "</caption>"
                for (name, value) in Self.properties(item) {
                    out += "<tr><th>" + XMLWriter.escape(name) + "</th><td>" + XMLWriter.escape(value) + "</td></tr>"
                }
                out += "</table>"
            }
        }
        out += "</body></html>\n"
        return Array(out.utf8)
    }

    /// Plain text: `layer.id` then one `name = value` line per property.
    func text(nothing: String) -> [UInt8] {
        var out = ""
        for (layer, features) in layers {
            out += "Layer '\(layer.slug)'\n"
            if features.isEmpty { out += "  \(nothing)\n" }
            for item in features {
                out += "  Feature \(item.id):\n"
                for (name, value) in Self.properties(item) {
                    out += "    \(Self.oneLine(name)) = \(Self.oneLine(value))\n"
                }
            }
        }
        return Array(out.utf8)
    }

    /// Properties in their stored order (the layer's field order, as the attribute table and
    /// the downloads show them) with their values as text (null as nothing).
    static func properties(_ feature: VersionFeature) -> [(String, String)] {
        guard let text = feature.propertiesJSON, let members = JSONText.orderedMembers(text) else { return [] }
        return members.map { ($0.0, $0.1 ?? "") }
    }

    private static func oneLine(_ text: String) -> String {
        String(text.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : Character($0) })
    }
}

extension Portal {
    /// GetFeatureInfo: the features of the queried layers under pixel (I, J) of the map the
    /// client shows, by the identify rules of the map page (points and lines within a few pixels,
    /// polygons that hold the point), nearest first, `FEATURE_COUNT` per layer.
    func wmsFeatureInfo(_ request: Request, _ parameters: OGCParameters) throws -> Response {
        let map = try WMSMapRequest(parameters, limits: wmsLimits)
        guard let queried = parameters.list("QUERY_LAYERS"), !queried.allSatisfy(\.isEmpty) else {
            throw ServiceException.missing("QUERY_LAYERS")
        }
        for name in queried where !map.layers.contains(name) {
            throw ServiceException.layerNotDefined(name, locator: "QUERY_LAYERS")
        }
        let format = (parameters.nonEmpty("INFO_FORMAT") ?? "text/html").lowercased()
        guard let kind = ["text/html": "html", "application/json": "json", "application/geo+json": "json",
                          "text/plain": "text"][format] else {
            throw ServiceException(.invalidFormat, locator: "INFO_FORMAT",
                                   "INFO_FORMAT '\(format.prefix(64))' is not offered; text/html, application/json and text/plain are")
        }
        let i = try Self.pixel(parameters, "I", below: map.frame.width)
        let j = try Self.pixel(parameters, "J", below: map.frame.height)
        var count = 1
        if let text = parameters.nonEmpty("FEATURE_COUNT") {
            guard let value = Int(text), (1...WMSFeatureInfo.maxFeatureCount).contains(value) else {
                throw ServiceException(nil, locator: "FEATURE_COUNT", "FEATURE_COUNT must be 1 to \(WMSFeatureInfo.maxFeatureCount)")
            }
            count = value
        }
        let drawings = try wmsDrawings(queried, request, locator: "QUERY_LAYERS")
        let lonLat = map.frame.crs.toLonLat(map.frame.point(pixelX: Double(i) + 0.5, pixelY: Double(j) + 0.5))
        let zoom = TileMath.zoom(forResolution: map.frame.mercatorResolution)
        let inWorld = WebMercator.lonLatWorldBounds.contains(lonLat) && zoom.isFinite
        let found = try drawings.map { entry in
            (layer: entry.layer, features: inWorld ? Array(try Identify.features(
                self.map.published.features, versionID: entry.drawing.versionID, at: lonLat,
                zoom: min(max(zoom, 0), Double(TileID.maxZoom))).found.prefix(count)) : [])
        }
        let info = WMSFeatureInfo(layers: found)
        let language = Localizer.language(for: request)
        let nothing = localizer.text("ogc_info_nothing", language)
        switch kind {
        case "json": return Self.jsonResponse(info.json, status: 200)
        case "text":
            return Response(status: 200, headers: ["Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"],
                            body: .bytes(info.text(nothing: nothing)))
        default:
            return Response(status: 200, headers: ["Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"],
                            body: .bytes(info.html(nothing: nothing, feature: localizer.text("ogc_info_feature", language),
                                                   language: language)))
        }
    }

    /// I or J: a pixel column or row of the map, 0 to `below` − 1 (`InvalidPoint` otherwise).
    static func pixel(_ parameters: OGCParameters, _ name: String, below limit: Int) throws(ServiceException) -> Int {
        guard let text = parameters.nonEmpty(name) else { throw .missing(name) }
        guard text.utf8.count <= 6, let value = Int(text), (0..<limit).contains(value) else {
            throw ServiceException(.invalidPoint, locator: name, "\(name) must be a pixel of the map, 0 to \(limit - 1); got '\(text.prefix(16))'")
        }
        return value
    }
}
