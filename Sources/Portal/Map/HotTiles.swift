import Foundation
import Synchronization

/// The most recently used tiles' bytes in memory, within a byte budget, so the tile door's fast
/// path answers them on the I/O thread without touching the disk. The files of `TileCache` stay
/// the record (shared by processes, kept across restarts); this only mirrors the hot ones.
final class HotTiles: Sendable {
    /// The default budget; `BANDO_HOT_TILES_MB` overrides it (0 turns the mirror off).
    static let defaultBytes = 64 << 20
    /// Tiles larger than this stay on disk only.
    static let maxTileBytes = 256 << 10

    let maxBytes: Int

    private struct State {
        var tiles: [TileKey: (bytes: [UInt8], lastUse: UInt64)] = [:]
        var total = 0
        var clock: UInt64 = 0
    }
    private let state = Mutex(State())

    init(maxBytes: Int = HotTiles.configuredBytes()) { self.maxBytes = max(0, maxBytes) }

    static func configuredBytes(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        guard let text = environment["BANDO_HOT_TILES_MB"], let megabytes = Int(text), megabytes >= 0 else { return defaultBytes }
        return min(megabytes, 4096) << 20
    }

    var totalBytes: Int { state.withLock { $0.total } }

    func bytes(_ key: TileKey) -> [UInt8]? {
        state.withLock { state in
            guard var entry = state.tiles[key] else { return nil }
            state.clock += 1
            entry.lastUse = state.clock
            state.tiles[key] = entry
            return entry.bytes
        }
    }

    /// Keeps `bytes` for `key`; past the budget, drops the least recently used down to nine tenths.
    func keep(_ bytes: [UInt8], for key: TileKey) {
        guard bytes.count <= Self.maxTileBytes, bytes.count <= maxBytes else { return }
        state.withLock { state in
            state.clock += 1
            if let old = state.tiles[key] { state.total -= old.bytes.count }
            state.tiles[key] = (bytes, state.clock)
            state.total += bytes.count
            guard state.total > maxBytes else { return }
            let target = maxBytes / 10 * 9
            for (key, entry) in state.tiles.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
                guard state.total > target else { break }
                state.tiles[key] = nil
                state.total -= entry.bytes.count
            }
        }
    }
}
