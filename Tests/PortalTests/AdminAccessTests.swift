import Foundation
import HTTP
import Testing
@testable import Portal
import Store

/// Who may open each administration screen and post each form: the right actor gets the screen,
/// everyone else the same 404 as an address that does not exist; a POST without its CSRF token is
/// refused (403) and changes nothing.
@Suite struct AdminAccessTests {
    let fixture = AdminFixture.shared

    /// Every screen, and who opens it (everyone else: 404).
    static let screens: [(path: String, allowed: Set<String>)] = [
        ("/admin", ["sysadmin", "stnmt.admin", "stnmt.approver", "syt.admin", "syt.approver"]),
        ("/admin/agencies", ["sysadmin"]),
        ("/admin/agencies/stnmt", ["sysadmin"]),
        ("/admin/users", ["sysadmin"]),
        ("/admin/layers", ["sysadmin"]),
        ("/admin/agencies/stnmt/users", ["sysadmin", "stnmt.admin"]),
        ("/admin/agencies/stnmt/layers", ["stnmt.admin", "stnmt.approver"]),
        ("/admin/audit", ["sysadmin", "stnmt.admin", "syt.admin"]),
        ("/admin/audit.csv", ["sysadmin", "stnmt.admin", "syt.admin"]),
        ("/admin/audit?agency=stnmt", ["sysadmin", "stnmt.admin"]),
        ("/admin/audit.csv?agency=syt", ["sysadmin", "syt.admin"]),
        // Central sign-in is off in the fixture: its settings are the sysadmin's alone, and
        // agency admins find its requests only while it is on.
        ("/admin/sso", ["sysadmin"]),
        ("/admin/services", ["sysadmin"]),
    ]

    /// Everyone who asks: nil is the public.
    static let actors: [String?] = [nil, "sysadmin"]
        + ["stnmt", "syt"].flatMap { code in ["viewer", "editor", "approver", "admin"].map { "\(code).\($0)" } }

    @Test(arguments: AdminAccessTests.actors)
    func screensAnswerTheRightActorAndHideFromTheRest(_ username: String?) throws {
        let demo = try #require(fixture)
        var browser = Browser(demo)
        if let username { try #require(try browser.signIn(username).status == 303) }
        for (path, allowed) in Self.screens {
            let response = try browser.get(path)
            let who = username ?? "public"
            if let username, allowed.contains(username) {
                #expect(response.status == 200, "\(who) opens \(path) → \(response.status)")
            } else {
                #expect(response.status == 404, "\(who) is refused \(path) → \(response.status)")
                #expect(response.text.contains("Không tìm thấy trang"),
                        "\(who) \(path): the page of a missing address")
            }
        }
        let home = try browser.get("/")
        let administers = username.map { Self.screens[0].allowed.contains($0) } ?? false
        #expect(home.text.contains("href=\"/admin\"") == administers, "\(username ?? "public") sees the admin link: \(administers)")
    }

    /// Forms that only others may post, each with a valid CSRF token: every one answers 404 and
    /// changes nothing.
    @Test func postsByTheWrongActorAre404AndChangeNothing() throws {
        let demo = try #require(fixture)
        let victim = try AdminSupport.account(demo, agency: "stnmt", role: .viewer, prefix: "nan-nhan")
        let slug = try AdminSupport.layer(demo, owner: "stnmt", visibility: .private)
        let attempts: [(actor: String, target: String, form: [(String, String)])] = [
            ("stnmt.viewer", "/admin/agencies/stnmt/users", [("username", "x-viewer-made"), ("display_name", "X"), ("role", "admin"), ("password", "Mat-khau-dai-2025")]),
            ("stnmt.editor", "/admin/agencies/stnmt/users/\(victim.username)/role", [("role", "admin")]),
            ("stnmt.approver", "/admin/agencies/stnmt/users/\(victim.username)/disable", []),
            ("syt.admin", "/admin/agencies/stnmt/users/\(victim.username)/password", [("password", "Mat-khau-moi-2025")]),
            ("stnmt.admin", "/admin/agencies", [("code", "x-admin-made"), ("name", "X"), ("kind", "office"), ("parent", "")]),
            ("stnmt.admin", "/admin/agencies/syt/disable", []),
            ("stnmt.admin", "/admin/agencies/stnmt/layers/\(slug)/visibility", [("visibility", "public")]),
            ("stnmt.approver", "/admin/agencies/stnmt/layers/\(slug)/visibility", [("visibility", "shared")]),
            ("stnmt.approver", "/admin/agencies/stnmt/layers/\(slug)/grants", [("agency", "syt"), ("permission", "view"), ("reason", "x")]),
            ("syt.admin", "/admin/agencies/stnmt/layers/\(slug)/grants", [("agency", "syt"), ("permission", "view"), ("reason", "x")]),
            ("sysadmin", "/admin/agencies/stnmt/layers/\(slug)/visibility", [("visibility", "shared")]),
            ("syt.admin", "/admin/agencies/syt/layers/\(slug)/visibility", [("visibility", "shared")]),
            ("stnmt.admin", "/admin/sso", [("enabled", "0"), ("scope", "openid"), ("issuer", "https://evil.example/")]),
            ("stnmt.approver", "/admin/sso/requests/1/approve", [("agency", "stnmt"), ("role", "viewer")]),
            ("stnmt.viewer", "/admin/sso/requests/1/refuse", [("reason", "x")]),
            ("stnmt.admin", "/admin/services", [("username", "x-service-made"), ("display_name", "X"), ("agency", "stnmt"), ("scope", "read")]),
            ("syt.admin", "/admin/services/x-service-made/tokens", [("name", "X"), ("scope", "read")]),
        ]
        for (actor, target, form) in attempts {
            var browser = try Browser.signedIn(demo, actor)
            let response = try browser.send(target, form)
            #expect(response.status == 404, "\(actor) POST \(target) → \(response.status)")
        }
        #expect(try AdminSupport.user(demo, victim.username) == victim, "the user is unchanged")
        #expect(try AdminSupport.user(demo, "x-viewer-made") == nil)
        #expect(try AdminSupport.user(demo, "x-service-made") == nil)
        #expect(try AgencyRepository(demo.database).find(code: "x-admin-made") == nil)
        #expect(try AgencyRepository(demo.database).find(code: "syt")?.disabled == false)
        let layer = try LayerRepository(demo.database).findForAccess(slug: slug, agencyID: nil)
        #expect(layer?.layer.visibility == .private)
        #expect(try LayerRepository(demo.database).grants(ownerAgencyID: layer?.layer.agencyID ?? 0).allSatisfy { $0.layerID != layer?.layer.id })
        #expect(try AdminSupport.entries(demo, target: victim.username).isEmpty)
        #expect(try AdminSupport.entries(demo, target: slug).isEmpty)
    }

