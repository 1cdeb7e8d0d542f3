import Foundation
import HTTP
import Store
import Synchronization

/// The attribute table's sorted and filtered orders, computed once and kept: for a version and
/// an `AttributeOrder`, the ids of the matching features in order. A version's features never
/// change (an edit makes a new version), so an order stays true for as long as its version;
/// the key also holds the version's creation time and feature count, so a version id used
/// again is never answered from an old entry. With the ids, a page view costs one read of its
/// rows by id, whatever the page, the sort or the filter.
///
/// Computing an order reads the whole version (every value of every feature, for a filter on
/// any field), so it is bounded three ways: the entries kept (`maxEntries`, and `maxIDs` ids in
/// all, least recently used first out); one computation per key, concurrent first requests
/// waiting for it (`SingleFlight`); and at most `maxBusy` requests at once computing an order
/// or waiting for one — any more wait up to `maxWait` seconds for a turn, then are answered 503,
/// so table queries never hold every worker for long. Every feature in id order needs none of this: the version's index reads a page of
/// it directly.
final class AttributeOrderCache: Sendable {
    /// The default bound on requests inside a computation: one fewer than the server's default
    /// worker count (one per core, at least two), and no more than two.
    static let defaultMaxBusy = max(1, min(2, ProcessInfo.processInfo.activeProcessorCount - 1))
    /// Seconds a refused request is told to wait before asking again.
    static let retryAfterSeconds = 2

    struct Key: Hashable, Sendable {
        var versionID: Int64
        var createdAt: String
        var featureCount: Int
        var order: AttributeOrder
    }

    private struct Entry {
        var ids: [Int64]
        /// When the entry was last read, on the cache's own clock.
        var used: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var ids = 0
        var clock: UInt64 = 0
        var busy = 0
    }

    let maxEntries: Int
    let maxIDs: Int
    let maxBusy: Int
    /// Seconds a request waits for a turn before the 503.
    let maxWait: TimeInterval
    private let state = Mutex(State())
    private let flights = SingleFlight<Key, [Int64]>()
    private let computations = Atomic<Int>(0)

    init(maxEntries: Int = 64, maxIDs: Int = 4_000_000, maxBusy: Int = AttributeOrderCache.defaultMaxBusy,
         maxWait: TimeInterval = 3) {
        self.maxWait = max(0, maxWait)
        self.maxEntries = max(1, maxEntries)
        self.maxIDs = max(0, maxIDs)
        self.maxBusy = max(1, maxBusy)
    }

    /// Orders computed since start-up (the tests read it to tell a kept order from a new one).
    var computeCount: Int { computations.load(ordering: .relaxed) }

    /// How many orders are kept, and how many ids they hold in all.
    var usage: (entries: Int, ids: Int) { state.withLock { ($0.entries.count, $0.ids) } }

    /// One page of `version`'s attribute table, as `FeatureRepository.attributePage` reads it:
    /// straight from the version's index in feature order, else from the kept order.
    func page(_ features: FeatureRepository, version: VersionRecord, fields: [String],
              query: AttributeQuery) throws -> AttributePage {
        let order = query.order
        if order.isFeatureOrder { return try features.attributePage(versionID: version.id, fields: fields, query: query) }
        let key = Key(versionID: version.id, createdAt: version.createdAt, featureCount: version.featureCount, order: order)
        let ids = try ids(for: key) { try features.matchingFeatureIDs(versionID: version.id, order: order) }
        return try features.attributePage(versionID: version.id, fields: fields, query: query, orderedIDs: ids)
    }

    /// The ids kept for `key`, else those `compute` gives — computed once however many ask at
    /// the same time, then kept. Throws a 503 when `maxBusy` requests are computing or waiting.
    func ids(for key: Key, compute: () throws -> [Int64]) throws -> [Int64] {
        if let kept = lookup(key) { return kept }
        let deadline = Date().addingTimeInterval(maxWait)
        var admitted = false
        while true {
            admitted = state.withLock { state in
                guard state.busy < maxBusy else { return false }
                state.busy += 1
                return true
            }
            if admitted || Date() >= deadline { break }
            usleep(50_000)
            if let kept = lookup(key) { return kept }
        }
        guard admitted else {
            var headers = HTTPHeaders()
            headers["Retry-After"] = String(Self.retryAfterSeconds)
            throw HTTPError(503, "the attribute table is busy; try again in a moment", headers: headers)
        }
        defer { state.withLock { $0.busy -= 1 } }
        return try flights.run(key) {
            if let kept = lookup(key) { return kept }
            computations.add(1, ordering: .relaxed)
            let ids = try compute()
            keep(ids, for: key)
            return ids
        }
    }

    /// The ids kept for `key`, marked as just used.
    private func lookup(_ key: Key) -> [Int64]? {
        state.withLock { state in
            guard var entry = state.entries[key] else { return nil }
            state.clock += 1
            entry.used = state.clock
            state.entries[key] = entry
            return entry.ids
        }
    }

    /// Keeps `ids` for `key`, dropping the least recently used entries to stay within the
    /// bounds. An order larger than `maxIDs` alone is not kept.
    private func keep(_ ids: [Int64], for key: Key) {
        guard ids.count <= maxIDs else { return }
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: key) { state.ids -= old.ids.count }
            while !state.entries.isEmpty && (state.entries.count >= maxEntries || state.ids + ids.count > maxIDs) {
                guard let oldest = state.entries.min(by: { $0.value.used < $1.value.used })?.key,
                      let dropped = state.entries.removeValue(forKey: oldest) else { break }
                state.ids -= dropped.ids.count
            }
            state.clock += 1
            state.entries[key] = Entry(ids: ids, used: state.clock)
            state.ids += ids.count
        }
    }
}
