import Synchronization

/// Gzipped copies of static files, keyed by path, size and modification time, so a stylesheet is
/// compressed once rather than on every request. Bounded; cleared when full.
final class GzipCache: Sendable {
    struct Key: Hashable, Sendable {
        var path: String
        var size: Int
        var mtime: Int
        var nanoseconds: Int
    }

    static let shared = GzipCache(capacityBytes: 32 << 20)

    private let capacityBytes: Int
    private let state = Mutex<(entries: [Key: [UInt8]], bytes: Int)>(([:], 0))

    init(capacityBytes: Int) {
        self.capacityBytes = capacityBytes
    }

    /// The cached gzip bytes for `key`, compressing `load()` on a miss.
    func compressed(_ key: Key, load: () -> [UInt8]?) -> [UInt8]? {
        if let hit = state.withLock({ $0.entries[key] }) { return hit }
        guard let plain = load(), let packed = Gzip.compress(plain) else { return nil }
        state.withLock { state in
            if state.bytes + packed.count > capacityBytes { state = ([:], 0) }
            if packed.count <= capacityBytes {
                state.entries[key] = packed
                state.bytes += packed.count
            }
        }
        return packed
    }
}
