import Synchronization
import Foundation
import GRDB
import Testing
@testable import Store

/// A small world: two agencies, a layer of each visibility, one grant.
struct SmallWorld {
    let test = TestDatabase()
    let db: SpatialDatabase
    let owner: Agency, granted: Agency, other: Agency

    init() throws {
        db = try test.migrated()
        let agencies = AgencyRepository(db)
        try agencies.create(code: "root", name: "Tỉnh", kind: .province, parentCode: nil)
        owner = try agencies.create(code: "stnmt", name: "Sở Tài nguyên và Môi trường", kind: .department, parentCode: "root")
        granted = try agencies.create(code: "sxd", name: "Sở Xây dựng", kind: .department, parentCode: "root")
        other = try agencies.create(code: "syt", name: "Sở Y tế", kind: .department, parentCode: "root")
        let layers = LayerRepository(db)
        for (slug, visibility) in [("open", Visibility.public), ("shared", .shared), ("secret", .private), ("shared-elsewhere", .shared)] {
            try layers.create(slug: slug, title: slug, description: "", sector: nil, ownerCode: "stnmt",
                              geometryKind: .point, visibility: visibility)
            let version = try layers.createVersion(layerSlug: slug, createdBy: nil, sourceName: nil, sourceSRID: 4326, encoding: nil)
            try FeatureRepository(db).insert([NewFeature(shape: .wkt("POINT(106.1 21.3)"), propertiesJSON: "{}")], versionID: version.id)
            try layers.refreshVersionFigures(versionID: version.id)
            try layers.publish(versionID: version.id, decidedBy: nil)
        }
        try layers.create(slug: "unpublished", title: "unpublished", description: "", sector: nil, ownerCode: "stnmt",
                          geometryKind: .point, visibility: .public)
        try layers.grant(layerSlug: "shared", agencyCode: "sxd", download: false, reason: "test", grantedBy: nil)
        try layers.grant(layerSlug: "shared-elsewhere", agencyCode: "syt", download: false, reason: "test", grantedBy: nil)
    }

    func slugs(_ scope: ListingScope) throws -> [String] {
        try LayerRepository(db).listVisible(to: scope).map(\.slug).sorted()
    }
}

@Suite struct RepositoryTests {
    @Test func listingsFilterVisibilityInsideSQL() throws {
        let world = try SmallWorld(); defer { world.test.cleanup() }
        #expect(try world.slugs(.publicOnly) == ["open"])
        #expect(try world.slugs(ListingScope(agencyID: world.owner.id, seesEverything: false))
                == ["open", "secret", "shared", "shared-elsewhere", "unpublished"])
        #expect(try world.slugs(ListingScope(agencyID: world.granted.id, seesEverything: false)) == ["open", "shared"])
        #expect(try world.slugs(ListingScope(agencyID: world.other.id, seesEverything: false)) == ["open", "shared-elsewhere"])
        let layers = LayerRepository(world.db)
        #expect(try layers.findVisible(slug: "secret", scope: .publicOnly) == nil)
        #expect(try layers.findVisible(slug: "secret", scope: ListingScope(agencyID: world.owner.id, seesEverything: false)) != nil)
        #expect(try layers.findVisible(slug: "shared", scope: ListingScope(agencyID: world.other.id, seesEverything: false)) == nil)
    }

    @Test func publishedVersionCarriesCountAndExtent() throws {
        let world = try SmallWorld(); defer { world.test.cleanup() }
        let layer = try #require(try LayerRepository(world.db).findVisible(slug: "open", scope: .publicOnly))
        #expect(layer.featureCount == 1)
        #expect(layer.publishedVersion == 1)
        let extent = try #require(layer.extent)
        #expect(abs(extent.0 - 106.1) < 1e-9 && abs(extent.3 - 21.3) < 1e-9)
    }

    @Test func aBadFeatureLeavesTheVersionEmpty() throws {
        let world = try SmallWorld(); defer { world.test.cleanup() }
        let version = try LayerRepository(world.db).createVersion(layerSlug: "open", createdBy: nil, sourceName: "x", sourceSRID: 4326, encoding: nil)
        let features = [
            NewFeature(shape: .wkt("POINT(106 21)"), propertiesJSON: "{}"),
            NewFeature(shape: .wkt("POINT(not a number)"), propertiesJSON: "{}"),
        ]
        #expect {
            try FeatureRepository(world.db).insert(features, versionID: version.id)
        } throws: { error in
            "\(error)".contains("feature 2")
        }
        #expect(try FeatureRepository(world.db).count(versionID: version.id) == 0, "all or nothing")
    }

    @Test func agencyCodesAndParentsAreChecked() throws {
        let world = try SmallWorld(); defer { world.test.cleanup() }
        let agencies = AgencyRepository(world.db)
        #expect(throws: StoreError.self) { try agencies.create(code: "Bad Code", name: "x", kind: .office, parentCode: nil) }
        #expect(throws: StoreError.invalid("parent agency nowhere does not exist")) {
            try agencies.create(code: "ok", name: "x", kind: .office, parentCode: "nowhere")
        }
        #expect(throws: StoreError.self) { try agencies.create(code: "stnmt", name: "again", kind: .office, parentCode: nil) }
    }

    @Test func auditLogIsAppendOnly() throws {
        let world = try SmallWorld(); defer { world.test.cleanup() }
        let audit = AuditRepository(world.db)
        try audit.append(AuditEntry(userID: nil, username: "sysadmin", agencyID: nil, action: "login", target: "sysadmin"))
        #expect(try audit.count() == 1)
        #expect { try world.db.write { db in try db.execute(sql: "UPDATE audit_log SET action = 'x'") } } throws: { error in
            "\(error)".contains("append-only")
        }
        #expect { try world.db.write { db in try db.execute(sql: "DELETE FROM audit_log") } } throws: { error in
            "\(error)".contains("append-only")
        }
        #expect(try audit.count() == 1)
    }

    @Test func missingSpatiaLiteModuleIsExplained() throws {
        let test = TestDatabase(); defer { test.cleanup() }
        #expect {
            try SpatialDatabase(path: test.path, spatialiteModule: "mod_spatialite_not_installed")
        } throws: { error in
            guard case StoreError.spatialiteMissing = error else { return false }
            return "\(error)".contains("libsqlite3-mod-spatialite")
        }
    }

    @Test func readersRunInParallelWithAWriter() throws {
        let world = try SmallWorld(); defer { world.test.cleanup() }
        let layers = LayerRepository(world.db)
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            do {
                if index % 4 == 0 {
                    let version = try layers.createVersion(layerSlug: "open", createdBy: nil, sourceName: "\(index)", sourceSRID: 4326, encoding: nil)
                    try FeatureRepository(world.db).insert([NewFeature(shape: .wkt("POINT(106 21)"), propertiesJSON: "{}")], versionID: version.id)
                } else {
                    for _ in 0..<20 { _ = try layers.listVisible(to: .publicOnly) }
                }
            } catch {
                failures.withLock { $0 += 1 }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        let versions = try world.db.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM layer_versions WHERE layer_id = (SELECT id FROM layers WHERE slug = 'open')") }
        #expect(versions == 5)
    }
}
