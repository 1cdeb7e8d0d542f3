import GRDB
import Synchronization

/// What the access policy and the map doors read about layers on every request — a layer by
/// slug with an agency's grant, a layer's published version and style — kept in memory, so a
/// cached tile costs no database round trip.
///
/// Valid while the store's revision is unchanged. `RevisionObserver` bumps the revision around
/// every commit that touches the tables these facts come from (before the commit and after it,
/// so a read that raced the commit can never be kept as current), and every write of this
/// process goes through the pool it observes. A second process writing the same file would not
/// bump it: several processes need the revision kept in the store itself.
final class LayerFactsCache: Sendable {
    /// The tables the cached facts are read from.
    /// `settings` too: the portal's pages kept for the public show some of them.
    static let tables: Set<String> = ["layers", "layer_versions", "layer_grants", "agencies", "sectors", "settings"]
    /// Entries kept at most (slugs are chosen by visitors: unknown ones are cached as misses too).
    static let maxEntries = 10_000

    let revision = Atomic<UInt64>(0)

    struct AccessKey: Hashable { let slug: String; let agencyID: Int64? }
    private struct State {
        var access: [AccessKey: (revision: UInt64, value: (layer: LayerSummary, grant: GrantPermission?)?)] = [:]
        var mapStates: [Int64: (revision: UInt64, value: LayerMapState?)] = [:]
    }
    private let state = Mutex(State())

    var current: UInt64 { revision.load(ordering: .acquiring) }

    func access(_ key: AccessKey) -> (layer: LayerSummary, grant: GrantPermission?)?? {
        let now = current
        return state.withLock { state in
            guard let entry = state.access[key], entry.revision == now else { return nil }
            return .some(entry.value)
        }
    }

    func store(_ key: AccessKey, _ value: (layer: LayerSummary, grant: GrantPermission?)?, readAt revision: UInt64) {
        state.withLock { state in
            if state.access.count >= Self.maxEntries { state.access.removeAll(keepingCapacity: true) }
            state.access[key] = (revision, value)
        }
    }

    func mapState(_ layerID: Int64) -> LayerMapState?? {
        let now = current
        return state.withLock { state in
            guard let entry = state.mapStates[layerID], entry.revision == now else { return nil }
            return .some(entry.value)
        }
    }

    func store(_ layerID: Int64, _ value: LayerMapState?, readAt revision: UInt64) {
        state.withLock { state in
            if state.mapStates.count >= Self.maxEntries { state.mapStates.removeAll(keepingCapacity: true) }
            state.mapStates[layerID] = (revision, value)
        }
    }
}

/// Bumps a revision around each commit that changed one of `tables` (updates that set only
/// `ignoredColumns` of a table aside).
final class RevisionObserver: TransactionObserver, @unchecked Sendable {
    // `changed` is only touched on the writer connection's queue, one transaction at a time.
    private var changed = false
    private let tables: Set<String>
    private let ignoredColumns: [String: Set<String>]
    private let bump: @Sendable () -> Void

    init(tables: Set<String>, ignoredColumns: [String: Set<String>] = [:], bump: @escaping @Sendable () -> Void) {
        self.tables = tables
        self.ignoredColumns = ignoredColumns
        self.bump = bump
    }

    convenience init(_ cache: LayerFactsCache) {
        self.init(tables: LayerFactsCache.tables) { cache.revision.add(1, ordering: .releasing) }
    }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        guard tables.contains(eventKind.tableName) else { return false }
        if case .update(let table, let columns) = eventKind, let ignored = ignoredColumns[table], columns.isSubset(of: ignored) {
            return false
        }
        return true
    }

    func databaseDidChange(with event: DatabaseEvent) { changed = true }

    func databaseWillCommit() throws {
        if changed { bump() }
    }

    func databaseDidCommit(_ db: Database) {
        if changed { bump() }
        changed = false
    }

    func databaseDidRollback(_ db: Database) {
        if changed { bump() }
        changed = false
    }
}
