import Foundation
import GRDB
import Testing
@testable import Store

/// Publish, reject and rollback: the version states, the layer's published pointer, the
/// layer's events and the audit log, each decision in one transaction.
@Suite struct VersionRepositoryTests {
    /// A database with agency "so-a", its approver (id returned) and layer "lop" holding `count`
    /// pending versions of one point each.
    static func layerWithVersions(_ count: Int) throws -> (TestDatabase, SpatialDatabase, userID: Int64, layerID: Int64) {
        let test = TestDatabase()
        let db = try test.migrated()
        try AgencyRepository(db).create(code: "so-a", name: "Sở A", kind: .department, parentCode: nil)
        let user = try UserRepository(db).create(username: "a.approver", displayName: "Lãnh đạo A", agencyCode: "so-a",
                                                 role: .approver, passwordHash: "x")
        let layers = LayerRepository(db)
        let layerID = try layers.create(slug: "lop", title: "Lớp", description: "", sector: nil, ownerCode: "so-a",
                                        geometryKind: .point)
        for index in 0..<count {
            let version = try layers.createVersion(layerSlug: "lop", createdBy: user.id, sourceName: "v\(index + 1).geojson",
                                                   sourceSRID: 4326, encoding: "UTF-8")
            try FeatureRepository(db).insert([NewFeature(shape: .wkt("POINT(106.\(index + 1) 21.2)"), propertiesJSON: "{}")],
                                             versionID: version.id)
            try layers.refreshVersionFigures(versionID: version.id)
        }
        return (test, db, user.id, layerID)
    }

    static func entry(_ action: String, _ detail: String) -> AuditEntry {
        AuditEntry(userID: nil, username: "a.approver", agencyID: nil, action: action, target: "lop", detail: detail)
    }

    static func statuses(_ db: SpatialDatabase, _ layerID: Int64) throws -> [VersionStatus] {
        try VersionRepository(db).history(layerID: layerID).reversed().map(\.status)
    }

    @Test func publishingSupersedesThePreviousVersionAndRecordsIt() throws {
        let (test, db, user, layer) = try Self.layerWithVersions(2)
        defer { test.cleanup() }
        let versions = VersionRepository(db)
        try versions.publish(layerID: layer, number: 1, userID: user, audit: Self.entry("layer.publish", "version 1"))
        #expect(try Self.statuses(db, layer) == [.published, .pending])
        try versions.publish(layerID: layer, number: 2, userID: user, audit: Self.entry("layer.publish", "version 2"))
        #expect(try Self.statuses(db, layer) == [.superseded, .published])
        let published = try #require(try versions.published(layerID: layer))
        #expect(published.number == 2)
        #expect(published.decidedBy == "a.approver")
        #expect(try versions.events(layerID: layer).map(\.action) == [.published, .published])
        let audited = try db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM audit_log WHERE action = 'layer.publish'") }
        #expect(audited == 2)
    }

    @Test func rejectionKeepsItsReasonAndLeavesThePublishedVersionAlone() throws {
        let (test, db, user, layer) = try Self.layerWithVersions(2)
        defer { test.cleanup() }
        let versions = VersionRepository(db)
        try versions.publish(layerID: layer, number: 1, userID: user, audit: Self.entry("layer.publish", "1"))
        try versions.reject(layerID: layer, number: 2, userID: user, reason: "Thiếu trường mã xã",
                            audit: Self.entry("layer.reject", "2"))
        #expect(try Self.statuses(db, layer) == [.published, .rejected])
        let rejected = try #require(try versions.latestRejection(layerID: layer))
        #expect(rejected.number == 2)
        #expect(rejected.reason == "Thiếu trường mã xã")
        #expect(try versions.published(layerID: layer)?.number == 1)
        #expect(try versions.events(layerID: layer).first?.note == "Thiếu trường mã xã")
    }

    @Test func rollbackRepublishesASupersededVersionOnly() throws {
        let (test, db, user, layer) = try Self.layerWithVersions(3)
        defer { test.cleanup() }
        let versions = VersionRepository(db)
        try versions.publish(layerID: layer, number: 1, userID: user, audit: Self.entry("layer.publish", "1"))
        try versions.publish(layerID: layer, number: 2, userID: user, audit: Self.entry("layer.publish", "2"))
        // A pending version cannot be "rolled back to", and a refused decision writes nothing.
        let auditBefore = try AuditRepository(db).count()
        #expect(throws: StoreError.self) {
            try versions.rollback(layerID: layer, number: 3, userID: user, note: "", audit: Self.entry("layer.rollback", "3"))
        }
        #expect(try AuditRepository(db).count() == auditBefore)
        try versions.rollback(layerID: layer, number: 1, userID: user, note: "Dữ liệu mới sai tọa độ",
                              audit: Self.entry("layer.rollback", "1"))
        #expect(try Self.statuses(db, layer) == [.published, .superseded, .pending])
        let pointer = try db.read { try Int64.fetchOne($0, sql: "SELECT published_version_id FROM layers WHERE id = ?", arguments: [layer]) }
        #expect(pointer == (try versions.find(layerID: layer, number: 1))?.id)
        let last = try #require(try versions.events(layerID: layer).first)
        #expect(last.action == .rolledBack && last.versionNumber == 1 && last.note == "Dữ liệu mới sai tọa độ")
    }

    @Test func decisionsOnTheWrongStateAreRefusedAndWriteNothing() throws {
        let (test, db, user, layer) = try Self.layerWithVersions(1)
        defer { test.cleanup() }
        let versions = VersionRepository(db)
        try versions.reject(layerID: layer, number: 1, userID: user, reason: "sai", audit: Self.entry("layer.reject", "1"))
        let auditBefore = try AuditRepository(db).count()
        let eventsBefore = try versions.events(layerID: layer).count
        #expect(throws: StoreError.self) {
            try versions.publish(layerID: layer, number: 1, userID: user, audit: Self.entry("layer.publish", "1"))
        }
        #expect(throws: StoreError.self) {
            try versions.reject(layerID: layer, number: 1, userID: user, reason: "again", audit: Self.entry("layer.reject", "1"))
        }
        #expect(throws: StoreError.notFound("version 9")) {
            try versions.publish(layerID: layer, number: 9, userID: user, audit: Self.entry("layer.publish", "9"))
        }
        #expect(try AuditRepository(db).count() == auditBefore)
        #expect(try versions.events(layerID: layer).count == eventsBefore)
        #expect(try versions.published(layerID: layer) == nil)
    }
}
