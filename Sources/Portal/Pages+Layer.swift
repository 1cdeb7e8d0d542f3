import Foundation
import HTTP
import Store

extension Portal {
    /// `/layers/{slug}`: title, agency, sector, description, geometry kind, feature count, extent.
    /// A layer the visitor may not see answers exactly as one that does not exist.
    func layerPage(_ request: Request) throws -> Response {
        let slug = request.parameters["slug"] ?? ""
        let layer = try authorizedLayer(slug, request, .view)
        let language = Localizer.language(for: request)
        var context: [String: Any] = layerRows([layer], language)[0]
        context["description"] = layer.description
        context["version"] = layer.publishedVersion.map(String.init) ?? "—"
        context["updated_at"] = layer.updatedAt
        if let (minX, minY, maxX, maxY) = layer.extent {
            context["extent"] = [
                "west": Self.degrees(minX), "south": Self.degrees(minY),
                "east": Self.degrees(maxX), "north": Self.degrees(maxY),
            ]
        }
        return page("layer", request, title: layer.title, ["layer": context])
    }

    static func degrees(_ value: Double) -> String { String(format: "%.5f", value) }
}
