import Cartography
import Foundation
import Geometry
import HTTP
import Logging
import Raster
import Store
import Synchronization

/// Everything the map doors share: the tile cache on disk, the layers being drawn, the basemap,
/// and a count of tiles rendered (the tests read it to tell a cache hit from a render).
public final class MapServices: Sendable {
    /// The cache's default bound; `BANDO_TILE_CACHE_MB` overrides it.
    public static let defaultCacheBytes = 512 << 20

    let tileCache: TileCache
    /// The hot tiles' bytes, for the tile door's fast path.
    let hotTiles = HotTiles()
    let published: PublishedLayers
    /// The versions under review (pending, rejected, superseded), apart from the published ones
    /// so that reviewing never evicts what everyone is looking at.
    let review: PublishedLayers
    let basemap: Basemap
    private let renders = Atomic<Int>(0)

    /// Services over `database` with the tile cache in `<dataDirectory>/tiles`.
    public init(database: SpatialDatabase, dataDirectory: String,
                cacheBytes: Int = MapServices.configuredCacheBytes(), logger: Logger = Logger(label: "bando.map")) {
        tileCache = TileCache(root: dataDirectory + "/tiles", maxBytes: cacheBytes)
        published = PublishedLayers(features: FeatureRepository(database), logger: logger)
        review = PublishedLayers(features: FeatureRepository(database), indexFeatureLimit: 100_000, logger: logger)
        basemap = Basemap(units: AdminUnitRepository(database))
    }

    /// The cache bound from `BANDO_TILE_CACHE_MB`, else `defaultCacheBytes`.
    public static func configuredCacheBytes(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        guard let text = environment["BANDO_TILE_CACHE_MB"], let megabytes = Int(text), megabytes > 0 else {
            return defaultCacheBytes
        }
        return min(megabytes, 1 << 30) << 20
    }

    /// Tiles rendered since start-up (cache misses).
    public var renderCount: Int { renders.load(ordering: .relaxed) }

    /// Renders one tile as PNG on this thread's renderer.
    func render(_ tile: TileID, layers: [TileLayer], scale: Int) throws -> [UInt8] {
        renders.add(1, ordering: .relaxed)
        return try Self.threadRenderer().renderPNG(tile, layers: layers, scale: scale)
    }

    /// Renders a map image (WMS GetMap) as PNG on this thread's renderer: straight from the
    /// layers when the frame is Web Mercator with square pixels, else through the frame's system.
    /// Images larger than this many pixels are drawn by a renderer of their own, freed after,
    /// so no worker keeps a large canvas; at most two at once (`largeImages`).
    static let largeImagePixels = 1024 * 1024
    let largeImages = PreviewGate(capacity: 2, patience: 2)

    func renderImage(_ frame: MapFrame, layers: [TileLayer], background: Color?) throws -> [UInt8] {
        renders.add(1, ordering: .relaxed)
        let large = frame.width * frame.height > Self.largeImagePixels
        if large {
            guard largeImages.enter() else { throw HTTPError(503, "large map images are all being drawn") }
        }
        defer { if large { largeImages.leave() } }
        let renderer = large ? TileRenderer() : Self.threadRenderer()
        if frame.isPlainMercator {
            return try renderer.renderPNG(area: frame.box, width: frame.width, height: frame.height, zoom: frame.zoom,
                                          layers: layers, background: background)
        }
        let framed = try layers.map { try TileLayer(source: FramedFeatureSource(inner: $0.source, frame: frame), style: $0.style) }
        return try renderer.renderPNG(area: frame.area, width: frame.width, height: frame.height, zoom: frame.zoom,
                                      layers: framed, background: background)
    }

    /// A renderer keeps buffers between tiles and is not thread-safe: one per worker thread.
    private static func threadRenderer() -> TileRenderer {
        let key = "bando.map.tileRenderer"
        let storage = Thread.current.threadDictionary
        if let renderer = storage[key] as? TileRenderer { return renderer }
        let renderer = TileRenderer()
        storage[key] = renderer
        return renderer
    }
}
