import Foundation
import GRDB

/// What became of a request to move an agency under another parent.
public enum AgencyMoveOutcome: Sendable, Equatable {
    case moved
    /// The new parent is the agency itself or one of its descendants: the tree would loop.
    case wouldCycle
    /// The agency or the new parent does not exist.
    case notFound
}

extension AgencyRepository {
    /// Renames an agency; false when there is no agency with that code.
    @discardableResult
    public func rename(code: String, to name: String) throws(StoreError) -> Bool {
        try database.write { db in
            try db.execute(sql: "UPDATE agencies SET name = ? WHERE code = ?", arguments: [name, code])
            return db.changesCount > 0
        }
    }

    /// Moves an agency under `parentCode` (nil: to the top of the tree). Refuses, in the same
    /// transaction as the write, a parent that is the agency itself or below it.
    public func move(code: String, toParentCode parentCode: String?) throws(StoreError) -> AgencyMoveOutcome {
        try database.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM agencies WHERE code = ?", arguments: [code]) else {
                return .notFound
            }
            var parentID: Int64?
            if let parentCode {
                guard let found = try Int64.fetchOne(db, sql: "SELECT id FROM agencies WHERE code = ?", arguments: [parentCode]) else {
                    return .notFound
                }
                let below = try Self.subtreeIDs(db, of: id)
                if below.contains(found) { return .wouldCycle }
                parentID = found
            }
            try db.execute(sql: "UPDATE agencies SET parent_id = ? WHERE id = ?", arguments: [parentID, id])
            return .moved
        }
    }

    /// The agency `id` and every agency below it.
    public func subtree(of id: Int64) throws(StoreError) -> Set<Int64> {
        try database.read { db in try Self.subtreeIDs(db, of: id) }
    }

    static func subtreeIDs(_ db: Database, of id: Int64) throws -> Set<Int64> {
        Set(try Int64.fetchAll(db, sql: """
            WITH RECURSIVE below(id) AS (
              SELECT ? UNION SELECT a.id FROM agencies a JOIN below b ON a.parent_id = b.id)
            SELECT id FROM below
            """, arguments: [id]))
    }

    /// Disables or enables an agency. Disabling also ends every session of its users, in the same
    /// transaction. Returns false when there is no agency with that code.
    @discardableResult
    public func setDisabled(code: String, _ disabled: Bool) throws(StoreError) -> Bool {
        try database.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM agencies WHERE code = ?", arguments: [code]) else {
                return false
            }
            try db.execute(sql: "UPDATE agencies SET disabled = ? WHERE id = ?", arguments: [disabled, id])
            if disabled {
                try db.execute(sql: "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE agency_id = ?)",
                               arguments: [id])
            }
            return true
        }
    }
}
