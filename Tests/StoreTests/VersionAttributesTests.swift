import Foundation
import Geometry
import GRDB
import Testing
@testable import Store

/// One published layer of health facilities with Vietnamese field names, numbers that sort
/// differently as text, a field only a late feature holds, and an editor who edits it.
struct AttributeWorld {
    let test = TestDatabase()
    let db: SpatialDatabase
    let layerID: Int64
    let versionID: Int64
    let editorID: Int64
    /// Feature ids in insertion order.
    let ids: [Int64]

    /// (tên, số giường, diện tích, hoạt động, lon, lat)
    static let rows: [(String, Int?, Double, Bool, Double, Double)] = [
        ("Trạm Y tế xã Đông Hưng", 12, 150.5, true, 106.10, 21.20),
        ("Bệnh viện Đa khoa tỉnh", 100, 5200, true, 106.20, 21.25),
        ("Trạm Y tế xã Yên Đức", 2, 80, false, 106.15, 21.10),
        ("Phòng khám Ánh Dương", 9, 60.25, true, 106.05, 21.30),
        ("trạm y tế phường Mạo Khê", nil, 95, true, 106.30, 21.05),
    ]

    init() throws {
        db = try test.migrated()
        try AgencyRepository(db).create(code: "root", name: "Tỉnh", kind: .province, parentCode: nil)
        try AgencyRepository(db).create(code: "syt", name: "Sở Y tế", kind: .department, parentCode: "root")
        editorID = try UserRepository(db).create(username: "syt.editor", displayName: "Chuyên viên", agencyCode: "syt",
                                                 role: .editor, passwordHash: "x").id
        let layers = LayerRepository(db)
        layerID = try layers.create(slug: "co-so-y-te", title: "Cơ sở y tế", description: "", sector: nil, ownerCode: "syt",
                                    geometryKind: .point, visibility: .public)
        let version = try layers.createVersion(layerSlug: "co-so-y-te", createdBy: nil, sourceName: "co_so.shp",
                                               sourceSRID: 9210, encoding: "TCVN3")
        versionID = version.id
        var features: [NewFeature] = []
        for (index, row) in Self.rows.enumerated() {
            var json = #"{"tên":"\#(row.0)","số_giường":\#(row.1.map(String.init) ?? "null"),"diện_tích":\#(row.2),"hoạt_động":\#(row.3)"#
            if index == 3 { json += #","ghi_chú":"mở cửa 24/7""# }
            json += "}"
            features.append(NewFeature(shape: .wkt("POINT(\(row.4) \(row.5))"), propertiesJSON: json))
        }
        try FeatureRepository(db).insert(features, versionID: version.id)
        try layers.refreshVersionFigures(versionID: version.id)
        try layers.publish(versionID: version.id, decidedBy: nil)
        ids = try db.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM features WHERE version_id = ? ORDER BY id",
                                                     arguments: [version.id]) }
    }

    var repository: FeatureRepository { FeatureRepository(db) }
    var fieldNames: [String] { ["tên", "số_giường", "diện_tích", "hoạt_động", "ghi_chú"] }

    /// The values of `field` down one page.
    func column(_ field: String, _ query: AttributeQuery) throws -> [StoredProperty] {
        let index = try #require(fieldNames.firstIndex(of: field))
        return try repository.attributePage(versionID: versionID, fields: fieldNames, query: query).rows.map { $0.values[index] }
    }

    func description(_ action: String) -> EditDescription {
        let layer = layerID, user = editorID
        return EditDescription(sourceName: "sửa thuộc tính đối tượng (từ phiên bản 1)", note: "ghi chú \(action)") { number in
            AuditEntry(userID: user, username: "syt.editor", agencyID: nil, action: "layer.\(action)",
                       target: "co-so-y-te", detail: "layer=\(layer); version=\(number)")
        }
    }

    /// Every feature's properties of a version, in id order.
    func properties(_ versionID: Int64) throws -> [String] {
        try db.read { db in
            try String.fetchAll(db, sql: "SELECT properties FROM features WHERE version_id = ? ORDER BY id", arguments: [versionID])
        }
    }

    func count(_ sql: String) throws -> Int {
        try db.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }
}

