import Foundation
import GRDB
import Testing
@testable import Store

@Suite struct VersionDiffTests {
    @Test func editsAndDeletionsCountByIdentity() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        let versions = VersionRepository(world.db)
        let renamed = try world.edit(world.ids[0])
        let deleted = try world.delete(try #require(try world.repository.featureID(fid: world.ids[4], versionID: renamed.versionID)))
        let diff = try versions.diff(layerID: world.layerID, from: world.versionID, to: deleted.versionID)
        #expect(diff == VersionDiff(added: 0, removed: 1, changed: 1, attributesChanged: 1, geometryChanged: 0, unchanged: 3))
        #expect(!diff.isEmpty)
        let back = try versions.diff(layerID: world.layerID, from: deleted.versionID, to: world.versionID)
        #expect(back.added == 1 && back.removed == 0 && back.changed == 1 && back.unchanged == 3, "the other way round")
        let same = try versions.diff(layerID: world.layerID, from: world.versionID, to: world.versionID)
        #expect(same == VersionDiff(unchanged: 5) && same.isEmpty)
    }

    @Test func geometryChangesCountApartFromAttributes() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        let copy = try world.edit(world.ids[1], "số_giường", .integer(101))
        try world.db.write { db in
            try db.execute(sql: """
                UPDATE features SET geom = MakePoint(106.5, 21.5, 4326) WHERE version_id = ? AND fid IN (?, ?)
                """, arguments: [copy.versionID, world.ids[1], world.ids[2]])
        }
        let diff = try VersionRepository(world.db).diff(layerID: world.layerID, from: world.versionID, to: copy.versionID)
        #expect(diff.changed == 2, "feature 2 moved and edited, feature 3 only moved")
        #expect(diff.attributesChanged == 1 && diff.geometryChanged == 2 && diff.unchanged == 3)
        #expect(diff.added == 0 && diff.removed == 0)
    }

    @Test func spacingAloneIsNoChange() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        let copy = try world.edit(world.ids[0])
        try world.db.write { db in
            try db.execute(sql: """
                UPDATE features SET properties = replace(properties, ',', ', ') WHERE version_id = ? AND fid = ?
                """, arguments: [copy.versionID, world.ids[3]])
        }
        let spaced = try world.db.read { db in
            try String.fetchOne(db, sql: "SELECT properties FROM features WHERE version_id = ? AND fid = ?",
                                arguments: [copy.versionID, world.ids[3]])
        }
        #expect(spaced?.contains(", ") == true)
        let diff = try VersionRepository(world.db).diff(layerID: world.layerID, from: world.versionID, to: copy.versionID)
        #expect(diff.changed == 1 && diff.unchanged == 4)
    }

    @Test func fieldsAddedAndRemovedAreListedInOrder() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        let versions = VersionRepository(world.db)
        let added = try world.edit(world.ids[0], "mã_cơ_sở", .text("CS-01"))
        let grown = try versions.diff(layerID: world.layerID, from: world.versionID, to: added.versionID)
        #expect(grown.fieldsAdded == ["mã_cơ_sở"] && grown.fieldsRemoved.isEmpty)
        let onlyNoteHolder = try #require(try world.repository.featureID(fid: world.ids[3], versionID: added.versionID))
        let removed = try world.delete(onlyNoteHolder)
        let shrunk = try versions.diff(layerID: world.layerID, from: world.versionID, to: removed.versionID)
        #expect(shrunk.fieldsAdded == ["mã_cơ_sở"] && shrunk.fieldsRemoved == ["ghi_chú"], "the only feature with ghi_chú is gone")
        #expect(shrunk.removed == 1 && shrunk.changed == 1)
        let back = try versions.diff(layerID: world.layerID, from: removed.versionID, to: world.versionID)
        #expect(back.fieldsAdded == ["ghi_chú"] && back.fieldsRemoved == ["mã_cơ_sở"])
    }

    @Test func anUploadReplacesEveryFeature() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        let upload = try world.upload()
        let diff = try VersionRepository(world.db).diff(layerID: world.layerID, from: world.versionID, to: upload.id)
        #expect(diff.added == 5 && diff.removed == 5 && diff.changed == 0 && diff.unchanged == 0)
        #expect(diff.fieldsRemoved == ["số_giường", "diện_tích", "hoạt_động", "ghi_chú"] && diff.fieldsAdded.isEmpty)
    }

    @Test func versionsOfAnotherLayerAreNotFound() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        let layers = LayerRepository(world.db)
        let other = try layers.create(slug: "khac", title: "Khác", description: "", sector: nil, ownerCode: "syt",
                                      geometryKind: .point, visibility: .public)
        let foreign = try layers.createVersion(layerSlug: "khac", createdBy: nil, sourceName: "x", sourceSRID: 4326, encoding: "UTF-8")
        let versions = VersionRepository(world.db)
        #expect(throws: StoreError.notFound("version id \(foreign.id) of layer \(world.layerID)")) {
            try versions.diff(layerID: world.layerID, from: world.versionID, to: foreign.id)
        }
        #expect(throws: StoreError.self) { try versions.diff(layerID: other, from: world.versionID, to: foreign.id) }
        #expect(throws: StoreError.self) { try versions.diff(layerID: world.layerID, from: 987_654, to: world.versionID) }
    }

    @Test func aLargeVersionComparesThroughTheIdentityIndex() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        let size = 20_000
        try world.db.write { db in
            try db.execute(sql: """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                INSERT INTO features(version_id, properties, geom)
                SELECT ?, json_object('tên', 'Điểm ' || i, 'số', i), MakePoint(106 + i * 0.00001, 21, 4326) FROM n
                """, arguments: [size, world.versionID])
        }
        let last = try world.db.read { db in
            try Int64.fetchOne(db, sql: "SELECT max(id) FROM features WHERE version_id = ?", arguments: [world.versionID])
        }
        let copy = try world.delete(try #require(last))
        let diff = try VersionRepository(world.db).diff(layerID: world.layerID, from: world.versionID, to: copy.versionID)
        #expect(diff == VersionDiff(removed: 1, unchanged: size + 4, fieldsRemoved: []))
        let plans = try world.db.read { db in
            try [VersionRepository.onlyInFirst, VersionRepository.matched].map { sql in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: [world.versionID, copy.versionID])
                    .map { $0["detail"] as String }.joined(separator: "\n")
            }
        }
        for plan in plans {
            #expect(plan.contains("features_version_fid (version_id=? AND fid=?)"), "each feature is matched by index:\n\(plan)")
            #expect(!plan.contains("SCAN o"), "never a scan of the other version:\n\(plan)")
        }
    }
}
