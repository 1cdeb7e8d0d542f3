import Foundation
@testable import Store

/// A fresh database file in a private temporary folder, removed by `cleanup()`.
struct TestDatabase {
    let folder: String
    let path: String

    static let migrations: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("migrations").path
    }()

    init() {
        folder = NSTemporaryDirectory() + "bando-store-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        path = folder + "/test.sqlite"
    }

    /// Opens the database and applies every migration.
    func migrated() throws -> SpatialDatabase {
        let db = try SpatialDatabase(path: path)
        try Migrator(directory: Self.migrations).migrate(db)
        return db
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: folder) }
}