@Suite struct VersionAttributesTests {
    @Test func fieldsKeepTheSourceOrderAndKnowTheirKinds() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        let fields = try world.repository.fields(versionID: world.versionID)
        #expect(fields.map(\.name) == world.fieldNames, "first feature's order, then the late field")
        #expect(fields.map(\.kind) == [.text, .integer, .real, .boolean, .text])
        #expect(try world.repository.fields(versionID: 999_999).isEmpty)
    }

    @Test func pagesAreBoundedAndDisjoint() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        var seen: [Int64] = []
        for offset in stride(from: 0, to: 6, by: 2) {
            let page = try world.repository.attributePage(versionID: world.versionID, fields: world.fieldNames,
                                                          query: AttributeQuery(offset: offset, limit: 2))
            #expect(page.total == 5)
            seen += page.rows.map(\.id)
        }
        #expect(seen == world.ids, "three pages of 2, 2 and 1 rows in feature order")
        let beyond = try world.repository.attributePage(versionID: world.versionID, fields: world.fieldNames,
                                                        query: AttributeQuery(offset: 50, limit: 2))
        #expect(beyond.total == 5 && beyond.rows.isEmpty)
        let huge = try world.repository.attributePage(versionID: world.versionID, fields: world.fieldNames,
                                                      query: AttributeQuery(limit: 1_000_000))
        #expect(huge.rows.count == 5, "the limit is clamped, not refused")
        let first = try #require(huge.rows.first)
        #expect(first.values == [.text("Trạm Y tế xã Đông Hưng"), .integer(12), .real(150.5), .boolean(true), .null])
    }

    @Test func numbersSortAsNumbersWithNullsLast() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        #expect(try world.column("số_giường", AttributeQuery(sortField: "số_giường"))
                == [.integer(2), .integer(9), .integer(12), .integer(100), .null])
        #expect(try world.column("số_giường", AttributeQuery(sortField: "số_giường", descending: true))
                == [.integer(100), .integer(12), .integer(9), .integer(2), .null])
        #expect(try world.column("diện_tích", AttributeQuery(sortField: "diện_tích"))
                == [.real(60.25), .real(80), .real(95), .real(150.5), .real(5200)])
    }

    @Test func textSortsByItsCharacters() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        let names = try world.column("tên", AttributeQuery(sortField: "tên")).map { value -> String in
            if case .text(let text) = value { return text }
            return "?"
        }
        #expect(names == ["Bệnh viện Đa khoa tỉnh", "Phòng khám Ánh Dương", "Trạm Y tế xã Yên Đức", "Trạm Y tế xã Đông Hưng",
                          "trạm y tế phường Mạo Khê"])
    }

    @Test func filterIgnoresCaseAndUnicodeFormInOneFieldOrAny() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        let page = { (field: String?, text: String) in
            try world.repository.attributePage(versionID: world.versionID, fields: world.fieldNames,
                                               query: AttributeQuery(filterField: field, filterText: text))
        }
        #expect(try page("tên", "TRẠM Y TẾ").rows.map(\.id) == [world.ids[0], world.ids[2], world.ids[4]])
        let decomposed = "đo\u{0302}ng" // "đông" with a combining circumflex
        #expect(try page("tên", decomposed).rows.map(\.id) == [world.ids[0]])
        #expect(try page("tên", "ĐỨC").total == 1)
        #expect(try page("số_giường", "10").rows.map(\.id) == [world.ids[1]], "numbers are searched as their text")
        #expect(try page(nil, "24/7").rows.map(\.id) == [world.ids[3]], "any field")
        #expect(try page(nil, "khoa").total == 1)
        #expect(try page("tên", "không có").total == 0)
        #expect(try page("tên", "").total == 5, "an empty filter keeps every row")
        let sorted = try world.repository.attributePage(
            versionID: world.versionID, fields: world.fieldNames,
            query: AttributeQuery(sortField: "số_giường", descending: true, filterField: "tên", filterText: "trạm"))
        #expect(sorted.rows.map(\.id) == [world.ids[0], world.ids[2], world.ids[4]], "filtered, then sorted")
    }

    @Test func aFeatureReadsWithItsVersionAttributesAndGeometry() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        let feature = try #require(try world.repository.feature(id: world.ids[3]))
        #expect(feature.versionID == world.versionID && feature.versionNumber == 1 && feature.layerID == world.layerID)
        #expect(feature.properties.map(\.0) == world.fieldNames)
        #expect(feature.properties[4].1 == .text("mở cửa 24/7"))
        let box = try #require(feature.geometry?.bbox)
        #expect(abs(box.minX - 106.05) < 1e-9 && abs(box.minY - 21.30) < 1e-9)
        #expect(try world.repository.feature(id: 987_654) == nil)
    }

    @Test func anEditIsANewPendingVersionAndLeavesTheOriginalAlone() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        let before = try world.properties(world.versionID)
        let edited = try VersionEdits(world.db).editFeature(
            layerID: world.layerID, featureID: world.ids[2],
            changes: [AttributeChange(field: "tên", value: .text("Trạm Y tế xã Yên Đức (mới)")),
                      AttributeChange(field: "số_giường", value: .integer(20)),
                      AttributeChange(field: "hoạt_động", value: .null),
                      AttributeChange(field: "ghi_chú", value: .text("đã nâng cấp"))],
            userID: world.editorID, world.description("feature_edit"))
        #expect(edited.number == 2)
        #expect(try world.properties(world.versionID) == before, "the published version is untouched")
        let versions = VersionRepository(world.db)
        let version = try #require(try versions.find(layerID: world.layerID, number: 2))
        #expect(version.status == .pending && version.featureCount == 5)
        #expect(version.sourceName == "sửa thuộc tính đối tượng (từ phiên bản 1)")
        #expect(version.sourceSRID == 9210 && version.encoding == "TCVN3")
        #expect(try versions.published(layerID: world.layerID)?.number == 1)
        let copy = try world.properties(edited.versionID)
        #expect(copy.count == 5 && copy[0] == before[0] && copy[4] == before[4])
        let editedID = try #require(edited.featureID)
        let feature = try #require(try world.repository.feature(id: editedID))
        #expect(feature.versionID == edited.versionID)
        #expect(feature.properties.map(\.0) == ["tên", "số_giường", "diện_tích", "hoạt_động", "ghi_chú"], "order kept, new key last")
        #expect(feature.properties.map(\.1) == [.text("Trạm Y tế xã Yên Đức (mới)"), .integer(20), .real(80), .null,
                                                .text("đã nâng cấp")])
        #expect(feature.geometry?.bbox == (try world.repository.feature(id: world.ids[2]))?.geometry?.bbox)
        #expect(try world.repository.fields(versionID: edited.versionID).first { $0.name == "số_giường" }?.kind == .integer)
        let event = try #require(try versions.events(layerID: world.layerID).first)
        #expect(event.action == .submitted && event.versionNumber == 2 && event.note == "ghi chú feature_edit")
        #expect(event.username == "syt.editor")
        #expect(try world.count("SELECT count(*) FROM audit_log WHERE action = 'layer.feature_edit' AND target = 'co-so-y-te' AND detail LIKE '%version=2'") == 1)
        let spatial = try world.repository.features(versionID: edited.versionID,
                                                    intersecting: BoundingBox(minX: 106.14, minY: 21.09, maxX: 106.16, maxY: 21.11))
        #expect(spatial.map(\.id) == [edited.featureID], "the copy is in the spatial index")
    }

    @Test func aDeletionShrinksCountAndExtent() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        let edited = try VersionEdits(world.db).deleteFeature(layerID: world.layerID, featureID: world.ids[4],
                                                              userID: world.editorID, world.description("feature_delete"))
        #expect(edited.featureID == nil && edited.number == 2)
        let versions = VersionRepository(world.db)
        let version = try #require(try versions.find(layerID: world.layerID, number: 2))
        #expect(version.featureCount == 4 && version.status == .pending)
        let extent = try #require(version.extent)
        #expect(abs(extent.maxX - 106.20) < 1e-9 && abs(extent.minY - 21.10) < 1e-9, "the deleted point set the east and south edges")
        #expect(try versions.find(layerID: world.layerID, number: 1)?.featureCount == 5)
        #expect(try world.properties(edited.versionID) == Array(try world.properties(world.versionID).prefix(4)))
        #expect(try world.count("SELECT count(*) FROM audit_log WHERE action = 'layer.feature_delete'") == 1)
        #expect(try versions.events(layerID: world.layerID).first?.note == "ghi chú feature_delete")
    }

    @Test func editsOfVersionsBuildOnEachOther() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        let edits = VersionEdits(world.db)
        let first = try edits.editFeature(layerID: world.layerID, featureID: world.ids[0],
                                          changes: [AttributeChange(field: "số_giường", value: .real(12.5))],
                                          userID: world.editorID, world.description("feature_edit"))
        let second = try edits.deleteFeature(layerID: world.layerID, featureID: try #require(first.featureID),
                                             userID: world.editorID, world.description("feature_delete"))
        #expect(second.number == 3)
        #expect(try world.repository.attributePage(versionID: second.versionID, fields: world.fieldNames,
                                                   query: AttributeQuery()).total == 4)
        #expect(try world.repository.fields(versionID: first.versionID).first { $0.name == "số_giường" }?.kind == .real)
    }

    @Test func refusedEditsWriteNothing() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        let edits = VersionEdits(world.db)
        #expect(throws: StoreError.self) {
            try edits.editFeature(layerID: world.layerID, featureID: world.ids[0], changes: [], userID: nil,
                                  world.description("feature_edit"))
        }
        #expect(throws: StoreError.self) {
            try edits.editFeature(layerID: world.layerID, featureID: world.ids[0],
                                  changes: [AttributeChange(field: "a\"b", value: .integer(1))], userID: nil,
                                  world.description("feature_edit"))
        }
        #expect(throws: StoreError.notFound("feature \(world.ids[0]) of layer 999")) {
            try edits.deleteFeature(layerID: 999, featureID: world.ids[0], userID: nil, world.description("feature_delete"))
        }
        #expect(try world.count("SELECT count(*) FROM layer_versions") == 1)
    }

    @Test func aFailureLateInTheTransactionRollsEverythingBack() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        let features = try world.count("SELECT count(*) FROM features")
        let audits = try world.count("SELECT count(*) FROM audit_log")
        try world.db.write { db in
            try db.execute(sql: """
                CREATE TRIGGER fail_edit_audit BEFORE INSERT ON audit_log WHEN NEW.action = 'layer.feature_edit'
                BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                """)
        }
        #expect(throws: StoreError.self) {
            try VersionEdits(world.db).editFeature(layerID: world.layerID, featureID: world.ids[1],
                                                   changes: [AttributeChange(field: "tên", value: .text("x"))],
                                                   userID: world.editorID, world.description("feature_edit"))
        }
        #expect(try world.count("SELECT count(*) FROM layer_versions") == 1, "no version row left")
        #expect(try world.count("SELECT count(*) FROM features") == features, "no copied feature left")
        #expect(try world.count("SELECT count(*) FROM layer_events") == 0, "no event left")
        #expect(try world.count("SELECT count(*) FROM audit_log") == audits)
        #expect(try world.count("SELECT count(*) FROM idx_features_geom") == features, "the spatial index rolled back too")
        try world.db.write { db in try db.execute(sql: "DROP TRIGGER fail_edit_audit") }
        let retried = try VersionEdits(world.db).editFeature(layerID: world.layerID, featureID: world.ids[1],
                                                             changes: [AttributeChange(field: "tên", value: .text("x"))],
                                                             userID: world.editorID, world.description("feature_edit"))
        #expect(retried.number == 2, "the number the failed attempt took is free again")
    }
}

