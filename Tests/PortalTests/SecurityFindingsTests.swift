import Foundation
import HTTP
@testable import Portal
import Store
import Testing

/// The security review's findings, each kept fixed by a test that failed before its fix.
@Suite struct SecurityFindingsTests {
    static let offSite = ["/\t/evil.example/x", "/%09/evil.example/x", "//evil.example", "/\\evil.example", "/%5Cevil.example",
                          "/%2F/evil.example", "/%2f%2fevil.example", "https://evil.example/", "/\n/evil.example",
                          "/%0A/evil.example", "/\u{2028}/evil.example", "/%E2%80%A8/evil.example", " /evil", ""]

    @Test func nextTargetsLeaveTheSiteNeverAfterALanguageSwitch() throws {
        let demo = try #require(DemoFixture.shared)
        for payload in Self.offSite {
            let encoded = payload.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let response = try demo.respond("/lang/en?next=\(encoded)")
            #expect(response.status == 303)
            #expect(response.headers["Location"] == "/", "\(payload.debugDescription) → \(response.headers["Location"] ?? "nil")")
        }
        let local = "/layers/co-so-y-te/table?field=ten&value=tram%20y%20te"
        let kept = try demo.respond("/lang/en?next=\(local.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
        #expect(kept.headers["Location"] == local)
    }

    @Test func nextTargetsLeaveTheSiteNeverAfterSignIn() throws {
        let demo = try #require(DemoFixture.shared)
        for payload in Self.offSite {
            var browser = Browser(demo)
            let form = try browser.get("/login")
            let response = try browser.post("/login", [("csrf", Browser.csrf(in: form) ?? ""), ("username", "sgddt.viewer"),
                                                      ("password", demo.demoPassword), ("next", payload)])
            #expect(response.status == 303)
            #expect(response.headers["Location"] == "/", "\(payload.debugDescription)")
        }
    }

    /// A portal of its own behind a trusted proxy at 10.1.0.1, with accounts to guess at.
    final class ProxyFixture: SeededFixture {
        let seeded: SeededPortal
        let proxied: Handler
        init() throws {
            seeded = try SeededPortal(prefix: "bando-proxy-", network: "10.13")
            proxied = try Portal(database: seeded.database, resources: try Resources(root: repositoryRoot),
                                 dataDirectory: seeded.folder + "/data-proxy",
                                 trustedProxies: [try #require(AddressRange("10.1.0.0/16"))]).makeRouter().handler
        }

        /// A sign-in through the proxy for the client `client` (its X-Forwarded-For).
        func signIn(_ username: String, _ password: String, client: String, peer: String = "10.1.0.1") throws -> Response {
            let form = try proxied(try Request(method: .GET, target: "/login", headers: ["X-Forwarded-For": client], remoteAddress: peer))
            let csrf = try #require(form.headers.values("Set-Cookie").first { $0.hasPrefix("bando_csrf=") })
            let token = String(csrf.split(separator: ";")[0].dropFirst("bando_csrf=".count))
            let body = "csrf=\(token)&username=\(username)&password=\(password)"
            return try proxied(try Request(method: .POST, target: "/login",
                                           headers: ["Cookie": "bando_csrf=\(token)", "X-Forwarded-For": "203.0.113.9, \(client)",
                                                     "Content-Type": "application/x-www-form-urlencoded"],
                                           body: .bytes(Array(body.utf8)), remoteAddress: peer))
        }

        func attemptAddresses(_ username: String) throws -> [String] {
            try database.read { db in
                try String.fetchAll(db, sql: "SELECT client_address FROM login_attempts WHERE username = ? ORDER BY at", arguments: [username])
            }
        }
    }

    @Test func behindTheProxyOneClientsGuessesLockOnlyThatClient() throws {
        let fixture = try ProxyFixture()
        // 20 wrong guesses across accounts from one client lock that client...
        for index in 0..<20 {
            let account = index == 0 ? "syt.viewer" : "khach.\(index)"
            #expect(try fixture.signIn(account, "wrong-password", client: "10.50.0.1").status == 401)
        }
        #expect(try fixture.signIn("sgddt.viewer", fixture.demoPassword, client: "10.50.0.1").status == 429)
        // ...and nobody else behind the same proxy.
        #expect(try fixture.signIn("sgddt.viewer", fixture.demoPassword, client: "10.50.0.2").status == 303)
        #expect(try fixture.attemptAddresses("syt.viewer").allSatisfy { $0 == "10.50.0.1" }, "the client's address is recorded, not the proxy's")
    }

    @Test func anAccountGuessedAtElsewhereIsSlowedNeverLockedForItsOwner() throws {
        let fixture = try ProxyFixture()
        let attempts = LoginAttemptRepository(fixture.database)
        // Twelve wrong guesses at the sysadmin from a stranger, a minute ago.
        for _ in 0..<12 {
            try attempts.record(username: "sysadmin", clientAddress: "10.66.0.6", at: Date().addingTimeInterval(-60), success: false)
        }
        #expect(try fixture.signIn("sysadmin", fixture.demoPassword, client: "10.66.0.6").status == 429, "the stranger is locked")
        #expect(try fixture.signIn("sysadmin", fixture.demoPassword, client: "10.50.0.7").status == 303, "the owner is not")
        // Guesses going on right now only slow the owner down by a few seconds.
        try attempts.record(username: "sysadmin", clientAddress: "10.66.0.6", at: Date(), success: false)
        for _ in 0..<6 { try attempts.record(username: "sysadmin", clientAddress: "10.66.0.6", at: Date(), success: false) }
        let slowed = try fixture.signIn("sysadmin", fixture.demoPassword, client: "10.50.0.8")
        #expect(slowed.status == 429)
        #expect(slowed.text.contains("giây") && !slowed.text.contains("tạm khóa"))
    }

    @Test func forwardedHeadersFromAnyoneElseAreIgnored() throws {
        let fixture = try ProxyFixture()
        // The same request straight from a client (not the proxy): its X-Forwarded-For names nobody.
        #expect(try fixture.signIn("syt.viewer", "wrong-password", client: "10.99.9.9", peer: "10.40.0.4").status == 401)
        #expect(try fixture.attemptAddresses("syt.viewer") == ["10.40.0.4"])
    }

    @Test func aViewOnlyGrantYieldsNoMachineReadableFeatures() throws {
        let fixture = try ProxyFixture()
        try fixture.database.write { db in
            try db.execute(sql: """
                UPDATE layer_grants SET permission = 'view'
                WHERE layer_id = (SELECT id FROM layers WHERE slug = 'quy-hoach-su-dung-dat')
                """)
        }
        let feature = try #require(try fixture.database.read { db in
            try Int64.fetchOne(db, sql: """
                SELECT f.id FROM features f JOIN layers l ON l.published_version_id = f.version_id
                WHERE l.slug = 'quy-hoach-su-dung-dat' ORDER BY f.id LIMIT 1
                """)
        })
        var viewer = Browser(fixture)
        #expect(try viewer.signIn("sxd.viewer").status == 303)
        #expect(try viewer.get("/layers/quy-hoach-su-dung-dat/features/\(feature)").status == 200, "the page is a view")
        let json = try viewer.get("/layers/quy-hoach-su-dung-dat/features/\(feature).geojson")
        let missing = try viewer.get("/layers/khong-ton-tai/features/\(feature).geojson")
        #expect(json.status == 404 && missing.status == 404)
        #expect(json.text.replacingOccurrences(of: "quy-hoach-su-dung-dat", with: "X")
                == missing.text.replacingOccurrences(of: "khong-ton-tai", with: "X"))
        #expect(try viewer.get("/layers/quy-hoach-su-dung-dat/download.geojson").status == 404)
        // With the download right, both are there.
        var owner = Browser(fixture)
        #expect(try owner.signIn("stnmt.viewer").status == 303)
        #expect(try owner.get("/layers/quy-hoach-su-dung-dat/features/\(feature).geojson").status == 200)
    }