    @Test func postsWithoutTheCSRFTokenAreRefusedAndChangeNothing() throws {
        let demo = try #require(fixture)
        let victim = try AdminSupport.account(demo, agency: "stnmt", role: .viewer, prefix: "csrf")
        let slug = try AdminSupport.layer(demo, owner: "stnmt", visibility: .private)
        let code = AdminSupport.unique("csrf")
        let attempts: [(actor: String, target: String, form: [(String, String)])] = [
            ("sysadmin", "/admin/agencies", [("code", code), ("name", "X"), ("kind", "office"), ("parent", "ubnd")]),
            ("sysadmin", "/admin/agencies/stnmt/rename", [("name", "Đổi tên trái phép")]),
            ("sysadmin", "/admin/agencies/stnmt/disable", []),
            ("stnmt.admin", "/admin/agencies/stnmt/users/\(victim.username)/role", [("role", "admin")]),
            ("stnmt.admin", "/admin/agencies/stnmt/users/\(victim.username)/disable", []),
            ("stnmt.admin", "/admin/agencies/stnmt/users/\(victim.username)/password", [("password", "Mat-khau-moi-2025")]),
            ("stnmt.admin", "/admin/agencies/stnmt/layers/\(slug)/visibility", [("visibility", "shared")]),
            ("stnmt.admin", "/admin/agencies/stnmt/layers/\(slug)/grants", [("agency", "syt"), ("permission", "view"), ("reason", "x")]),
            ("sysadmin", "/admin/services", [("username", code + "-svc"), ("display_name", "X"), ("agency", "stnmt"), ("scope", "read")]),
        ]
        for (actor, target, form) in attempts {
            var browser = try Browser.signedIn(demo, actor)
            let missing = try browser.post(target, form)
            #expect(missing.status == 403, "\(actor) POST \(target) without a token → \(missing.status)")
            let forged = try browser.post(target, [("csrf", "forged-token-value-0123456789")] + form)
            #expect(forged.status == 403, "\(actor) POST \(target) with a forged token → \(forged.status)")
        }
        var anonymous = Browser(demo)
        #expect(try anonymous.post("/admin/agencies", [("code", code), ("name", "X"), ("kind", "office")]).status == 403)
        #expect(try AgencyRepository(demo.database).find(code: code) == nil)
        #expect(try AgencyRepository(demo.database).find(code: "stnmt").map { ($0.name, $0.disabled) }
                ?? ("", true) == ("Sở Tài nguyên và Môi trường", false))
        #expect(try AdminSupport.user(demo, victim.username) == victim)
        #expect(try LayerRepository(demo.database).findForAccess(slug: slug, agencyID: nil)?.layer.visibility == .private)
        #expect(try AdminSupport.entries(demo, target: victim.username).isEmpty)
        #expect(try AdminSupport.user(demo, code + "-svc") == nil)
    }

    @Test func adminScreensAreNotListedInTheAuditLog() throws {
        let demo = try #require(fixture)
        let reader = try AdminSupport.account(demo, agency: "sgddt", role: .admin, prefix: "doc")
        var browser = try Browser.signedIn(demo, reader.username)
        let before = try AuditRepository(demo.database).count(AuditFilter(username: reader.username))
        for path in ["/admin", "/admin/audit", "/admin/audit?action=login.success", "/admin/agencies/sgddt/users", "/admin/agencies/sgddt/layers"] {
            #expect(try browser.get(path).status == 200, "\(path)")
        }
        #expect(try AuditRepository(demo.database).count(AuditFilter(username: reader.username)) == before, "reading is not recorded")
        #expect(try browser.post("/admin/audit", []).status == 405, "the log has no write door")
    }
}
