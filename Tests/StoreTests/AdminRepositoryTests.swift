import Foundation
import GRDB
import Testing
@testable import Store

/// The store's side of the administration screens: the agency tree's moves, disabling (and the
/// sessions it ends), roles, grants, and the audit log's filters.
@Suite struct AdminRepositoryTests {
    @Test func movesRefuseLoopsInTheTree() throws {
        let test = TestDatabase(); defer { test.cleanup() }
        let db = try test.migrated()
        let agencies = AgencyRepository(db)
        let root = try agencies.create(code: "root", name: "Tỉnh", kind: .province, parentCode: nil)
        let a = try agencies.create(code: "a1", name: "A", kind: .department, parentCode: "root")
        let b = try agencies.create(code: "b1", name: "B", kind: .office, parentCode: "a1")
        _ = try agencies.create(code: "c1", name: "C", kind: .office, parentCode: "b1")
        #expect(try agencies.subtree(of: a.id).count == 3)
        #expect(try agencies.move(code: "a1", toParentCode: "c1") == .wouldCycle)
        #expect(try agencies.move(code: "a1", toParentCode: "a1") == .wouldCycle)
        #expect(try agencies.move(code: "a1", toParentCode: "nowhere") == .notFound)
        #expect(try agencies.move(code: "nowhere", toParentCode: "a1") == .notFound)
        #expect(try agencies.find(code: "a1")?.parentID == root.id)
        #expect(try agencies.move(code: "c1", toParentCode: nil) == .moved)
        #expect(try agencies.find(code: "c1")?.parentID == nil)
        #expect(try agencies.move(code: "a1", toParentCode: "c1") == .moved, "c1 is no longer below a1")
        #expect(try agencies.subtree(of: b.id) == [b.id])
        #expect(try agencies.rename(code: "b1", to: "B mới"))
        #expect(try agencies.find(code: "b1")?.name == "B mới")
        #expect(try agencies.rename(code: "zz", to: "x") == false)
    }

    @Test func disablingEndsSessions() throws {
        let test = TestDatabase(); defer { test.cleanup() }
        let db = try test.migrated()
        try AgencyRepository(db).create(code: "a1", name: "A", kind: .department, parentCode: nil)
        try AgencyRepository(db).create(code: "b1", name: "B", kind: .department, parentCode: nil)
        let users = UserRepository(db)
        let one = try users.create(username: "one", displayName: "1", agencyCode: "a1", role: .viewer, passwordHash: "x")
        let two = try users.create(username: "two", displayName: "2", agencyCode: "b1", role: .viewer, passwordHash: "x")
        let sessions = SessionRepository(db)
        for (token, user) in [("t1", one), ("t2", two), ("t3", one)] {
            try sessions.create(Session(tokenHash: token, userID: user.id, csrfToken: "c", createdAt: Date(), lastSeenAt: Date(),
                                        expiresAt: Date().addingTimeInterval(60)), clientAddress: nil)
        }
        func count() throws -> Int { try db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sessions") ?? 0 } }
        #expect(try AgencyRepository(db).setDisabled(code: "a1", true))
        #expect(try count() == 1, "a1's two sessions ended")
        #expect(try AgencyRepository(db).find(code: "a1")?.disabled == true)
        try users.setDisabled(userID: two.id, true)
        #expect(try count() == 0)
        try users.setRole(userID: two.id, .approver)
        #expect(try users.find(id: two.id).map { ($0.role, $0.disabled) } ?? (.viewer, false) == (.approver, true))
        #expect(try users.listing(agencyID: nil).map { "\($0.agencyCode):\($0.user.username)" } == ["a1:one", "b1:two"])
    }

    @Test func grantsAreSetChangedAndRevoked() throws {
        let world = try SmallWorld(); defer { world.test.cleanup() }
        let layers = LayerRepository(world.db)
        let secret = try #require(try layers.findForAccess(slug: "secret", agencyID: nil)).layer
        try layers.setGrant(layerID: secret.id, agencyID: world.other.id, permission: .view, reason: "a", grantedBy: nil)
        try layers.setGrant(layerID: secret.id, agencyID: world.other.id, permission: .viewDownload, reason: "b", grantedBy: nil)
        let grants = try layers.grants(ownerAgencyID: world.owner.id).filter { $0.layerID == secret.id }
        #expect(grants.map { "\($0.agencyCode) \($0.permission.rawValue) \($0.reason)" } == ["syt view_download b"])
        try layers.setVisibility(layerID: secret.id, .shared)
        #expect(try world.slugs(ListingScope(agencyID: world.other.id, seesEverything: false)).contains("secret"))
        #expect(try layers.revokeGrant(layerID: secret.id, agencyID: world.other.id))
        #expect(try layers.revokeGrant(layerID: secret.id, agencyID: world.other.id) == false)
        #expect(!(try world.slugs(ListingScope(agencyID: world.other.id, seesEverything: false)).contains("secret")))
    }

    @Test func auditFiltersNarrowInsideSQL() throws {
        let test = TestDatabase(); defer { test.cleanup() }
        let db = try test.migrated()
        let a = try AgencyRepository(db).create(code: "a1", name: "A", kind: .department, parentCode: nil)
        let b = try AgencyRepository(db).create(code: "b1", name: "B", kind: .department, parentCode: nil)
        let log = AuditRepository(db)
        try db.write { db in
            for (at, user, agency, action) in [("2025-03-01T23:59:59.000Z", "Lan", a.id, "user.create"),
                                                ("2025-03-02T00:00:00.000Z", "lan", a.id, "user.role"),
                                                ("2025-03-03T08:00:00.000Z", "minh", b.id, "user.create")] {
                try db.execute(sql: "INSERT INTO audit_log(at, username, agency_id, action) VALUES (?, ?, ?, ?)",
                               arguments: [at, user, agency, action])
            }
        }
        func actions(_ filter: AuditFilter) throws -> [String] { try log.entries(filter, limit: 10).map { "\($0.username ?? "") \($0.action)" } }
        #expect(try actions(AuditFilter()) == ["minh user.create", "lan user.role", "Lan user.create"], "newest first")
        #expect(try actions(AuditFilter(agencyID: a.id)) == ["lan user.role", "Lan user.create"])
        #expect(try actions(AuditFilter(username: "LAN")) == ["lan user.role", "Lan user.create"], "usernames ignore case")
        #expect(try actions(AuditFilter(action: "user.create")) == ["minh user.create", "Lan user.create"])
        #expect(try actions(AuditFilter(from: "2025-03-02")) == ["minh user.create", "lan user.role"])
        #expect(try actions(AuditFilter(to: "2025-03-01")) == ["Lan user.create"], "the last day is whole")
        #expect(try actions(AuditFilter(from: "2025-03-02", to: "2025-03-02")) == ["lan user.role"])
        #expect(try log.count(AuditFilter(agencyID: b.id, action: "user.role")) == 0)
        #expect(try log.entries(AuditFilter(), limit: 1, offset: 1).map(\.action) == ["user.role"])
        #expect(try log.entries(AuditFilter(), limit: 5).first?.agencyCode == "b1")
    }
}
