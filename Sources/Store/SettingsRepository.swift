import Foundation
import GRDB

/// Portal-wide settings as key/value text.
public struct SettingsRepository: Sendable {
    let database: SpatialDatabase
    public init(_ database: SpatialDatabase) { self.database = database }

    public func set(_ key: String, _ value: String) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [key, value])
        }
    }

    public func get(_ key: String) throws(StoreError) -> String? {
        try database.read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [key]) }
    }
}
