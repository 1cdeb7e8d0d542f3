import Cartography
import Foundation
import Logging
import Store
import Synchronization

/// What one tile of a layer is drawn from: its published version in one style. Its `subject`
/// names it in tile-cache keys and ETags, so a new version or a new style is a new key.
struct LayerDrawing: Sendable {
    let layerID: Int64
    let versionID: Int64
    /// Features of the version, to choose between the in-memory index and SQL.
    let featureCount: Int
    let style: Style
    let fingerprint: String

    var subject: String { "L\(layerID)-v\(versionID)-\(fingerprint)" }
}

/// The layers being drawn: their styles resolved and fingerprinted once per distinct style
/// text, and one `TileLayer` per layer for its published version, holding the version's
/// in-memory index when it is small enough (`indexFeatureLimit`), else its overview for low
/// zooms. A layer's entry is replaced as soon as a request sees another published version or
/// style, which drops the old index.
final class PublishedLayers: Sendable {
    let features: FeatureRepository
    /// Versions with more features than this are read from SQL tile by tile instead.
    let indexFeatureLimit: Int

    private struct Entry {
        let versionID: Int64
        let fingerprint: String
        let attributes: [String]
        let index: SpatialTableIndex?
        let overview: OverviewSlot?
        let layer: TileLayer
    }

    private let styles = Mutex<[String: (style: Style, fingerprint: String)]>([:])
    /// The last drawing of each layer, kept with the version and style text it came from: the
    /// text of a layer's facts in memory is one string, so comparing it again costs nothing
    /// (where hashing it to find its style would cost the whole text).
    private let drawings = Mutex<[Int64: (versionID: Int64, json: String?, drawing: LayerDrawing)]>([:])
    private let entries = Mutex<[Int64: Entry]>([:])
    /// Serializes index builds, so concurrent first requests for a layer build it once.
    private let building = Mutex<Void>(())
    private let builds = Atomic<Int>(0)
    private let overviewBuilds = Atomic<Int>(0)

    /// Where a background build that failed is reported (the layer is then read from SQL).
    let logger: Logger

    init(features: FeatureRepository, indexFeatureLimit: Int = 300_000,
         logger: Logger = Logger(label: "bando.map")) {
        self.features = features
        self.indexFeatureLimit = indexFeatureLimit
        self.logger = logger
    }

    /// How many in-memory indexes have been built.
    var indexBuildCount: Int { builds.load(ordering: .relaxed) }
    /// How many overviews have been built (or failed to be).
    var overviewBuildCount: Int { overviewBuilds.load(ordering: .relaxed) }

    /// The drawing of `layer`'s published version, or nil when nothing is published.
    func drawing(_ layer: LayerSummary, state: LayerMapState) -> LayerDrawing? {
        guard let versionID = state.publishedVersionID else { return nil }
        if let kept = drawings.withLock({ $0[layer.id] }), kept.versionID == versionID, kept.json == state.styleJSON,
           kept.drawing.featureCount == layer.featureCount {
            return kept.drawing
        }
        let (style, fingerprint) = resolvedStyle(state.styleJSON, kind: layer.geometryKind)
        let drawing = LayerDrawing(layerID: layer.id, versionID: versionID, featureCount: layer.featureCount,
                                   style: style, fingerprint: fingerprint)
        drawings.withLock { kept in
            if kept.count > 4096 { kept.removeAll() }
            kept[layer.id] = (versionID, state.styleJSON, drawing)
        }
        return drawing
    }

    /// The layer's stored style, or the default one of its geometry kind when it has none or
    /// the stored text is not a valid style.
    func resolvedStyle(_ json: String?, kind: Store.GeometryKind?) -> (style: Style, fingerprint: String) {
        let key = json ?? "default:\(kind?.rawValue ?? "mixed")"
        if let known = styles.withLock({ $0[key] }) { return known }
        var style = Self.defaultStyle(kind)
        if let json, let stored = try? Style(json: json) { style = stored }
        let resolved = (style: style, fingerprint: style.fingerprint)
        styles.withLock { cache in
            if cache.count > 512 { cache.removeAll() }
            cache[key] = resolved
        }
        return resolved
    }

