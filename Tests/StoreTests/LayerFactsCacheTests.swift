import Foundation
import GRDB
import Testing
@testable import Store

/// Layer facts come from memory until a commit changes the tables they are read from; every
/// change this process commits is seen by the very next read.
@Suite struct LayerFactsCacheTests {
    func prepared() throws -> (TestDatabase, SpatialDatabase, LayerRepository, Int64, Int64) {
        let test = TestDatabase()
        let db = try test.migrated()
        let agencies = AgencyRepository(db)
        try agencies.create(code: "stnmt", name: "Sở TN&MT", kind: .department, parentCode: nil)
        try agencies.create(code: "sxd", name: "Sở Xây dựng", kind: .department, parentCode: nil)
        let layers = LayerRepository(db)
        let layerID = try layers.create(slug: "quy-hoach", title: "Quy hoạch", description: "", sector: nil, ownerCode: "stnmt",
                                        geometryKind: .polygon, visibility: .shared)
        let sxd = try #require(try agencies.find(code: "sxd")).id
        return (test, db, layers, layerID, sxd)
    }

    @Test func repeatedReadsAreAnsweredFromMemory() throws {
        let (test, db, layers, _, sxd) = try prepared(); defer { test.cleanup() }
        _ = try layers.findForAccess(slug: "quy-hoach", agencyID: sxd)
        let revision = db.layerFacts.current
        #expect(db.layerFacts.access(.init(slug: "quy-hoach", agencyID: sxd)) != nil, "kept after the first read")
        #expect(db.layerFacts.access(.init(slug: "khong-co", agencyID: nil)) == nil)
        _ = try layers.findForAccess(slug: "khong-co", agencyID: nil)
        #expect(db.layerFacts.access(.init(slug: "khong-co", agencyID: nil)) != nil, "misses are kept too")
        // Writes to other tables (sign-ins, sessions, audit) leave the facts valid.
        try db.write { db in try db.execute(sql: "INSERT INTO audit_log(action, target) VALUES ('test', 'x')") }
        #expect(db.layerFacts.current == revision)
    }

    @Test func grantsVisibilityAndPublicationShowAtOnce() throws {
        let (test, db, layers, layerID, sxd) = try prepared(); defer { test.cleanup() }
        #expect(try layers.findForAccess(slug: "quy-hoach", agencyID: sxd)?.grant == nil)
        try layers.grant(layerSlug: "quy-hoach", agencyCode: "sxd", download: false, reason: "phối hợp", grantedBy: nil)
        #expect(try layers.findForAccess(slug: "quy-hoach", agencyID: sxd)?.grant == .view)
        #expect(try layers.revokeGrant(layerID: layerID, agencyID: sxd))
        #expect(try layers.findForAccess(slug: "quy-hoach", agencyID: sxd)?.grant == nil, "a revoked grant is gone at once")
        try layers.setVisibility(layerID: layerID, .public)
        #expect(try layers.findForAccess(slug: "quy-hoach", agencyID: nil)?.layer.visibility == .public)
        #expect(try layers.mapState(layerID: layerID)?.publishedVersionID == nil)
        let version = try layers.createVersion(layerSlug: "quy-hoach", createdBy: nil, sourceName: nil, sourceSRID: 4326, encoding: nil)
        try layers.publish(versionID: version.id, decidedBy: nil)
        #expect(try layers.mapState(layerID: layerID)?.publishedVersionID == version.id)
        #expect(try layers.findForAccess(slug: "quy-hoach", agencyID: nil)?.layer.publishedVersion == version.number)
        // A rolled-back change is no change, but it still forgets what was kept.
        let before = db.layerFacts.current
        #expect(throws: (any Error).self) {
            try db.pool.write { db in
                try db.execute(sql: "UPDATE layers SET title = 'khác' WHERE id = ?", arguments: [layerID])
                throw DatabaseError(message: "stop")
            }
        }
        #expect(db.layerFacts.current > before)
        #expect(try layers.findForAccess(slug: "quy-hoach", agencyID: nil)?.layer.title == "Quy hoạch")
    }
}