extension AttributeWorld {
    /// An edit of `featureID` setting `field` to `value`.
    func edit(_ featureID: Int64, _ field: String = "tên", _ value: StoredProperty = .text("đã sửa")) throws -> EditedVersion {
        try VersionEdits(db).editFeature(layerID: layerID, featureID: featureID, changes: [AttributeChange(field: field, value: value)],
                                         userID: editorID, description("feature_edit"))
    }

    /// A deletion of `featureID`.
    func delete(_ featureID: Int64) throws -> EditedVersion {
        try VersionEdits(db).deleteFeature(layerID: layerID, featureID: featureID, userID: editorID, description("feature_delete"))
    }

    /// Every feature's `fid` of a version, in id order.
    func fids(_ versionID: Int64) throws -> [Int64] {
        try db.read { db in
            try Int64.fetchAll(db, sql: "SELECT fid FROM features WHERE version_id = ? ORDER BY id", arguments: [versionID])
        }
    }

    func entry(_ action: String) -> AuditEntry {
        AuditEntry(userID: editorID, username: "syt.editor", agencyID: nil, action: action, target: "co-so-y-te")
    }

    /// A pending version as an upload makes it, based on the published version: fresh features
    /// (their own `fid`), the first renamed.
    func upload() throws -> VersionRecord {
        let layers = LayerRepository(db)
        let version = try layers.createVersion(layerSlug: "co-so-y-te", createdBy: nil, sourceName: "moi.geojson", sourceSRID: 4326,
                                               encoding: "UTF-8")
        let features = Self.rows.map { row in
            NewFeature(shape: .wkt("POINT(\(row.4) \(row.5))"), propertiesJSON: #"{"tên":"\#(row.0)"}"#)
        }
        try FeatureRepository(db).insert(features, versionID: version.id)
        try layers.refreshVersionFigures(versionID: version.id)
        try db.write { db in
            try db.execute(sql: "UPDATE layer_versions SET base_version_id = ? WHERE id = ?", arguments: [versionID, version.id])
        }
        return try #require(try VersionRepository(db).find(layerID: layerID, number: version.number))
    }
}

extension VersionAttributesTests {
    // MARK: Lineage

