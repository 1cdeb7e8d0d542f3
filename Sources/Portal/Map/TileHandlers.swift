import Cartography
import Foundation
import Geometry
import HTTP
import Store

/// A tile's address from the path `{z}/{x}/{y}.png` or `{z}/{x}/{y}@2x.png`.
struct TileAddress: Equatable {
    let tile: TileID
    let scale: Int

    init(tile: TileID, scale: Int) {
        self.tile = tile
        self.scale = scale
    }

    /// Nil for anything but plain decimal numbers inside the pyramid and scale 1 or 2.
    init?(z: String?, x: String?, file: String?) {
        guard let file, file.hasSuffix(".png") else { return nil }
        var name = file.dropLast(4)
        var scale = 1
        if name.hasSuffix("@2x") {
            name = name.dropLast(3)
            scale = 2
        }
        guard let z = Self.number(z), let x = Self.number(x), let y = Self.number(name),
              let tile = TileID(z: z, x: x, y: y) else { return nil }
        self.tile = tile
        self.scale = scale
    }

    /// A non-negative decimal of at most 8 digits, nothing else.
    private static func number<S: StringProtocol>(_ text: S?) -> Int? {
        guard let text, !text.isEmpty, text.utf8.count <= 8,
              text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(text)
    }
}

/// The fixed answers of the map doors.
enum MapResponses {
    /// The one answer for every tile or legend that cannot be served: a layer that does not
    /// exist, one the visitor may not see, one with nothing published, or a bad address — the
    /// same bytes for all, so none can be told apart.
    static let notFound = Response(status: 404, headers: [
        "Content-Type": "text/plain; charset=utf-8",
        "Cache-Control": "no-store",
    ], body: .bytes(Array("404 Not Found\n".utf8)))

    /// Cache-Control of a layer's images: shared caches only for open data.
    static func cacheControl(public isPublic: Bool) -> String {
        isPublic ? "public, max-age=300" : "private, max-age=300"
    }

    /// True when an If-None-Match of the request names `etag` (weak comparison, or `*`).
    static func notModified(_ request: Request, etag: String) -> Bool {
        for value in request.headers.values("If-None-Match") {
            for candidate in value.split(separator: ",") {
                var tag = candidate.trimmingCharacters(in: .whitespaces)
                if tag == "*" { return true }
                if tag.hasPrefix("W/") { tag.removeFirst(2) }
                if tag == etag { return true }
            }
        }
        return false
    }
}

extension Portal {
    /// `/tiles/{layer}/{z}/{x}/{y}.png` and `…@2x.png`: a layer's published version, drawn on
    /// transparency. Access is checked first, on every request, before any cache.
    func layerTile(_ request: Request) throws -> Response {
        guard let layer = try mapLayer(request.parameters["layer"], request),
              let address = TileAddress(z: request.parameters["z"], x: request.parameters["x"],
                                        file: request.parameters["file"]),
              let state = try layers.mapState(layerID: layer.id),
              let drawing = map.published.drawing(layer, state: state) else {
            return MapResponses.notFound
        }
        let key = TileKey(subject: drawing.subject, z: address.tile.z, x: address.tile.x, y: address.tile.y,
                          scale: address.scale)
        return try tileResponse(request, key: key, address: address,
                                cacheControl: MapResponses.cacheControl(public: layer.visibility == .public)) {
            [try map.published.tileLayer(drawing)]
        }
    }

    /// The tile door's fast path, on the I/O thread: a request whose actor (the public, or a
    /// session kept in memory) and whose tile's layer facts and bytes are all in memory is
    /// answered from there — by the same policy, with the same headers. Anything else (a session
    /// not in memory, a fact or tile not in memory, a refusal) is handed to `layerTile` on the
    /// handler pool, which answers it in full.
    func fastLayerTile(_ request: Request) -> Response? {
        guard let known = memoryActor(request), let slug = request.parameters["layer"],
              let address = TileAddress(z: request.parameters["z"], x: request.parameters["x"], file: request.parameters["file"]),
              let facts = layers.cachedAccess(slug: slug, agencyID: known?.agencyID), let (layer, grant) = facts,
              Policy.can(known, .viewData, Self.facts(layer, grant: grant)),
              let cachedState = layers.cachedMapState(layerID: layer.id), let state = cachedState,
              let drawing = map.published.drawing(layer, state: state) else { return nil }
        let key = TileKey(subject: drawing.subject, z: address.tile.z, x: address.tile.x, y: address.tile.y, scale: address.scale)
        var headers: HTTPHeaders = ["ETag": key.etag, "Cache-Control": MapResponses.cacheControl(public: layer.visibility == .public)]
        if MapResponses.notModified(request, etag: key.etag) { return Response(status: 304, headers: headers) }
        guard let bytes = map.hotTiles.bytes(key) else { return nil }
        metrics.tileCache(hit: true)
        headers["Content-Type"] = "image/png"
        return Response(status: 200, headers: headers, body: .bytes(bytes))
    }

