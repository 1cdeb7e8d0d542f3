import Foundation
import GRDB
@testable import Store
import Testing

/// Bulk writes commit without waiting for the disk, and the writer's own setting comes back
/// however the callers overlap or fail.
@Suite struct RelaxedDurabilityTests {
    static func synchronous(_ database: SpatialDatabase) throws -> Int {
        try database.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    static func cacheSize(_ database: SpatialDatabase) throws -> Int {
        try database.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? 0 }
    }

    @Test func overlappingCallersShareOneRelaxationAndTheLastRestores() throws {
        let test = TestDatabase()
        defer { test.cleanup() }
        let database = try test.migrated()
        try database.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        #expect(try Self.synchronous(database) == 2)
        let cache = try Self.cacheSize(database)
        // The first caller's scope ends while a second is still inside: the second must stay relaxed.
        let firstInside = DispatchSemaphore(value: 0), firstMayLeave = DispatchSemaphore(value: 0)
        let firstLeft = DispatchSemaphore(value: 0)
        Thread {
            try? database.withRelaxedDurability {
                firstInside.signal()
                firstMayLeave.wait()
            }
            firstLeft.signal()
        }.start()
        firstInside.wait()
        let inside = try database.withRelaxedDurability { () throws -> (Int, Int, Int) in
            let together = try Self.synchronous(database)
            let bulkCache = try Self.cacheSize(database)
            firstMayLeave.signal()
            firstLeft.wait()
            return (together, try Self.synchronous(database), bulkCache)
        }
        #expect(inside.2 == -SpatialDatabase.bulkCacheKiB)
        #expect(inside.0 == 1)
        #expect(inside.1 == 1, "the first caller to leave restored the setting too early")
        #expect(try Self.synchronous(database) == 2)
        #expect(try Self.cacheSize(database) == cache)
    }

    @Test func aFailingBodyRestoresTheSetting() throws {
        let test = TestDatabase()
        defer { test.cleanup() }
        let database = try test.migrated()
        try database.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try database.withRelaxedDurability { () throws -> Void in
                try database.write { db in try db.execute(sql: "CREATE TABLE probe(x)") }
                throw Refused()
            }
        }
        #expect(try Self.synchronous(database) == 2)
        // What was committed inside stays committed.
        #expect(try database.read { db in try Bool.fetchOne(db, sql: "SELECT count(*) = 1 FROM sqlite_master WHERE name = 'probe'") } == true)
    }
}
