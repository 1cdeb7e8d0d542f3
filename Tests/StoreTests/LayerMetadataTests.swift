import Foundation
import GRDB
import Testing
@testable import Store

/// Layer metadata and style proposals in the store: what is written, what the audit log and the
/// layer's events say, and what is refused.
@Suite struct LayerMetadataTests {
    /// A database with agencies "sa" (owner), "sb" and the disabled "sc", an editor of "sa" and
    /// layer "lop" of "sa" in sector "y-te".
    static func world() throws -> (TestDatabase, SpatialDatabase, editor: User, layerID: Int64) {
        let test = TestDatabase()
        let db = try test.migrated()
        let agencies = AgencyRepository(db)
        try agencies.create(code: "sa", name: "Sở A", kind: .department, parentCode: nil)
        try agencies.create(code: "sb", name: "Sở B", kind: .department, parentCode: nil)
        try agencies.create(code: "sc", name: "Sở C", kind: .department, parentCode: nil)
        _ = try agencies.setDisabled(code: "sc", true)
        let editor = try UserRepository(db).create(username: "a.editor", displayName: "Chuyên viên A", agencyCode: "sa",
                                                   role: .editor, passwordHash: "x")
        let layers = LayerRepository(db)
        try layers.upsertSector(code: "y-te", nameVi: "Y tế", nameEn: "Health", sort: 1)
        try layers.upsertSector(code: "giao-duc", nameVi: "Giáo dục", nameEn: "Education", sort: 0)
        let layerID = try layers.create(slug: "lop", title: "Cơ sở y tế", description: "Trạm y tế", sector: "y-te",
                                        ownerCode: "sa", geometryKind: .point)
        return (test, db, editor, layerID)
    }

    static func audit(_ user: User) -> AuditEntry {
        AuditEntry(userID: user.id, username: user.username, agencyID: user.agencyID, action: "", target: "",
                   clientAddress: "10.0.0.1")
    }

