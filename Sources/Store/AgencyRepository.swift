import Foundation
import GRDB

/// Agencies and their tree.
public struct AgencyRepository: Sendable {
    let database: SpatialDatabase
    public init(_ database: SpatialDatabase) { self.database = database }

    static let columns = "id, code, name, kind, parent_id, is_system, disabled"

    static func agency(_ row: Row) -> Agency {
        Agency(id: row["id"], code: row["code"], name: row["name"],
               kind: AgencyKind(rawValue: row["kind"]) ?? .office, parentID: row["parent_id"],
               isSystem: row["is_system"], disabled: row["disabled"])
    }

    /// Creates an agency under `parentCode` (nil for a root) and returns it.
    @discardableResult
    public func create(code: String, name: String, kind: AgencyKind, parentCode: String?,
                       isSystem: Bool = false) throws(StoreError) -> Agency {
        try database.write { db in
            var parentID: Int64?
            if let parentCode {
                guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM agencies WHERE code = ?", arguments: [parentCode]) else {
                    throw StoreError.invalid("parent agency \(parentCode) does not exist")
                }
                parentID = id
            }
            try db.execute(sql: "INSERT INTO agencies(code, name, kind, parent_id, is_system) VALUES (?, ?, ?, ?, ?)",
                           arguments: [code, name, kind.rawValue, parentID, isSystem])
            return Agency(id: db.lastInsertedRowID, code: code, name: name, kind: kind,
                          parentID: parentID, isSystem: isSystem, disabled: false)
        }
    }

    public func find(code: String) throws(StoreError) -> Agency? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM agencies WHERE code = ?", arguments: [code]).map(Self.agency)
        }
    }

    public func find(id: Int64) throws(StoreError) -> Agency? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM agencies WHERE id = ?", arguments: [id]).map(Self.agency)
        }
    }

    /// All agencies, parents before children, siblings by name.
    public func all() throws(StoreError) -> [Agency] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM agencies ORDER BY parent_id IS NOT NULL, name").map(Self.agency)
        }
    }
}
