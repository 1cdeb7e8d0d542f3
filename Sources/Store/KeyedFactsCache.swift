import Foundation
import Synchronization

/// A signed-in session with its user and their agency's code, as every request of a signed-in
/// visitor needs them.
public struct ActiveSession: Sendable, Equatable {
    public var session: Session
    public var user: User
    public var agencyCode: String
}

/// Facts found by a key (the hash of a session's or an access token's secret) with their user
/// and agency, kept in memory while no commit has touched the tables they are read from (a new
/// session or token, a sign-out, a revocation, a disabled account or agency, a role changed —
/// each ends every kept entry at once). The clocks of last use are not such a change: the
/// observer ignores their columns, and this process's own updates are written into the kept
/// entry. Like `LayerFactsCache`, the revision lives in this process; where another process
/// may change the facts too (`bando token revoke` beside the server), `lifetime` bounds how long
/// an entry is trusted.
final class KeyedFactsCache<Value: Sendable>: Sendable {
    static var maxEntries: Int { 10_000 }

    let tables: Set<String>
    let ignoredColumns: [String: Set<String>]
    let lifetime: TimeInterval?
    let revision = Atomic<UInt64>(0)
    private let entries = Mutex<[String: (revision: UInt64, at: Double, value: Value?)]>([:])

    init(tables: Set<String>, ignoredColumns: [String: Set<String>], lifetime: TimeInterval? = nil) {
        self.tables = tables
        self.ignoredColumns = ignoredColumns
        self.lifetime = lifetime
    }

    var current: UInt64 { revision.load(ordering: .acquiring) }

    /// The observer that ends the kept entries on every commit that changes `tables`.
    var observer: RevisionObserver {
        RevisionObserver(tables: tables, ignoredColumns: ignoredColumns) { [self] in revision.add(1, ordering: .releasing) }
    }

    /// What is kept for `key` (nil inside: known to be nothing), or nil when nothing is known.
    func lookup(_ key: String) -> Value?? {
        let now = current
        let time = lifetime == nil ? 0 : Date().timeIntervalSinceReferenceDate
        return entries.withLock { entries in
            guard let entry = entries[key], entry.revision == now else { return nil }
            if let lifetime, time - entry.at > lifetime { return nil }
            return .some(entry.value)
        }
    }

    func store(_ key: String, _ value: Value?, readAt revision: UInt64) {
        entries.withLock { entries in
            if entries.count >= Self.maxEntries { entries.removeAll(keepingCapacity: true) }
            entries[key] = (revision, lifetime == nil ? 0 : Date().timeIntervalSinceReferenceDate, value)
        }
    }

    /// Changes the kept value of `key` in place, when there is one.
    func update(_ key: String, _ change: (inout Value) -> Void) {
        entries.withLock { entries in
            guard var entry = entries[key], var value = entry.value else { return }
            change(&value)
            entry.value = value
            entries[key] = entry
        }
    }
}