    static func defaultStyle(_ kind: Store.GeometryKind?) -> Style {
        switch kind {
        case .point: return .defaultStyle(for: .point)
        case .line: return .defaultStyle(for: .line)
        case .polygon: return .defaultStyle(for: .polygon)
        case nil: return .defaultStyle(for: .mixed)
        }
    }

    /// The renderer's layer for `drawing`, built (and its index loaded) on first use.
    func tileLayer(_ drawing: LayerDrawing) throws -> TileLayer {
        if let entry = current(drawing) { return entry.layer }
        return try building.withLock { _ throws -> TileLayer in
            if let entry = current(drawing) { return entry.layer }
            let attributes = drawing.style.attributeNames
            let previous = entries.withLock { $0[drawing.layerID] }
            let same = previous.map { $0.versionID == drawing.versionID && $0.attributes == attributes } ?? false
            var index: SpatialTableIndex?
            var overview: OverviewSlot?
            let source: any FeatureSource
            if same, let kept = previous?.index {
                index = kept
                source = IndexedFeatureSource(index: kept)
            } else if drawing.featureCount <= indexFeatureLimit {
                let loaded = try features.loadIndex(versionID: drawing.versionID, attributes: attributes)
                builds.add(1, ordering: .relaxed)
                index = loaded
                source = IndexedFeatureSource(index: loaded)
            } else {
                let slot = same ? previous?.overview ?? OverviewSlot() : OverviewSlot()
                if slot !== previous?.overview { buildOverview(into: slot, versionID: drawing.versionID, attributes: attributes) }
                overview = slot
                source = LargeVersionSource(overview: slot,
                                            store: StoreFeatureSource(features: features, versionID: drawing.versionID))
            }
            let layer = try TileLayer(source: source, style: drawing.style)
            entries.withLock {
                $0[drawing.layerID] = Entry(versionID: drawing.versionID, fingerprint: drawing.fingerprint,
                                            attributes: attributes, index: index, overview: overview, layer: layer)
            }
            return layer
        }
    }

    /// Builds a large version's overview on the background queue, one at a time; tiles read
    /// the version from SQL until it is filled. A failed build leaves them doing so.
    private func buildOverview(into slot: OverviewSlot, versionID: Int64, attributes: [String]) {
        Self.overviewQueue.async { [self] in
            var overview: VersionOverview?
            do {
                overview = try features.loadOverview(versionID: versionID, attributes: attributes)
            } catch {
                logger.error("overview of version \(versionID) not built, its low zooms are read from SQL: \(error)")
            }
            slot.fill(overview)
            overviewBuilds.add(1, ordering: .relaxed)
        }
    }

    /// Where overviews are built: one at a time, beside the workers.
    private static let overviewQueue = DispatchQueue(label: "bando.map.overviews", qos: .utility)

    /// Builds the drawing's tile layer (its index, or the start of its overview) on the
    /// background queue, so that its first visitor does not wait for it.
    func prepare(_ drawing: LayerDrawing) {
        Self.overviewQueue.async { [self] in
            do {
                _ = try tileLayer(drawing)
            } catch {
                logger.error("layer \(drawing.layerID) version \(drawing.versionID) not prepared for the map: \(error)")
            }
        }
    }

    /// The overview of the layer's drawn version once built, for tests and metrics.
    func overview(layerID: Int64) -> VersionOverview? {
        entries.withLock { $0[layerID]?.overview }?.overview
    }

    private func current(_ drawing: LayerDrawing) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[drawing.layerID], entry.versionID == drawing.versionID,
                  entry.fingerprint == drawing.fingerprint else { return nil }
            return entry
        }
    }
}
