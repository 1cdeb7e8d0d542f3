import Foundation
import Testing

/// Sign-in with central accounts against a real OpenID provider (Glewlwyd on loopback): the
/// portal's settings form, the authorization code flow with PKCE, accounts made from the agency
/// claim or placed by an administrator, and the callbacks that must sign nobody in.
@Suite(.serialized) struct CentralSignInEndToEndTests {
    typealias Jar = AuthEndToEndTests.Jar

    /// A provider, a portal registered with it, and the portal's sysadmin signed in.
    struct Setup {
        let provider: OpenIDProvider
        let server: ServerProcess
        var sysadmin: Jar

        init(newAccounts: String = "claim") throws {
            provider = try OpenIDProvider()
            server = try ServerProcess()
            try provider.addClient(id: "bando", secret: "client-secret-1",
                                   redirectURI: "http://127.0.0.1:\(server.port)/login/sso/callback")
            sysadmin = Jar(port: server.port)
            #expect(try sysadmin.signIn("sysadmin", "e2e-password-1").status == 303)
            let saved = try Self.configure(&sysadmin, server.port, [
                "enabled": "1", "issuer": provider.issuer, "client_id": "bando", "client_secret": "client-secret-1",
                "redirect_uri": "http://127.0.0.1:\(server.port)/login/sso/callback", "scope": "openid",
                "username_claim": "preferred_username", "name_claim": "name", "email_claim": "email",
                "agency_claim": "agency", "new_accounts": newAccounts, "clock_skew": "120",
            ])
            #expect(saved.status == 303 && saved.header("Location") == "/admin/sso?done=sso_saved", "\(saved.text.prefix(400))")
        }

        static func configure(_ jar: inout Jar, _ port: Int, _ fields: [String: String]) throws -> RawClient.Response {
            let page = try jar.get("/admin/sso")
            var form = "csrf=\(Jar.csrf(page))"
            for (name, value) in fields { form += "&\(name)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            return try jar.post("/admin/sso", form)
        }

        func stop() { server.stop(); provider.stop() }
    }

    /// The official's browser from the portal's button to the provider and back; the portal's
    /// answer to the callback.
    static func centralSignIn(_ jar: inout Jar, _ setup: Setup, _ username: String, _ password: String,
                              next: String = "/map") throws -> RawClient.Response {
        let start = try jar.get("/login/sso?next=\(next)")
        #expect(start.status == 302)
        let authorization = try #require(start.header("Location"))
        #expect(authorization.hasPrefix(setup.provider.issuer + "/auth?"))
        #expect(OpenIDProvider.query(authorization, "code_challenge_method") == "S256")
        let callback = try setup.provider.authorize(authorization, username: username, password: password)
        #expect(callback.hasPrefix("http://127.0.0.1:\(setup.server.port)/login/sso/callback?"))
        return try jar.get(try OpenIDProvider.localTarget(callback))
    }

    func rows(_ database: String, _ sql: String) throws -> [String] {
        let (status, out) = try SQLite3.run(database, sql)
        #expect(status == 0)
        return out.split(separator: "\n").map(String.init)
    }

