import Synchronization

/// A small map that forgets its least recently used entry when full, safe to share between
/// threads. Meant for a handful of entries: lookups and evictions walk the recency list.
final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct State {
        var entries: [Key: Value] = [:]
        /// Keys from least to most recently used.
        var recency: [Key] = []

        mutating func touch(_ key: Key) {
            recency.removeAll { $0 == key }
            recency.append(key)
        }
    }

    /// Most entries kept.
    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The value of `key`, now the most recently used; nil when absent.
    func value(_ key: Key) -> Value? {
        state.withLock { state in
            guard let value = state.entries[key] else { return nil }
            state.touch(key)
            return value
        }
    }

    /// Keeps `value` under `key`, forgetting the least recently used entries beyond `capacity`.
    func store(_ value: Value, for key: Key) {
        state.withLock { state in
            state.entries[key] = value
            state.touch(key)
            while state.recency.count > capacity {
                state.entries[state.recency.removeFirst()] = nil
            }
        }
    }

    /// Forgets every entry whose key satisfies `condition`.
    func removeAll(where condition: (Key) -> Bool) {
        state.withLock { state in
            for key in state.recency where condition(key) { state.entries[key] = nil }
            state.recency.removeAll(where: condition)
        }
    }

    /// How many entries are kept.
    var count: Int { state.withLock { $0.entries.count } }
}