    @Test func currentPasswordGuessesOnTheProfileAreThrottled() throws {
        let fixture = try ProxyFixture()
        var browser = Browser(fixture, address: "10.13.7.7")
        #expect(try browser.signIn("syt.editor").status == 303)
        var statuses: [Int] = []
        for _ in 0..<5 {
            let page = try browser.get("/profile")
            let response = try browser.post("/profile/password", [("csrf", Browser.csrf(in: page) ?? ""), ("current", "doan-thu-\(statuses.count)"),
                                                                 ("new", "a-new-long-pass-9"), ("confirm", "a-new-long-pass-9")])
            statuses.append(response.status)
        }
        #expect(statuses.prefix(3).allSatisfy { $0 == 400 }, "\(statuses)")
        #expect(statuses.dropFirst(3).allSatisfy { $0 == 429 }, "after three wrong guesses the next wait: \(statuses)")
        // The right password waits too while throttled, and changes nothing.
        let page = try browser.get("/profile")
        let right = try browser.post("/profile/password", [("csrf", Browser.csrf(in: page) ?? ""), ("current", fixture.demoPassword),
                                                          ("new", "a-new-long-pass-9"), ("confirm", "a-new-long-pass-9")])
        #expect(right.status == 429)
        var fresh = Browser(fixture, address: "10.13.7.8")
        #expect(try fresh.signIn("syt.editor").status == 303, "the old password still works")
    }

