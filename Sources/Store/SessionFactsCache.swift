import Foundation
import Synchronization

/// A signed-in session with its user and their agency's code, as every request of a signed-in
/// visitor needs them.
public struct ActiveSession: Sendable, Equatable {
    public var session: Session
    public var user: User
    public var agencyCode: String
}

/// Sessions with their user and agency, kept in memory while no commit has touched `sessions`,
/// `users` or `agencies` (a new session, a sign-out, a disabled account or agency, a role
/// changed — each ends every kept entry at once); the idle clock's updates are not such a
/// change: this process's own are written into the kept entry too. Like `LayerFactsCache`, the
/// revision lives in this process.
final class SessionFactsCache: Sendable {
    static let tables: Set<String> = ["sessions", "users", "agencies"]
    static let maxEntries = 10_000

    let revision = Atomic<UInt64>(0)
    private let entries = Mutex<[String: (revision: UInt64, value: ActiveSession?)]>([:])

    var current: UInt64 { revision.load(ordering: .acquiring) }

    func lookup(_ tokenHash: String) -> ActiveSession?? {
        let now = current
        return entries.withLock { entries in
            guard let entry = entries[tokenHash], entry.revision == now else { return nil }
            return .some(entry.value)
        }
    }

    func store(_ tokenHash: String, _ value: ActiveSession?, readAt revision: UInt64) {
        entries.withLock { entries in
            if entries.count >= Self.maxEntries { entries.removeAll(keepingCapacity: true) }
            entries[tokenHash] = (revision, value)
        }
    }

    func touched(_ tokenHash: String, at date: Date) {
        entries.withLock { entries in
            guard var entry = entries[tokenHash], var value = entry.value else { return }
            value.session.lastSeenAt = date
            entry.value = value
            entries[tokenHash] = entry
        }
    }
}
