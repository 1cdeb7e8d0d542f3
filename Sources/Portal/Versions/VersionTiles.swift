import HTTP
import Store

extension Portal {
    /// `/layers/{slug}/versions/{n}/tiles/{z}/{x}/{y}.png`: one version of a layer drawn in the
    /// layer's approved style, for the review page. A published version is drawn for those who
    /// see the layer's data; any other only for the owner agency's editors, approvers and admins.
    /// Every refusal is the map doors' one 404.
    func versionTile(_ request: Request) throws -> Response {
        let found: (layer: LayerSummary, version: VersionRecord)
        do {
            found = try authorizedVersion(request)
        } catch let error as HTTPError where error.status == 404 {
            return MapResponses.notFound
        }
        guard let address = TileAddress(z: request.parameters["z"], x: request.parameters["x"],
                                        file: request.parameters["file"]),
              let state = try layers.mapState(layerID: found.layer.id) else {
            return MapResponses.notFound
        }
        let services = found.version.status == .published ? map.published : map.review
        let (style, fingerprint) = services.resolvedStyle(state.styleJSON, kind: found.layer.geometryKind)
        let drawing = LayerDrawing(layerID: found.layer.id, versionID: found.version.id,
                                   featureCount: found.version.featureCount, style: style, fingerprint: fingerprint)
        let key = TileKey(subject: drawing.subject, z: address.tile.z, x: address.tile.x, y: address.tile.y,
                          scale: address.scale)
        return try tileResponse(request, key: key, address: address, cacheControl: "private, max-age=60") {
            [try services.tileLayer(drawing)]
        }
    }
}