    @Test func aNewLayersSlugTellsNothingOfHiddenLayers() throws {
        let fixture = try ProxyFixture()
        let path = fixture.folder + "/diem.geojson"
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[106.2,21.3]}}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        func slug(_ title: String) throws -> String {
            try ImportPipeline(database: fixture.database).run(ImportRequest(path: path, agencyCode: "sxd", username: "sxd.editor",
                                                                             title: title)).layerSlug
        }
        // stnmt keeps a private "diem-quan-trac-moi-truong"; a title nobody used answers the same way.
        #expect(try slug("Điểm quan trắc môi trường") == "diem-quan-trac-moi-truong-sxd")
        #expect(try slug("Điểm chưa ai dùng") == "diem-chua-ai-dung-sxd")
        // Only the agency's own layers, which its editors see, make a suffix.
        #expect(try slug("Điểm chưa ai dùng") == "diem-chua-ai-dung-sxd-2")
    }

    @Test func separationOfDutiesBetweenAgencyAdminsApproversAndTheSysadmin() throws {
        let fixture = try ProxyFixture()
        var admin = try Browser.signedIn(fixture, "syt.admin")
        // An agency admin can neither demote nor reset the password of the agency's approver...
        let demote = try admin.send("/admin/agencies/syt/users/syt.approver/role", [("role", "viewer")])
        #expect(demote.status == 400 && demote.text.contains("quản trị hệ thống"))
        let reset = try admin.send("/admin/agencies/syt/users/syt.approver/password", [("password", "mat-khau-moi-2026")])
        #expect(reset.status == 403)
        var approver = Browser(fixture)
        #expect(try approver.signIn("syt.approver").status == 303, "the approver's password is unchanged")
        // ...while the sysadmin can.
        var sysadmin = try Browser.signedIn(fixture, "sysadmin")
        #expect(try sysadmin.send("/admin/agencies/syt/users/syt.approver/password", [("password", "mat-khau-moi-2026")]).status == 303)
        // An approver cannot publish a version they uploaded themselves.
        let path = fixture.folder + "/tram.geojson"
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[106.2,21.3]}}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let own = try ImportPipeline(database: fixture.database).run(ImportRequest(path: path, agencyCode: "syt", username: "syt.editor",
                                                                                   title: "Tự duyệt"))
        #expect(try sysadmin.send("/admin/agencies/syt/users/syt.editor/role", [("role", "approver")]).status == 303)
        var uploader = try Browser.signedIn(fixture, "syt.editor")
        let refused = try uploader.send("/layers/\(own.layerSlug)/versions/1/publish")
        #expect(refused.status == 422 && refused.text.contains("một người duyệt khác phải công bố"))
        let layerID = try #require(try LayerRepository(fixture.database).findForAccess(slug: own.layerSlug, agencyID: nil)).layer.id
        #expect(try VersionRepository(fixture.database).find(layerID: layerID, number: 1)?.status == .pending)
        var other = Browser(fixture)
        #expect(try other.signIn("syt.approver", "mat-khau-moi-2026").status == 303)
        #expect(try other.send("/layers/\(own.layerSlug)/versions/1/publish").status == 303)
        #expect(try VersionRepository(fixture.database).find(layerID: layerID, number: 1)?.status == .published)
    }
}