    @Test func anEditRecordsItsBaseAndKeepsEveryFeaturesIdentity() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        #expect(try world.fids(world.versionID) == world.ids, "an import's features start their own identity")
        let first = try world.edit(world.ids[2])
        let second = try world.delete(try #require(first.featureID))
        let versions = VersionRepository(world.db)
        #expect(try versions.find(layerID: world.layerID, number: 2)?.baseNumber == 1, "the edit is based on the edited version")
        #expect(try versions.find(layerID: world.layerID, number: 3)?.baseNumber == 2, "an edit of a pending version chains on it")
        #expect(try world.fids(first.versionID) == world.ids, "every copied feature, the edited one included, keeps its fid")
        #expect(try world.fids(second.versionID) == [world.ids[0], world.ids[1], world.ids[3], world.ids[4]])
        let copied = try world.db.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM features WHERE version_id = ? ORDER BY id", arguments: [first.versionID])
        }
        #expect(Set(copied).isDisjoint(with: world.ids), "copies are new rows")
        let firstID = try #require(first.featureID)
        let edited = try #require(try world.repository.feature(id: firstID))
        #expect(edited.fid == world.ids[2])
        #expect(try world.repository.featureID(fid: world.ids[3], versionID: first.versionID) == copied[3])
        #expect(try world.repository.featureID(fid: world.ids[2], versionID: second.versionID) == nil, "deleted there")
    }

