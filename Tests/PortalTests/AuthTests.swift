import Foundation
import HTTP
import Testing
@testable import Portal
import Store

@Suite struct AuthTests {
    let fixture = DemoFixture.shared

    @Test func signInSetsASafeSessionCookieAndShowsTheUser() throws {
        let demo = try #require(fixture)
        var browser = Browser(demo)
        let response = try browser.signIn("syt.viewer")
        #expect(response.status == 303)
        #expect(response.headers["Location"] == "/")
        let cookie = try #require(response.headers.values("Set-Cookie").first { $0.hasPrefix("bando_session=") })
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
        #expect(!cookie.contains("Secure"), "plain HTTP on loopback")
        let home = try browser.get("/")
        #expect(home.text.contains("/profile"))
        #expect(home.text.contains("action=\"/logout\""))
    }

    @Test func cookieIsSecureBehindATrustedHTTPSProxyOnly() throws {
        let demo = try #require(fixture)
        let trusting = try Portal(database: demo.database, resources: try Resources(root: repositoryRoot),
                                  dataDirectory: demo.folder + "/data-proxy",
                                  trustedProxies: [try #require(AddressRange("10.1.0.0/16"))]).makeRouter().handler
        func signIn(_ handler: Handler, from address: String) throws -> Response {
            let form = try handler(try Request(method: .GET, target: "/login", remoteAddress: address))
            let csrf = try #require(form.headers.values("Set-Cookie").first { $0.hasPrefix("bando_csrf=") })
            let token = String(csrf.split(separator: ";")[0].dropFirst("bando_csrf=".count))
            let body = "csrf=\(token)&username=sxd.viewer&password=demo-password-1"
            return try handler(try Request(method: .POST, target: "/login",
                                           headers: ["Cookie": "bando_csrf=\(token)", "X-Forwarded-Proto": "https",
                                                     "X-Forwarded-For": "10.77.0.9",
                                                     "Content-Type": "application/x-www-form-urlencoded"],
                                           body: .bytes(Array(body.utf8)), remoteAddress: address))
        }
        let trusted = try signIn(trusting, from: "10.1.0.1")
        #expect(trusted.status == 303)
        #expect(trusted.headers.values("Set-Cookie").contains { $0.hasPrefix("bando_session=") && $0.contains("Secure") })
        #expect(trusted.headers["Strict-Transport-Security"] == "max-age=31536000")
        // Anyone else's X-Forwarded-Proto is not believed.
        let untrusted = try signIn(demo.handler, from: "10.1.0.1")
        #expect(untrusted.status == 303)
        #expect(!untrusted.headers.values("Set-Cookie").contains { $0.contains("Secure") })
        #expect(untrusted.headers["Strict-Transport-Security"] == nil)
    }

    @Test func sessionIdIsRotatedAtSignIn() throws {
        let demo = try #require(fixture)
        var browser = Browser(demo)
        try browser.signIn("sgddt.viewer")
        let first = try #require(browser.cookies["bando_session"])
        try browser.signIn("sgddt.editor")
        let second = try #require(browser.cookies["bando_session"])
        #expect(first != second)
        // The old session no longer works.
        var stale = Browser(demo)
        stale.cookies["bando_session"] = first
        let page = try stale.get("/")
        #expect(!page.text.contains("action=\"/logout\""), "\(page.text.prefix(1200))")
    }

    @Test func wrongPasswordAndUnknownUserGetTheSameAnswer() throws {
        let demo = try #require(fixture)
        var a = Browser(demo), b = Browser(demo)
        let wrong = try a.signIn("syt.editor", "not-the-password")
        let unknown = try b.signIn("nobody.here", "not-the-password")
        #expect(wrong.status == 401 && unknown.status == 401)
        #expect(wrong.text.contains("Tên đăng nhập hoặc mật khẩu không đúng."))
        #expect(wrong.text.replacingOccurrences(of: "syt.editor", with: "X").count
                == unknown.text.replacingOccurrences(of: "nobody.here", with: "X").count)
    }

    @Test func postWithoutAValidCSRFTokenIsRefused() throws {
        let demo = try #require(fixture)
        var browser = Browser(demo)
        _ = try browser.get("/login")
        let forged = try browser.post("/login", [("csrf", "forged-token-value-123456"), ("username", "syt.admin"), ("password", "demo-password-1")])
        #expect(forged.status == 403)
        let missing = try browser.post("/login", [("username", "syt.admin"), ("password", "demo-password-1")])
        #expect(missing.status == 403)
        try browser.signIn("syt.admin")
        let logout = try browser.post("/logout", [("csrf", "wrong")])
        #expect(logout.status == 403)
        #expect(try browser.get("/").text.contains("action=\"/logout\""), "still signed in")
    }

    @Test func logoutEndsTheSession() throws {
        let demo = try #require(fixture)
        var browser = Browser(demo)
        try browser.signIn("sxd.editor")
        let token = try #require(browser.cookies["bando_session"])
        let page = try browser.get("/profile")
        let out = try browser.post("/logout", [("csrf", Browser.csrf(in: page) ?? "")])
        #expect(out.status == 303)
        #expect(browser.cookies["bando_session"] == nil)
        var replay = Browser(demo)
        replay.cookies["bando_session"] = token
        #expect(try replay.get("/profile").status == 303, "the old token redirects to sign-in")
    }

    @Test func repeatedFailuresAreSlowedThenLocked() throws {
        let demo = try #require(fixture)
        let hash = try #require(Passwords.hash("throttle-pass-1"))
        try UserRepository(demo.database).create(username: "throttle.user", displayName: "T", agencyCode: "sgddt", role: .viewer, passwordHash: hash)
        var browser = Browser(demo, address: "10.9.9.9")
        for _ in 0..<3 { #expect(try browser.signIn("throttle.user", "wrong-password").status == 401) }
        let slowed = try browser.signIn("throttle.user", "throttle-pass-1")
        #expect(slowed.status == 429, "the right password must wait too")
        #expect(slowed.text.contains("giây"))
        // Past the waits, more failures lock the account.
        let attempts = LoginAttemptRepository(demo.database)
        for _ in 0..<3 { try attempts.record(username: "throttle.user", clientAddress: "10.9.9.9", at: Date(), success: false) }
        let locked = try browser.signIn("throttle.user", "throttle-pass-1")
        #expect(locked.status == 429)
        #expect(locked.text.contains("tạm khóa"))
        let entries = try demo.database.read { db in
            try String.fetchAll(db, sql: "SELECT action FROM audit_log WHERE target = 'throttle.user' ORDER BY id")
        }
        #expect(entries.filter { $0 == "login.failure" }.count == 3)
        #expect(entries.contains("login.throttled") && entries.contains("login.locked"))
    }

    @Test func throttleVerdicts() {
        let throttle = LoginThrottle()
        let now = Date()
        func same(_ count: Int, _ last: Date) -> LoginThrottle.Failures {
            LoginThrottle.Failures(pair: count, lastForPair: last, account: count, lastForAccount: last, address: count, lastForAddress: last)
        }
        #expect(throttle.verdict(same(2, now), now: now) == .allow)
        #expect(throttle.verdict(same(4, now), now: now) == .wait(seconds: 2))
        #expect(throttle.verdict(same(4, now.addingTimeInterval(-3)), now: now) == .allow)
        #expect(throttle.verdict(same(6, now), now: now) == .locked(seconds: 900))
        #expect(throttle.verdict(LoginThrottle.Failures(address: 20, lastForAddress: now), now: now) == .locked(seconds: 900))
        #expect(throttle.verdict(same(6, now.addingTimeInterval(-901)), now: now) == .allow)
        // The account guessed at from elsewhere: its owner's own address is slowed, never locked.
        let elsewhere = LoginThrottle.Failures(account: 50, lastForAccount: now)
        #expect(throttle.verdict(elsewhere, now: now) == .wait(seconds: 5))
        #expect(throttle.verdict(LoginThrottle.Failures(account: 50, lastForAccount: now.addingTimeInterval(-6)), now: now) == .allow)
    }

    @Test func disabledAccountCannotSignIn() throws {
        let demo = try #require(fixture)
        let hash = try #require(Passwords.hash("disabled-pass-1"))
        let user = try UserRepository(demo.database).create(username: "disabled.user", displayName: "D", agencyCode: "syt", role: .viewer, passwordHash: hash)
        try demo.database.write { db in try db.execute(sql: "UPDATE users SET disabled = 1 WHERE id = ?", arguments: [user.id]) }
        var browser = Browser(demo)
        let response = try browser.signIn("disabled.user", "disabled-pass-1")
        #expect(response.status == 403)
        #expect(browser.cookies["bando_session"] == nil)
    }

    @Test func idleAndAbsoluteExpiry() throws {
        let demo = try #require(fixture)
        let portal = try Portal(database: demo.database, resources: try Resources(root: repositoryRoot), dataDirectory: demo.folder + "/data2",
                                sessionPolicy: SessionPolicy(idleTimeout: 120, absoluteTimeout: 3600))
        let user = try #require(try UserRepository(demo.database).find(username: "stnmt.viewer"))
        let token = "expiry-test-token-0123456789abcdef"
        let sessions = SessionRepository(demo.database)
        let request = try Request(method: .GET, target: "/profile", headers: ["Cookie": "bando_session=\(token)"], body: .none, remoteAddress: "10.3.3.3")
        // Fresh: signed in.
        try sessions.create(Session(tokenHash: Tokens.hash(token), userID: user.id, csrfToken: "c", createdAt: Date(),
                                    lastSeenAt: Date(), expiresAt: Date().addingTimeInterval(3600)), clientAddress: nil)
        #expect(portal.actor(for: request)?.username == "stnmt.viewer")
        // Idle for longer than the idle timeout: signed out, and the session is gone.
        try sessions.touch(tokenHash: Tokens.hash(token), at: Date().addingTimeInterval(-121))
        #expect(portal.actor(for: request) == nil)
        #expect(try sessions.findActive(tokenHash: Tokens.hash(token)) == nil)
        // Past the absolute expiry, however recently used.
        try sessions.create(Session(tokenHash: Tokens.hash(token), userID: user.id, csrfToken: "c", createdAt: Date().addingTimeInterval(-4000),
                                    lastSeenAt: Date(), expiresAt: Date().addingTimeInterval(-1)), clientAddress: nil)
        #expect(portal.actor(for: request) == nil)
    }

    @Test func passwordChangeChecksTheRulesAndEndsOtherSessions() throws {
        let demo = try #require(fixture)
        let hash = try #require(Passwords.hash("original-pass-1"))
        try UserRepository(demo.database).create(username: "changer.user", displayName: "C", agencyCode: "sxd", role: .viewer, passwordHash: hash)
        var phone = Browser(demo), laptop = Browser(demo)
        try phone.signIn("changer.user", "original-pass-1")
        try laptop.signIn("changer.user", "original-pass-1")
        var page = try laptop.get("/profile")
        let short = try laptop.post("/profile/password", [("csrf", Browser.csrf(in: page) ?? ""), ("current", "original-pass-1"), ("new", "short"), ("confirm", "short")])
        #expect(short.status == 400 && short.text.contains("ít nhất 12 ký tự"))
        page = try laptop.get("/profile")
        let wrong = try laptop.post("/profile/password", [("csrf", Browser.csrf(in: page) ?? ""), ("current", "nope"), ("new", "a-new-long-pass-9"), ("confirm", "a-new-long-pass-9")])
        #expect(wrong.status == 400)
        page = try laptop.get("/profile")
        let done = try laptop.post("/profile/password", [("csrf", Browser.csrf(in: page) ?? ""), ("current", "original-pass-1"), ("new", "a-new-long-pass-9"), ("confirm", "a-new-long-pass-9")])
        #expect(done.status == 303)
        #expect(try laptop.get("/profile").status == 200, "this browser stays signed in")
        #expect(try phone.get("/profile").status == 303, "the other session ended")
        var fresh = Browser(demo)
        #expect(try fresh.signIn("changer.user", "a-new-long-pass-9").status == 303)
    }

    @Test func profileNeedsASignIn() throws {
        let demo = try #require(fixture)
        let response = try demo.respond("/profile")
        #expect(response.status == 303)
        #expect(response.headers["Location"] == "/login?next=/profile")
        #expect(response.headers["X-Frame-Options"] == "DENY")
        #expect(response.headers["Content-Security-Policy"]?.contains("default-src 'self'") == true)
    }

    @Test func passwordRules() {
        #expect(Portal.passwordProblem("short", username: "u1") == "password_too_short")
        #expect(Portal.passwordProblem("syt.editor-2025!", username: "syt.editor") == "password_contains_username")
        #expect(Portal.passwordProblem("aaaaaaaaaaaa", username: "u1") == "password_too_simple")
        #expect(Portal.passwordProblem("Nui-Bai-Tho-2025", username: "u1") == nil)
    }
}