    @Test func anOfficialNamedByTheAgencyClaimSignsInAndOut() throws {
        let setup = try Setup(); defer { setup.stop() }
        try setup.provider.addUser("nguyen.van.a", name: "Nguyễn Văn A", password: "idp-password-1", agency: "stnmt")
        var official = Jar(port: setup.server.port)
        let login = try official.get("/login")
        #expect(login.text.contains(#"href="/login/sso?next=/""#), "the sign-in page offers the central account")

        let back = try Self.centralSignIn(&official, setup, "nguyen.van.a", "idp-password-1")
        #expect(back.status == 303 && back.header("Location") == "/map")
        #expect(back.headers.contains { $0.0.lowercased() == "set-cookie" && $0.1.hasPrefix("bando_session=") && $0.1.contains("HttpOnly") })
        let profile = try official.get("/profile")
        #expect(profile.status == 200 && profile.text.contains("Nguyễn Văn A"))
        // Made a viewer of the agency its claim names, tied to the provider's subject.
        #expect(try rows(setup.server.database, """
            SELECT u.role || ' ' || a.code || ' ' || x.issuer FROM users u JOIN agencies a ON a.id = u.agency_id
            JOIN external_identities x ON x.user_id = u.id WHERE u.username = 'nguyen.van.a'
            """) == ["viewer stnmt \(setup.provider.issuer)"])
        // The agency's private layer is theirs to see now.
        #expect(try official.get("/layers/diem-quan-trac-moi-truong").status == 200)

        // Signing out ends the local session.
        #expect(try official.post("/logout", "csrf=\(Jar.csrf(profile))").status == 303)
        #expect(try official.get("/layers/diem-quan-trac-moi-truong").status == 404)
        #expect(try rows(setup.server.database, "SELECT action FROM audit_log WHERE target = 'nguyen.van.a' ORDER BY id")
                == ["user.create.sso", "login.sso.success", "logout"])

        // A second sign-in finds the same account, not a new one.
        var again = Jar(port: setup.server.port)
        #expect(try Self.centralSignIn(&again, setup, "nguyen.van.a", "idp-password-1").status == 303)
        #expect(try rows(setup.server.database, "SELECT count(*) FROM users WHERE username = 'nguyen.van.a'") == ["1"])
    }

    @Test func anOfficialWithoutAPlaceWaitsForTheirAgencysAdministrator() throws {
        let setup = try Setup(newAccounts: "approval"); defer { setup.stop() }
        try setup.provider.addUser("tran.thi.b", name: "Trần Thị B", password: "idp-password-2", agency: "stnmt")
        var official = Jar(port: setup.server.port)
        let waiting = try Self.centralSignIn(&official, setup, "tran.thi.b", "idp-password-2")
        #expect(waiting.status == 403 && waiting.text.contains("Trần Thị B"))
        #expect(!waiting.headers.contains { $0.0.lowercased() == "set-cookie" && $0.1.hasPrefix("bando_session=") && !$0.1.contains("Max-Age=0") })

        // Another agency's administrator neither sees nor decides the request.
        var other = Jar(port: setup.server.port)
        _ = try other.signIn("syt.admin", "e2e-password-1")
        let otherPage = try other.get("/admin/sso")
        #expect(otherPage.status == 200 && !otherPage.text.contains("tran.thi.b"))
        let id = try #require(try rows(setup.server.database, "SELECT id FROM sso_requests WHERE username = 'tran.thi.b'").first)
        #expect(try other.post("/admin/sso/requests/\(id)/approve", "csrf=\(Jar.csrf(otherPage))&agency=syt&role=viewer").status == 404)
        // Nor may an agency administrator change the settings.
        #expect(try other.post("/admin/sso", "csrf=\(Jar.csrf(otherPage))&enabled=0&scope=openid").status == 404)

        // The claimed agency's administrator places the official, as an editor at most.
        var admin = Jar(port: setup.server.port)
        _ = try admin.signIn("stnmt.admin", "e2e-password-1")
        let adminPage = try admin.get("/admin/sso")
        #expect(adminPage.text.contains("tran.thi.b") && !adminPage.text.contains(#"name="issuer""#))
        #expect(try admin.post("/admin/sso/requests/\(id)/approve", "csrf=\(Jar.csrf(adminPage))&agency=stnmt&role=approver").status == 400)
        let approved = try admin.post("/admin/sso/requests/\(id)/approve", "csrf=\(Jar.csrf(adminPage))&agency=stnmt&role=editor")
        #expect(approved.status == 303)

        var again = Jar(port: setup.server.port)
        #expect(try Self.centralSignIn(&again, setup, "tran.thi.b", "idp-password-2").status == 303)
        #expect(try rows(setup.server.database, "SELECT role FROM users WHERE username = 'tran.thi.b'") == ["editor"])
        #expect(try rows(setup.server.database, "SELECT action FROM audit_log WHERE target = 'tran.thi.b' ORDER BY id")
                == ["login.sso.request", "sso.approve", "login.sso.success"])
    }

    @Test func aRefusalIsShownWithItsReason() throws {
        let setup = try Setup(newAccounts: "approval"); defer { setup.stop() }
        try setup.provider.addUser("le.van.c", name: "Lê Văn C", password: "idp-password-3", agency: "")
        var official = Jar(port: setup.server.port)
        #expect(try Self.centralSignIn(&official, setup, "le.van.c", "idp-password-3").status == 403)
        var sysadmin = setup.sysadmin
        let page = try sysadmin.get("/admin/sso")
        let id = try #require(try rows(setup.server.database, "SELECT id FROM sso_requests WHERE username = 'le.van.c'").first)
        #expect(try sysadmin.post("/admin/sso/requests/\(id)/refuse", "csrf=\(Jar.csrf(page))&reason=Kh%C3%B4ng%20thu%E1%BB%99c%20t%E1%BB%89nh").status == 303)
        var again = Jar(port: setup.server.port)
        let refused = try Self.centralSignIn(&again, setup, "le.van.c", "idp-password-3")
        #expect(refused.status == 403 && refused.text.contains("Không thuộc tỉnh"))
        #expect(try rows(setup.server.database, "SELECT count(*) FROM users WHERE username = 'le.van.c'") == ["0"])
    }

    @Test func forgedReplayedAndStaleCallbacksSignNobodyIn() throws {
        let setup = try Setup(); defer { setup.stop() }
        try setup.provider.addUser("pham.van.d", name: "Phạm Văn D", password: "idp-password-4", agency: "stnmt")
        // The victim's browser gets a callback for a sign-in the attacker started: its state
        // cookie does not match, so nobody is signed in.
        var attacker = Jar(port: setup.server.port)
        let start = try attacker.get("/login/sso")
        let callback = try setup.provider.authorize(try #require(start.header("Location")), username: "pham.van.d", password: "idp-password-4")
        var victim = Jar(port: setup.server.port)
        _ = try victim.get("/login/sso")
        let forced = try victim.get(try OpenIDProvider.localTarget(callback))
        #expect(forced.status == 400)
        #expect(!forced.headers.contains { $0.1.hasPrefix("bando_session=") && !$0.1.contains("Max-Age=0") })
        // Without any state cookie, the same.
        var bare = Jar(port: setup.server.port)
        #expect(try bare.get(try OpenIDProvider.localTarget(callback)).status == 400)

        // The rightful browser signs in once; the same callback again is refused.
        #expect(try attacker.get(try OpenIDProvider.localTarget(callback)).status == 303)
        #expect(try attacker.get(try OpenIDProvider.localTarget(callback)).status == 400)

        // A used code under a fresh state: the provider refuses to redeem it twice.
        var replay = Jar(port: setup.server.port)
        let fresh = try #require(try replay.get("/login/sso").header("Location"))
        let state = try #require(OpenIDProvider.query(fresh, "state"))
        let code = try #require(OpenIDProvider.query(callback, "code"))
        let replayed = try replay.get("/login/sso/callback?state=\(state)&code=\(code)")
        #expect(replayed.status == 403)
        #expect(try rows(setup.server.database, "SELECT count(*) FROM audit_log WHERE action = 'login.sso.failure' AND detail LIKE 'refused:%'") == ["1"])

        // The provider's own error (the official cancelled) is shown, nobody signed in.
        var cancelled = Jar(port: setup.server.port)
        let cancelStart = try #require(try cancelled.get("/login/sso").header("Location"))
        let cancelState = try #require(OpenIDProvider.query(cancelStart, "state"))
        #expect(try cancelled.get("/login/sso/callback?state=\(cancelState)&error=access_denied").status == 403)

        // A provider that is down: the official is told, and may sign in with a password.
        var late = Jar(port: setup.server.port)
        let lateStart = try #require(try late.get("/login/sso").header("Location"))
        let lateCallback = try setup.provider.authorize(lateStart, username: "pham.van.d", password: "idp-password-4")
        setup.provider.stop()
        let down = try late.get(try OpenIDProvider.localTarget(lateCallback))
        #expect(down.status == 502 && down.text.contains(#"name="password""#))
    }

    @Test func theSettingsFormChecksTheProviderAndWhoMayUseIt() throws {
        let setup = try Setup(); defer { setup.stop() }
        var sysadmin = setup.sysadmin
        // A provider that does not answer, or plain http across the network, is refused.
        for issuer in ["http://127.0.0.1:1/oidc", "http://10.20.30.40/oidc"] {
            let refused = try Setup.configure(&sysadmin, setup.server.port, [
                "enabled": "1", "issuer": issuer, "client_id": "bando",
                "redirect_uri": "http://127.0.0.1:\(setup.server.port)/login/sso/callback", "scope": "openid",
                "username_claim": "preferred_username", "name_claim": "name", "email_claim": "email",
                "new_accounts": "claim", "clock_skew": "120",
            ])
            #expect(refused.status == 400, "\(issuer)")
        }
        // The kept secret is never shown back.
        let page = try sysadmin.get("/admin/sso")
        #expect(page.status == 200 && !page.text.contains("client-secret-1"))
        // The sysadmin's own account is not taken over by a central account of the same name.
        try setup.provider.addUser("sysadmin", name: "Mạo danh", password: "idp-password-5", agency: "ttcntt")
        var impostor = Jar(port: setup.server.port)
        let refused = try Self.centralSignIn(&impostor, setup, "sysadmin", "idp-password-5")
        #expect(refused.status == 403)
        #expect(try rows(setup.server.database, "SELECT count(*) FROM external_identities") == ["0"])
        // Officials of an agency, and the public, find no settings page.
        var viewer = Jar(port: setup.server.port)
        _ = try viewer.signIn("stnmt.viewer", "e2e-password-1")
        #expect(try viewer.get("/admin/sso").status == 404)
        var anonymous = Jar(port: setup.server.port)
        #expect(try anonymous.get("/admin/sso").status == 404)
    }

    @Test func withCentralSignInOffItsDoorsAreMissing() throws {
        let server = try ServerProcess(); defer { server.stop() }
        var jar = Jar(port: server.port)
        #expect(try jar.get("/login/sso").status == 404)
        #expect(try jar.get("/login/sso/callback?state=a&code=b").status == 404)
        #expect(!(try jar.get("/login").text.contains("/login/sso")))
        _ = try jar.signIn("stnmt.admin", "e2e-password-1")
        #expect(try jar.get("/admin/sso").status == 404, "agency admins see the requests only while central sign-in is on")
    }
}