    @Test func supersededAndRejectedVersionsAreNotEdited() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        let versions = VersionRepository(world.db)
        let second = try world.edit(world.ids[0])
        try versions.publish(layerID: world.layerID, number: 2, userID: world.editorID, audit: world.entry("layer.publish"))
        #expect(throws: StoreError.invalid("version 1 is superseded: only the published version and pending versions can be edited")) {
            try world.edit(world.ids[1])
        }
        #expect(throws: StoreError.self) { try world.delete(world.ids[1]) }
        let publishedID = try #require(second.featureID)
        let third = try world.edit(publishedID, "số_giường", .integer(1))
        try versions.reject(layerID: world.layerID, number: third.number, userID: world.editorID, reason: "sai",
                            audit: world.entry("layer.reject"))
        let rejectedID = try #require(third.featureID)
        #expect(throws: StoreError.self) { try world.edit(rejectedID) }
        #expect(try world.count("SELECT count(*) FROM layer_versions") == 3, "nothing was written by the refusals")
        #expect(try world.edit(publishedID).number == 4, "the published version is edited")
        #expect(VersionEdits.canEdit(.pending) && VersionEdits.canEdit(.published))
        #expect(!VersionEdits.canEdit(.superseded) && !VersionEdits.canEdit(.rejected))
    }

    @Test func thePendingEditOfAVersionIsTheNewestOfItsChain() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        let edits = VersionEdits(world.db)
        #expect(try edits.pendingEdit(of: world.versionID, fid: world.ids[1]) == nil, "nothing pending yet")
        let upload = try world.upload()
        #expect(upload.baseNumber == 1)
        #expect(try edits.pendingEdit(of: world.versionID, fid: world.ids[1]) == nil, "an upload is not an edit")
        let second = try world.edit(world.ids[0])
        let third = try world.edit(try #require(second.featureID), "số_giường", .integer(3))
        let inThird = try world.repository.featureID(fid: world.ids[1], versionID: third.versionID)
        #expect(try edits.pendingEdit(of: world.versionID, fid: world.ids[1])
                == PendingEdit(versionID: third.versionID, number: third.number, featureID: inThird), "the newest of the chain")
        #expect(try edits.pendingEdit(of: second.versionID, fid: world.ids[1])?.number == third.number, "from the middle too")
        #expect(try edits.pendingEdit(of: third.versionID, fid: world.ids[1]) == nil)
        let fourth = try world.delete(try #require(inThird))
        #expect(try edits.pendingEdit(of: world.versionID, fid: world.ids[1])
                == PendingEdit(versionID: fourth.versionID, number: fourth.number, featureID: nil), "deleted in the newest")
        try VersionRepository(world.db).reject(layerID: world.layerID, number: second.number, userID: world.editorID,
                                               reason: "sai", audit: world.entry("layer.reject"))
        #expect(try edits.pendingEdit(of: world.versionID, fid: world.ids[1]) == nil, "a rejected version breaks the chain")
    }

    // MARK: Folding filter

    @Test func theFilterIgnoresDiacritics() throws {
        let world = try AttributeWorld(); defer { world.test.cleanup() }
        let page = { (field: String?, text: String) in
            try world.repository.attributePage(versionID: world.versionID, fields: world.fieldNames,
                                               query: AttributeQuery(filterField: field, filterText: text)).rows.map(\.id)
        }
        #expect(try page("tên", "Dong") == [world.ids[0]])
        #expect(try page("tên", "dong hung") == [world.ids[0]])
        #expect(try page("tên", "Đông Hưng") == [world.ids[0]], "the exact spelling still finds it")
        #expect(try page("tên", "yen duc") == [world.ids[2]])
        #expect(try page("tên", "benh vien da khoa") == [world.ids[1]])
        #expect(try page(nil, "mo cua") == [world.ids[3]], "any field: «mở cửa 24/7»")
        #expect(try page("tên", "tram y te") == [world.ids[0], world.ids[2], world.ids[4]])
        #expect(try page("tên", "duong") == [world.ids[3]])
        #expect(try page("tên", "hanoi").isEmpty)
        #expect(FeatureRepository.fold("ĐỒNG Tháp") == "dong thap")
        #expect(FeatureRepository.fold("đo\u{0302}\u{0300}ng") == "dong", "decomposed input folds alike")
        #expect(FeatureRepository.fold("Ánh Dương, Ơ Ư ẵ") == "anh duong, o u a")
        #expect(FeatureRepository.fold("ABC 123") == "abc 123")
    }
}
