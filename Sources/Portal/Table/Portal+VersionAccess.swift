import HTTP
import Store

extension Portal {
    /// Version `number` of layer `slug` — the published one when `number` is nil — if the
    /// request's actor may see it: the published version with `publishedAction` (`.viewData` to
    /// read, `.download` to download), any other with `.viewPending`. A version that does not
    /// exist or may not be seen answers 404, exactly as a missing layer. The version is nil only
    /// when none was asked for and none is published (the owner agency sees such a layer).
    func authorizedVersion(_ slug: String, number: Int?, _ request: Request,
                           published publishedAction: LayerAction) throws -> (LayerSummary, VersionRecord?) {
        let layer = try authorizedLayer(slug, request, .view)
        let versions = VersionRepository(database)
        guard let number else {
            let layer = try authorizedLayer(slug, request, publishedAction)
            return (layer, try versions.published(layerID: layer.id))
        }
        let action: LayerAction = layer.publishedVersion == number ? publishedAction : .viewPending
        let allowed = try authorizedLayer(slug, request, action)
        guard let version = try versions.find(layerID: allowed.id, number: number) else {
            throw HTTPError(404, "no such layer")
        }
        return (allowed, version)
    }

    /// Whether `version` is the one `layer` publishes.
    static func isPublished(_ version: VersionRecord, of layer: LayerSummary) -> Bool {
        layer.publishedVersion == version.number
    }

    /// A version number from a request parameter: a positive whole number, else nil.
    static func versionNumber(_ text: String?) -> Int? {
        guard let text, text.utf8.count <= 9, let number = Int(text), number > 0 else { return nil }
        return number
    }
}
