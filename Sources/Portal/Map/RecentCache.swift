import Synchronization

/// The most recently used values within a byte budget: each value kept with what it costs,
/// and past the budget the least recently used dropped down to nine tenths of it. The hot tiles
/// and the OGC API's pages of items both keep what never changes under their key (a tile of a
/// version, a page of a version), so nothing here is ever invalidated, only evicted.
final class RecentCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    let maxBytes: Int
    /// Values costing more than this are not kept.
    let maxEntryBytes: Int

    private struct State {
        var entries: [Key: (value: Value, cost: Int, lastUse: UInt64)] = [:]
        var total = 0
        var clock: UInt64 = 0
    }
    private let state = Mutex(State())

    init(maxBytes: Int, maxEntryBytes: Int) {
        self.maxBytes = max(0, maxBytes)
        self.maxEntryBytes = maxEntryBytes
    }

    var totalBytes: Int { state.withLock { $0.total } }

    func value(_ key: Key) -> Value? {
        state.withLock { state in
            guard var entry = state.entries[key] else { return nil }
            state.clock += 1
            entry.lastUse = state.clock
            state.entries[key] = entry
            return entry.value
        }
    }

    /// Keeps `value` for `key` at `cost` bytes.
    func keep(_ value: Value, cost: Int, for key: Key) {
        guard cost <= maxEntryBytes, cost <= maxBytes else { return }
        state.withLock { state in
            state.clock += 1
            if let old = state.entries[key] { state.total -= old.cost }
            state.entries[key] = (value, cost, state.clock)
            state.total += cost
            guard state.total > maxBytes else { return }
            let target = maxBytes / 10 * 9
            for (key, entry) in state.entries.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
                guard state.total > target else { break }
                state.entries[key] = nil
                state.total -= entry.cost
            }
        }
    }
}

/// A memory budget in bytes from an environment variable counted in megabytes (0 allowed, at most
/// 4 GB), else `defaultBytes`.
func configuredMemoryBudget(_ variable: String, defaultBytes: Int, _ environment: [String: String]) -> Int {
    guard let text = environment[variable], let megabytes = Int(text), megabytes >= 0 else { return defaultBytes }
    return min(megabytes, 4096) << 20
}
