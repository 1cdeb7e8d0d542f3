import Cartography
import Store
import Synchronization

/// The portal's own basemap, drawn from the current administrative boundaries: a light fill
/// of the province, commune boundaries as thin lines, the province outline stronger. Outside
/// the province the tiles are transparent, so the map page's background shows.
///
/// The boundaries are held in memory and reloaded when their revision changes; the revision
/// and the styles' fingerprint are part of every basemap tile's cache key.
final class Basemap: Sendable {
    let units: AdminUnitRepository

    private struct Loaded {
        let revision: String
        let layers: [TileLayer]
    }

    private let loaded = Mutex<Loaded?>(nil)
    private let loading = Mutex<Void>(())

    init(units: AdminUnitRepository) {
        self.units = units
    }

    /// Province fill, commune boundaries, province outline — drawn in this order.
    static let styles: [Style] = [
        Style(rules: [Rule(label: "Tỉnh", filter: .equals(attribute: "level", value: "province"),
                           symbolizer: .polygon(PolygonSymbolizer(fill: "#f6f3ea", fillOpacity: 1,
                                                                  stroke: nil, strokeWidth: 0)))]),
        Style(rules: [Rule(label: "Xã, phường", filter: .equals(attribute: "level", value: "commune"), minZoom: 7,
                           symbolizer: .line(LineSymbolizer(color: "#bdb4a2", width: 0.7)))]),
        Style(rules: [Rule(label: "Ranh giới tỉnh", filter: .equals(attribute: "level", value: "province"),
                           symbolizer: .line(LineSymbolizer(color: "#7a6a55", width: 2.2, cap: .round, join: .round)))]),
    ]

    /// One fingerprint for the three styles (their rules in drawing order).
    static let fingerprint = Style(rules: styles.flatMap(\.rules)).fingerprint

    /// The cache-key subject of the basemap as it is now.
    func subject() throws -> String {
        "base-r\(try units.boundariesRevision())-\(Self.fingerprint)"
    }

    /// The renderer's layers for the boundaries at `revision`, loaded when it changed.
    func layers(revision subject: String) throws -> [TileLayer] {
        if let current = loaded.withLock({ $0 }), current.revision == subject { return current.layers }
        return try loading.withLock { _ throws -> [TileLayer] in
            if let current = loaded.withLock({ $0 }), current.revision == subject { return current.layers }
            let index = try units.currentBoundariesIndex()
            let source = IndexedFeatureSource(index: index)
            let layers = try Self.styles.map { try TileLayer(source: source, style: $0) }
            loaded.withLock { $0 = Loaded(revision: subject, layers: layers) }
            return layers
        }
    }
}