    /// (action, target, detail) of every audit entry, oldest first.
    static func auditLog(_ db: SpatialDatabase) throws -> [[String]] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT action, target, detail FROM audit_log ORDER BY id").map { [$0[0], $0[1], $0[2]] }
        }
    }

    static func events(_ db: SpatialDatabase, _ layerID: Int64) throws -> [LayerEvent] {
        try VersionRepository(db).events(layerID: layerID).reversed()
    }

    @Test func metadataRoundTripsAndTheAuditNamesTheChangedFields() throws {
        let (test, db, editor, layerID) = try Self.world()
        defer { test.cleanup() }
        let layers = LayerRepository(db)
        let before = try #require(try layers.metadata(layerID: layerID))
        #expect(before.title == "Cơ sở y tế" && before.sector == "y-te" && before.keywords.isEmpty)
        #expect(before.updateFrequency == nil && before.dataDate == nil && before.contact.isEmpty)
        try db.write { db in try db.execute(sql: "UPDATE layers SET updated_at = '2000-01-01T00:00:00Z' WHERE id = ?", arguments: [layerID]) }

        var changed = before
        changed.title = "Cơ sở y tế công lập"
        changed.keywords = ["bệnh viện", "trạm y tế"]
        changed.updateFrequency = .quarterly
        changed.dataDate = "2024-12-31"
        changed.license = "CC BY 4.0"
        changed.contact = ContactOfficer(name: "Nguyễn Văn An", position: "Chuyên viên", phone: "+84 (204) 385-4321",
                                         email: "an@syt.gov.vn")
        let names = try layers.updateMetadata(layerID: layerID, changed, audit: Self.audit(editor))
        #expect(names == ["title", "keywords", "update_frequency", "data_date", "license", "contact_name",
                          "contact_position", "contact_phone", "contact_email"])
        let after = try #require(try layers.metadata(layerID: layerID))
        #expect(after == changed)
        let stored = try db.read { db in
            try Row.fetchOne(db, sql: "SELECT keywords, update_frequency, attribution, updated_at FROM layers WHERE id = ?",
                             arguments: [layerID])
        }
        #expect(stored?[0] == "bệnh viện, trạm y tế")
        #expect(stored?[1] == "quarterly")
        #expect((stored?[2] as String?) == nil, "an empty attribution is stored as NULL")
        #expect((stored?[3] as String?) != "2000-01-01T00:00:00Z", "updated_at moves")
        #expect(try Self.auditLog(db) == [["layer.metadata", "lop",
                                            "fields=title,keywords,update_frequency,data_date,license,contact_name,contact_position,contact_phone,contact_email"]])

        // Saving the same values again changes nothing and writes no audit entry.
        #expect(try layers.updateMetadata(layerID: layerID, after, audit: Self.audit(editor)).isEmpty)
        #expect(try Self.auditLog(db).count == 1)

        // Clearing a field is a change too.
        var cleared = after
        cleared.contact.phone = ""
        cleared.sector = nil
        #expect(try layers.updateMetadata(layerID: layerID, cleared, audit: Self.audit(editor)) == ["sector", "contact_phone"])
        #expect(try layers.metadata(layerID: layerID) == cleared)
    }

    @Test func aTransferMovesTheLayerAndIsAuditedApart() throws {
        let (test, db, editor, layerID) = try Self.world()
        defer { test.cleanup() }
        let layers = LayerRepository(db)
        let agencies = AgencyRepository(db)
        let b = try #require(try agencies.find(code: "sb"))
        let c = try #require(try agencies.find(code: "sc"))
        try layers.grant(layerSlug: "lop", agencyCode: "sb", download: false, reason: "phối hợp", grantedBy: nil)
        var moved = try #require(try layers.metadata(layerID: layerID))
        moved.ownerAgencyID = c.id
        #expect(throws: StoreError.invalid("agency sc is disabled")) {
            try layers.updateMetadata(layerID: layerID, moved, audit: Self.audit(editor))
        }
        moved.title = "Đổi tên"
        moved.ownerAgencyID = 999_999
        #expect(throws: StoreError.invalid("agency 999999 does not exist")) {
            try layers.updateMetadata(layerID: layerID, moved, audit: Self.audit(editor))
        }
        #expect(try layers.metadata(layerID: layerID)?.title == "Cơ sở y tế", "a refused transfer keeps the other fields too")
        #expect(try Self.auditLog(db).isEmpty)

        moved.ownerAgencyID = b.id
        #expect(try layers.updateMetadata(layerID: layerID, moved, audit: Self.audit(editor)) == ["title", "owner_agency"])
        let a = try #require(try layers.metadata(layerID: layerID)?.ownerAgencyID)
        #expect(a != b.id, "offered, not moved: the layer waits for the receiving agency")
        #expect(try layers.transferOffer(layerID: layerID)?.toAgencyCode == "sb")
        #expect(try layers.transferOffers(toAgencyID: b.id).map(\.slug) == ["lop"])
        #expect(try !layers.acceptTransfer(layerID: layerID, toAgencyID: a, audit: Self.audit(editor)), "only the agency offered to accepts")
        #expect(try layers.acceptTransfer(layerID: layerID, toAgencyID: b.id, audit: Self.audit(editor)))
        #expect(try layers.metadata(layerID: layerID)?.ownerAgencyID == b.id)
        #expect(try layers.transferOffer(layerID: layerID) == nil)
        #expect(try layers.grants(ownerAgencyID: b.id).isEmpty, "the new owner's grant on its own layer is gone")
        #expect(try Self.auditLog(db) == [["layer.metadata", "lop", "fields=title"], ["layer.transfer.offer", "lop", "from=sa; to=sb"],
                                           ["layer.transfer", "lop", "from=sa; to=sb"]])
        #expect(try !layers.acceptTransfer(layerID: layerID, toAgencyID: b.id, audit: Self.audit(editor)), "an offer is taken once")
    }

    @Test func anOfferDeclinedOrWithdrawnLeavesTheLayerWhereItWas() throws {
        let (test, db, editor, layerID) = try Self.world()
        defer { test.cleanup() }
        let layers = LayerRepository(db)
        let b = try #require(try AgencyRepository(db).find(code: "sb"))
        let owner = try #require(try layers.metadata(layerID: layerID)?.ownerAgencyID)
        var moved = try #require(try layers.metadata(layerID: layerID))
        moved.ownerAgencyID = b.id
        try layers.updateMetadata(layerID: layerID, moved, audit: Self.audit(editor))
        #expect(try layers.dropTransfer(layerID: layerID, toAgencyID: b.id, audit: Self.audit(editor)))
        #expect(try layers.transferOffer(layerID: layerID) == nil)
        try layers.updateMetadata(layerID: layerID, moved, audit: Self.audit(editor))
        #expect(try layers.dropTransfer(layerID: layerID, toAgencyID: nil, audit: Self.audit(editor)))
        #expect(try !layers.dropTransfer(layerID: layerID, toAgencyID: nil, audit: Self.audit(editor)))
        #expect(try layers.metadata(layerID: layerID)?.ownerAgencyID == owner)
        #expect(try Self.auditLog(db).map { $0[0] } == ["layer.transfer.offer", "layer.transfer.decline",
                                                         "layer.transfer.offer", "layer.transfer.withdraw"])
    }

    @Test func sectorsComeInDisplayOrder() throws {
        let (test, db, _, _) = try Self.world()
        defer { test.cleanup() }
        #expect(try LayerRepository(db).sectors().map(\.code) == ["giao-duc", "y-te"])
        #expect(try LayerRepository(db).metadata(layerID: 424_242) == nil)
    }

    @Test func aProposedStyleWaitsAndApprovalMakesItTheStyle() throws {
        let (test, db, editor, layerID) = try Self.world()
        defer { test.cleanup() }
        let approver = try UserRepository(db).create(username: "a.approver", displayName: "Lãnh đạo A", agencyCode: "sa",
                                                     role: .approver, passwordHash: "x")
        let styles = LayerStyles(db)
        let first = ##"{"rules":[{"symbolizer":{"type":"point","fill":"#112233"}}],"version":1}"##
        var entry = Self.audit(editor)
        entry.action = "layer.style_propose"
        entry.target = "lop"
        try styles.propose(layerID: layerID, json: first, userID: editor.id, audit: entry)
        var state = try #require(try styles.state(layerID: layerID))
        #expect(state.style == nil && state.pending == first && state.pendingBy == "a.editor" && state.pendingAt != nil)

        var decision = Self.audit(approver)
        decision.action = "layer.style_approve"
        decision.target = "lop"
        #expect(throws: StoreError.self) {
            try styles.approve(layerID: layerID, expected: "something else", userID: approver.id, audit: decision)
        }
        try styles.approve(layerID: layerID, expected: first, userID: approver.id, audit: decision)
        state = try #require(try styles.state(layerID: layerID))
        #expect(state.style == first && state.pending == nil && state.pendingBy == nil && state.pendingAt == nil)
        #expect(try LayerRepository(db).mapState(layerID: layerID)?.styleJSON == first, "tiles read the approved style")
        #expect(try Self.events(db, layerID).map(\.action) == [.styleProposed, .styleApproved])
        #expect(try Self.events(db, layerID).map(\.username) == ["a.editor", "a.approver"])
        #expect(try Self.auditLog(db).map { $0[0] } == ["layer.style_propose", "layer.style_approve"])

        // Nothing pending: approving and rejecting are refused and write nothing.
        #expect(throws: StoreError.invalid("layer \(layerID) has no style waiting for approval")) {
            try styles.approve(layerID: layerID, expected: first, userID: approver.id, audit: decision)
        }
        #expect(throws: StoreError.invalid("layer \(layerID) has no style waiting for approval")) {
            try styles.reject(layerID: layerID, expected: first, userID: approver.id, reason: "x", audit: decision)
        }
        #expect(try Self.auditLog(db).count == 2)
        #expect(try Self.events(db, layerID).count == 2)
    }

    @Test func aRejectedStyleLeavesTheStyleAndKeepsTheReason() throws {
        let (test, db, editor, layerID) = try Self.world()
        defer { test.cleanup() }
        let approver = try UserRepository(db).create(username: "a.approver", displayName: "Lãnh đạo A", agencyCode: "sa",
                                                     role: .approver, passwordHash: "x")
        let styles = LayerStyles(db)
        try LayerRepository(db).updateStyle(slug: "lop", styleJSON: "approved")
        var entry = Self.audit(editor)
        entry.action = "layer.style_propose"
        try styles.propose(layerID: layerID, json: "first", userID: editor.id, audit: entry)
        try styles.propose(layerID: layerID, json: "second", userID: editor.id, audit: entry)
        #expect(try styles.state(layerID: layerID)?.pending == "second", "a new proposal replaces the old one")
        #expect(throws: StoreError.self, "the replaced proposal cannot be decided") {
            try styles.reject(layerID: layerID, expected: "first", userID: approver.id, reason: "x", audit: Self.audit(approver))
        }

        var decision = Self.audit(approver)
        decision.action = "layer.style_reject"
        decision.detail = "reason=Màu quá nhạt"
        try styles.reject(layerID: layerID, expected: "second", userID: approver.id, reason: "Màu quá nhạt", audit: decision)
        let state = try #require(try styles.state(layerID: layerID))
        #expect(state.style == "approved" && state.pending == nil)
        #expect(state.rejection?.reason == "Màu quá nhạt" && state.rejection?.by == "a.approver")
        let events = try Self.events(db, layerID)
        #expect(events.map(\.action) == [.styleProposed, .styleProposed, .styleRejected])
        #expect(events.last?.note == "Màu quá nhạt")
        #expect(try Self.auditLog(db).last == ["layer.style_reject", "", "reason=Màu quá nhạt"])

        // A new proposal hides the old rejection from the editors' notice.
        try styles.propose(layerID: layerID, json: "third", userID: editor.id, audit: entry)
        #expect(try styles.state(layerID: layerID)?.rejection == nil)
        #expect(throws: StoreError.notFound("layer 424242")) {
            try styles.propose(layerID: 424_242, json: "x", userID: editor.id, audit: entry)
        }
    }
}
