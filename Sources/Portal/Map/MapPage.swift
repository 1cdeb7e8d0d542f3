import Foundation
import Formats
import HTTP
import Store

extension Portal {
    /// `/map`: the full-screen map with the basemap and the layers the visitor may see, grouped
    /// by sector, each with its legend. The layer list and the page's strings reach map.js as
    /// JSON data islands, escaped for HTML.
    func mapPage(_ request: Request) throws -> Response {
        let language = Localizer.language(for: request)
        let visible = try layers.listVisible(to: scope(for: request))
        let states = try layers.mapStates(layerIDs: visible.map(\.id))
        var sectors: [[String: Any]] = []
        var island: [JSONValue] = []
        var currentSector: String?
        var rows: [[String: Any]] = []
        func closeSector() {
            guard let name = currentSector else { return }
            sectors.append(["name": name, "layers": rows])
            rows = []
        }
        for layer in visible {
            let sector = (language == .en ? layer.sectorNameEn : layer.sectorNameVi)
                ?? localizer.text("map_other_sector", language)
            if sector != currentSector {
                closeSector()
                currentSector = sector
            }
            let labels = map.published.resolvedStyle(states[layer.id]?.styleJSON, kind: layer.geometryKind).style.legendLabels
            rows.append([
                "slug": layer.slug,
                "title": layer.title,
                "agency": layer.agencyName,
                "labels": labels.map { ["label": $0] },
                "multi_rule": labels.count > 1,
                "has_extent": layer.extent != nil,
            ])
            island.append(.members([
                ("slug", .string(layer.slug)), ("title", .string(layer.title)), ("kind", .string(layer.geometryKind?.rawValue ?? "mixed")),
                ("bounds", layer.extent.map { west, south, east, north in [.number(west), .number(south), .number(east), .number(north)] }),
            ]))
        }
        closeSector()

        var config: [(String, JSONValue)] = [("strings", .sorted(mapStrings(language).mapValues(JSONValue.string)))]
        if let province = try? AdminUnitRepository(database).currentExtent(level: "province") {
            config.append(("bounds", [.number(province.minX), .number(province.minY), .number(province.maxX), .number(province.maxY)]))
        }
        return page("map", request, title: localizer.text("map_title", language), [
            "sectors": sectors,
            "has_layers": !island.isEmpty,
            "layers_json": Self.scriptJSON(.array(island)),
            "config_json": Self.scriptJSON(.object(config)),
        ])
    }

    /// The strings map.js shows, from the locale files.
    private func mapStrings(_ language: Language) -> [String: String] {
        var out: [String: String] = [:]
        for key in ["map_identify_nothing", "map_identify_more", "map_identify_failed", "map_layers",
                    "map_identify_feature"] {
            out[key] = localizer.text(key, language)
        }
        return out
    }

    /// JSON for a `<script type="application/json">` island: `<`, `>`, `&` and the line
    /// separators escaped as \u sequences, so no text can close the script element.
    static func scriptJSON(_ value: JSONValue) -> String {
        var out = ""
        for scalar in value.jsonText.unicodeScalars {
            switch scalar {
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
