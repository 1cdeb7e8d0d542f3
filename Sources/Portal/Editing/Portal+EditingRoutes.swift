import HTTP
import Store

extension Portal {
    /// Routes of the metadata and style forms.
    func registerEditingRoutes(on router: Router) {}

    /// The layer page's extra facts (contact officer, licence, update frequency…), for the
    /// `layer_metadata` partial.
    func layerMetadataContext(_ layer: LayerSummary, _ language: Language) throws -> [String: Any] { [:] }
}
