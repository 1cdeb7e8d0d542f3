import Cartography
import Foundation
import Geometry
import Store

/// The preview of a style: one 256-pixel tile over a layer's data — its published version, else
/// its newest pending one — drawn with the style as it would be drawn on the map. Rendered on
/// request and never cached (a proposal is not a tile anyone else may see).
enum StylePreview {
    /// The deepest zoom a preview shows, so a single point is still seen in its surroundings.
    static let maxZoom = 15

    /// Pixels kept clear around the data, so markers and strokes at its edge show whole.
    static let margin = 12.0

    /// The tile that holds all of `extent` (EPSG:4326) and its margin at the deepest zoom up to `maxZoom`.
    static func tile(covering extent: BoundingBox) -> TileID {
        let box = WebMercator.project(extent)
        for zoom in stride(from: maxZoom, through: 1, by: -1) {
            let pad = margin * TileMath.resolution(zoom: zoom)
            let padded = BoundingBox(minX: box.minX - pad, minY: box.minY - pad, maxX: box.maxX + pad, maxY: box.maxY + pad)
            if let range = TileMath.tiles(coveringMercator: padded, zoom: zoom), range.count == 1,
               let tile = TileID(z: zoom, x: range.xs.lowerBound, y: range.ys.lowerBound) {
                return tile
            }
        }
        return TileID(z: 0, x: 0, y: 0)!
    }

    /// A PNG as a `data:` URL, for an `<img>` under a CSP that allows `img-src data:`.
    static func dataURL(_ png: [UInt8]) -> String {
        "data:image/png;base64," + Data(png).base64EncodedString()
    }
}

extension Portal {
    /// The version a preview draws: the published one, else the newest pending one; nil when
    /// the layer has no data with an extent to show.
    func previewVersion(_ layer: LayerSummary) throws -> VersionRecord? {
        let versions = VersionRepository(database)
        if let published = try versions.published(layerID: layer.id), published.extent != nil { return published }
        return try versions.history(layerID: layer.id).first { $0.status == .pending && $0.extent != nil }
    }

    /// The preview tile of `style` over `version` (see `StylePreview`), as PNG.
    func previewPNG(_ style: Style, version: VersionRecord?) throws -> [UInt8] {
        guard let version, let (minX, minY, maxX, maxY) = version.extent else {
            return try TileRenderer().renderPNG(TileID(z: 0, x: 0, y: 0)!, layers: [])
        }
        let tile = StylePreview.tile(covering: BoundingBox(minX: minX, minY: minY, maxX: maxX, maxY: maxY))
        let layer = try TileLayer(source: StoreFeatureSource(features: FeatureRepository(database), versionID: version.id),
                                  style: style)
        return try TileRenderer().renderPNG(tile, layers: [layer])
    }
}
