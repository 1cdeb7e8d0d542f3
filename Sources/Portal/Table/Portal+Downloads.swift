import Foundation
import HTTP
import Store

extension Portal {
    /// `/layers/{slug}/download.geojson`: the published version as GeoJSON, for those who may
    /// download it.
    func downloadPublished(_ request: Request) throws -> Response {
        let (layer, version) = try authorizedVersion(request.parameters["slug"] ?? "", number: nil, request, published: .download)
        guard let version else { throw HTTPError(404, "no such layer") }
        return try download(layer, version, request)
    }

    /// `/layers/{slug}/versions/{number}/download.geojson`: one version as GeoJSON — the
    /// published one for those who may download it, any other for those who may see pending
    /// versions.
    func downloadVersion(_ request: Request) throws -> Response {
        let slug = request.parameters["slug"] ?? ""
        guard let number = Self.versionNumber(request.parameters["number"]) else { throw HTTPError(404, "no such layer") }
        let (layer, version) = try authorizedVersion(slug, number: number, request, published: .download)
        guard let version else { throw HTTPError(404, "no such layer") }
        return try download(layer, version, request)
    }

    /// The GeoJSON file of `version` (RFC 7946, EPSG:4326), written once per version into the
    /// export cache (one writer at a time per version) and sent from disk. Downloads of anything the public may not download are
    /// audited (`layer.download`).
    func download(_ layer: LayerSummary, _ version: VersionRecord, _ request: Request) throws -> Response {
        let path = try tables.exports.file(for: version, slug: layer.slug, database: database)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if layer.visibility != .public || !Self.isPublished(version, of: layer) {
            audit(request, "layer.download", target: layer.slug, detail: "version=\(version.number); format=geojson")
        }
        var response = Response(status: 200, body: .file(path: path, size: size))
        response.headers["Content-Type"] = "application/geo+json"
        response.headers["Content-Disposition"] = "attachment; filename=\"\(layer.slug)-v\(version.number).geojson\""
        response.headers["Cache-Control"] = "private, no-store"
        return response
    }
}