    /// `/tiles/base/{z}/{x}/{y}.png` and `…@2x.png`: the basemap, public.
    func basemapTile(_ request: Request) throws -> Response {
        guard let address = TileAddress(z: request.parameters["z"], x: request.parameters["x"],
                                        file: request.parameters["file"]) else {
            return MapResponses.notFound
        }
        let subject = try map.basemap.subject()
        let key = TileKey(subject: subject, z: address.tile.z, x: address.tile.x, y: address.tile.y,
                          scale: address.scale)
        return try tileResponse(request, key: key, address: address,
                                cacheControl: MapResponses.cacheControl(public: true)) {
            try map.basemap.layers(revision: subject)
        }
    }

    /// `/legend/{layer}.png` (and `@2x.png`): the swatches of the layer's style, one row per rule.
    func legend(_ request: Request) throws -> Response {
        var name = Substring(request.parameters["file"] ?? "")
        guard name.hasSuffix(".png") else { return MapResponses.notFound }
        name = name.dropLast(4)
        var scale = 1
        if name.hasSuffix("@2x") {
            name = name.dropLast(3)
            scale = 2
        }
        guard let layer = try mapLayer(String(name), request),
              let state = try layers.mapState(layerID: layer.id) else {
            return MapResponses.notFound
        }
        let (style, fingerprint) = map.published.resolvedStyle(state.styleJSON, kind: layer.geometryKind)
        var headers: HTTPHeaders = [
            "ETag": "\"legend-L\(layer.id)-\(fingerprint)@\(scale)x\"",
            "Cache-Control": MapResponses.cacheControl(public: layer.visibility == .public),
        ]
        if MapResponses.notModified(request, etag: headers["ETag"] ?? "") {
            return Response(status: 304, headers: headers)
        }
        headers["Content-Type"] = "image/png"
        return Response(status: 200, headers: headers, body: .bytes(LegendRenderer.render(style, scale: scale).png))
    }

    /// The layer `slug` when the request may see its data; nil in every other case (missing,
    /// hidden, unpublished for an outsider), which the doors answer all alike.
    func mapLayer(_ slug: String?, _ request: Request) throws -> LayerSummary? {
        do {
            return try authorizedLayer(slug ?? "", request, .viewData)
        } catch let error as HTTPError where error.status == 404 {
            return nil
        }
    }

    /// A tile from its key: 304 when the client holds it, the cached file when there is one,
    /// else rendered, stored and sent.
    func tileResponse(_ request: Request, key: TileKey, address: TileAddress, cacheControl: String,
                              layers: () throws -> [TileLayer]) throws -> Response {
        var headers: HTTPHeaders = ["ETag": key.etag, "Cache-Control": cacheControl]
        if MapResponses.notModified(request, etag: key.etag) {
            return Response(status: 304, headers: headers)
        }
        headers["Content-Type"] = "image/png"
        if let cached = map.tileCache.lookup(key) {
            metrics.tileCache(hit: true)
            if cached.size <= HotTiles.maxTileBytes, let bytes = FileManager.default.contents(atPath: cached.path),
               bytes.count == cached.size {
                let png = [UInt8](bytes)
                map.hotTiles.keep(png, for: key)
                return Response(status: 200, headers: headers, body: .bytes(png))
            }
            return Response(status: 200, headers: headers, body: .file(path: cached.path, size: cached.size))
        }
        metrics.tileCache(hit: false)
        let png = try map.render(address.tile, layers: try layers(), scale: address.scale)
        map.tileCache.store(png, for: key)
        map.hotTiles.keep(png, for: key)
        return Response(status: 200, headers: headers, body: .bytes(png))
    }
}
