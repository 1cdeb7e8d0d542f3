import Foundation
import HTTP
import Store

extension Portal {
    /// The scope whose eyes a request sees with, for listings filtered in SQL.
    func scope(for request: Request) -> ListingScope { Policy.listingScope(actor(for: request)) }

    /// Template rows for layers, localized.
    func layerRows(_ layers: [LayerSummary], _ language: Language) -> [[String: Any]] {
        layers.map { layer in
            [
                "slug": layer.slug,
                "title": layer.title,
                "agency": layer.agencyName,
                "sector": (language == .en ? layer.sectorNameEn : layer.sectorNameVi) ?? "",
                "kind": layer.geometryKind.map { localizer.text("kind_\($0.rawValue)", language) } ?? "",
                "features": Self.formatCount(layer.featureCount, language),
                "visibility": localizer.text("visibility_\(layer.visibility.rawValue)", language),
            ]
        }
    }

    /// `/`: the portal's name, the province, and the layers the visitor may see.
    func home(_ request: Request) throws -> Response {
        let language = Localizer.language(for: request)
        let visible = try layers.listVisible(to: scope(for: request))
        let rows = layerRows(visible, language)
        return page("home", request, title: nil, [
            "layers": rows,
            "has_layers": !rows.isEmpty,
            "layer_count": rows.count,
            "may_upload": (try? uploader(request)) != nil,
        ])
    }

    /// Groups digits the way the language does ("12.345" in Vietnamese, "12,345" in English).
    static func formatCount(_ value: Int, _ language: Language) -> String {
        groupDigits(String(value.magnitude), language, negative: value < 0)
    }

    /// `digits` (an integer's, without sign) grouped by thousands as `language` writes them,
    /// when there are at least `minimumDigits` of them; `-` in front when `negative`.
    static func groupDigits(_ digits: String, _ language: Language, negative: Bool, minimumDigits: Int = 1) -> String {
        var out = negative ? "-" : ""
        guard digits.count >= minimumDigits else { return out + digits }
        let mark: Character = language == .vi ? "." : ","
        for (index, char) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(mark) }
            out.append(char)
        }
        return out
    }
}
