import Foundation
import HTTP
import Store

extension Portal {
    /// Removes the download files no version needs any more (`ExportCache.prune`); `bando serve`
    /// calls it once it listens.
    public func pruneExports() {
        let removed = tables.exports.prune(database)
        if !removed.isEmpty { logger.info("removed \(removed.count) download files no version needs") }
    }

    /// `/layers/{slug}/download.{format}`: the published version, for those who may download it.
    func downloadPublished(_ request: Request, _ format: LayerExport.Format) throws -> Response {
        let (layer, version) = try authorizedVersion(request.parameters["slug"] ?? "", number: nil, request, published: .download)
        guard let version else { throw HTTPError(404, "no such layer") }
        return try download(layer, version, format, request)
    }

    /// `/layers/{slug}/versions/{number}/download.{format}`: one version — the
    /// published one for those who may download it, any other for those who may see pending
    /// versions.
    func downloadVersion(_ request: Request, _ format: LayerExport.Format) throws -> Response {
        let slug = request.parameters["slug"] ?? ""
        guard let number = Self.versionNumber(request.parameters["number"]) else { throw HTTPError(404, "no such layer") }
        let (layer, version) = try authorizedVersion(slug, number: number, request, published: .download)
        guard let version else { throw HTTPError(404, "no such layer") }
        return try download(layer, version, format, request)
    }

    /// Whether the request asks for the file from its start: a whole download, or the first of
    /// the byte ranges a client such as GDAL's /vsicurl/ reads a file in — so one reading is
    /// audited once, not once per range.
    static func asksFirstByte(_ request: Request) -> Bool {
        guard let range = request.headers["Range"]?.trimmingCharacters(in: .whitespaces).lowercased() else { return true }
        return range.hasPrefix("bytes=0-") || !range.hasPrefix("bytes=")
    }

    /// The file of `version` in `format` (EPSG:4326), written once per version and format into
    /// the export cache (one writer at a time per file) and sent from disk. Downloads of
    /// anything the public may not download are audited (`layer.download`), and every download
    /// through a token.
    func download(_ layer: LayerSummary, _ version: VersionRecord, _ format: LayerExport.Format,
                  _ request: Request) throws -> Response {
        let path = try tables.exports.file(for: version, slug: layer.slug, format: format, database: database)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if Self.asksFirstByte(request),
           layer.visibility != .public || !Self.isPublished(version, of: layer) || (request.context as? RequestContext)?.token != nil {
            audit(request, "layer.download", target: layer.slug, detail: "version=\(version.number); format=\(format.rawValue)")
        }
        var response = Response(status: 200, body: .file(path: path, size: size))
        response.headers["Content-Type"] = format.mediaType
        response.headers["Content-Disposition"] = "attachment; filename=\"\(layer.slug)-v\(version.number).\(format.rawValue)\""
        response.headers["Cache-Control"] = "private, no-store"
        return response
    }
}
