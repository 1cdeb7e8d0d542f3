import Foundation

/// The most recently used tiles' bytes in memory, within a byte budget, so the tile door's fast
/// path answers them on the I/O thread without touching the disk. The files of `TileCache` stay
/// the record (shared by processes, kept across restarts); this only mirrors the hot ones.
final class HotTiles: Sendable {
    /// The default budget; `BANDO_HOT_TILES_MB` overrides it (0 turns the mirror off).
    static let defaultBytes = 64 << 20
    /// Tiles larger than this stay on disk only.
    static let maxTileBytes = 256 << 10

    private let cache: RecentCache<TileKey, [UInt8]>

    init(maxBytes: Int = HotTiles.configuredBytes()) {
        cache = RecentCache(maxBytes: maxBytes, maxEntryBytes: Self.maxTileBytes)
    }

    var maxBytes: Int { cache.maxBytes }

    static func configuredBytes(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        configuredMemoryBudget("BANDO_HOT_TILES_MB", defaultBytes: defaultBytes, environment)
    }

    var totalBytes: Int { cache.totalBytes }

    func bytes(_ key: TileKey) -> [UInt8]? { cache.value(key) }

    /// Keeps `bytes` for `key`; past the budget, drops the least recently used down to nine tenths.
    func keep(_ bytes: [UInt8], for key: TileKey) { cache.keep(bytes, cost: bytes.count, for: key) }
}
