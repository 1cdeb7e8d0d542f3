import HTTP
import Store

extension Portal {
    /// The layer and the version `{number}` of the path, when the request may see that version
    /// (see `authorizedVersion(_:number:_:published:)`); anything else is the 404 of a missing layer.
    func authorizedVersion(_ request: Request) throws -> (layer: LayerSummary, version: VersionRecord) {
        guard let number = Self.versionNumber(request.parameters["number"]) else {
            throw HTTPError(404, "no such layer")
        }
        let (layer, version) = try authorizedVersion(request.parameters["slug"] ?? "", number: number, request,
                                                     published: .viewData)
        guard let version else { throw HTTPError(404, "no such layer") }
        return (layer, version)
    }
}
