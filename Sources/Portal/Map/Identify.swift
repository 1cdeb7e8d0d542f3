import Foundation
import Formats
import Geometry
import HTTP
import Store

/// What a click on the map finds in one layer: the published version's features under the
/// click, points and lines within `tolerancePixels` of it at the click's zoom, polygons that
/// contain it; nearest first, at most `limit`.
enum Identify {
    static let tolerancePixels = 6.0
    static let limit = 20
    /// Candidates read through the spatial index before the exact test.
    static let candidateLimit = 500

    /// The click, from `lon`, `lat` and `z`; nil for anything missing, not finite or out of range.
    static func click(_ request: Request) -> (lonLat: Point, zoom: Double)? {
        guard let lon = number(request.query("lon")), let lat = number(request.query("lat")),
              let zoom = number(request.query("z")),
              (-180...180).contains(lon), (-WebMercator.maxLatitude...WebMercator.maxLatitude).contains(lat),
              (0...Double(TileID.maxZoom)).contains(zoom) else { return nil }
        return (Point(x: lon, y: lat), zoom)
    }

    private static func number(_ text: String?) -> Double? {
        guard let text, text.utf8.count <= 32, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// The features of `versionID` under the click, nearest first.
    static func features(_ repository: FeatureRepository, versionID: Int64, at lonLat: Point,
                         zoom: Double) throws -> (found: [VersionFeature], more: Bool) {
        let metresPerPixel = 2 * WebMercator.halfWorld / (256 * pow(2, zoom))
        let reach = tolerancePixels * metresPerPixel
        let click = WebMercator.project(lonLat)
        let box = WebMercator.unproject(BoundingBox(minX: click.x - reach, minY: click.y - reach,
                                                     maxX: click.x + reach, maxY: click.y + reach))
        let candidates = try repository.features(versionID: versionID, intersecting: box, withProperties: true,
                                                 limit: candidateLimit)
        var hits: [(distance: Double, feature: VersionFeature)] = []
        for candidate in candidates {
            let projected = candidate.geometry.projectedToWebMercator()
            let distance: Double
            switch projected.kind {
            case .polygon:
                guard projected.contains(click) else { continue }
                distance = 0
            case .point, .line, .mixed:
                distance = projected.distance(from: click)
                guard distance <= reach else { continue }
            }
            hits.append((distance, candidate))
        }
        hits.sort { ($0.distance, $0.feature.id) < ($1.distance, $1.feature.id) }
        return (hits.prefix(limit).map(\.feature), hits.count > limit)
    }

    /// `{"layer":…,"features":[{"id":…,"properties":{…}}],"more":…}`, each properties object as
    /// stored when it is a valid JSON object, else `{}`.
    static func json(slug: String, found: [VersionFeature], more: Bool) -> [UInt8] {
        var out = "{\"layer\":" + quoted(slug) + ",\"features\":["
        for (i, feature) in found.enumerated() {
            if i > 0 { out += "," }
            out += "{\"id\":\(feature.id),\"properties\":\(validObject(feature.propertiesJSON))}"
        }
        out += "],\"more\":\(more)}"
        return Array(out.utf8)
    }

    static func validObject(_ text: String?) -> String {
        guard let text, case .object? = try? JSONValue.parse(Array(text.utf8)) else { return "{}" }
        return text
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String { JSONValue.string(text).jsonText }
}

extension Portal {
    /// `/layers/{layer}/identify?lon=…&lat=…&z=…`: the published features under a click, as JSON.
    /// A layer the visitor may not see answers 404 exactly like one that does not exist; bad
    /// numbers answer 400.
    func identify(_ request: Request) throws -> Response {
        let slug = request.parameters["slug"] ?? ""
        guard let layer = try mapLayer(slug, request),
              let state = try layers.mapState(layerID: layer.id),
              let versionID = state.publishedVersionID else {
            return Self.jsonResponse(Array("{\"error\":\"not found\"}".utf8), status: 404)
        }
        guard let click = Identify.click(request) else {
            return Self.jsonResponse(Array("{\"error\":\"lon, lat and z must be numbers in range\"}".utf8), status: 400)
        }
        let result = try Identify.features(map.published.features, versionID: versionID, at: click.lonLat,
                                           zoom: click.zoom)
        return Self.jsonResponse(Identify.json(slug: layer.slug, found: result.found, more: result.more), status: 200)
    }

    static func jsonResponse(_ bytes: [UInt8], status: Int) -> Response {
        var response = Response.json(bytes, status: status)
        response.headers["Content-Type"] = "application/json; charset=utf-8"
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
    }
}
