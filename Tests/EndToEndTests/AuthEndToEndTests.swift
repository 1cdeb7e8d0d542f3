import Foundation
import Testing

/// Signing in and out over a real socket, as a browser does it.
@Suite struct AuthEndToEndTests {
    /// A minimal browser on raw sockets: one connection per request, a cookie jar.
    struct Jar {
        let port: Int
        var cookies: [String: String] = [:]

        var header: String {
            cookies.isEmpty ? "" : "Cookie: " + cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") + "\r\n"
        }

        mutating func keep(_ response: RawClient.Response) {
            for (name, value) in response.headers where name.lowercased() == "set-cookie" {
                let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard pair.count == 2 else { continue }
                cookies[String(pair[0])] = pair[1].isEmpty ? nil : String(pair[1])
            }
        }

        mutating func get(_ target: String) throws -> RawClient.Response {
            let response = try RawClient(port: port).get(target, headers: header)
            keep(response)
            return response
        }

        mutating func post(_ target: String, _ form: String) throws -> RawClient.Response {
            let client = try RawClient(port: port)
            try client.send("POST \(target) HTTP/1.1\r\nHost: x\r\n\(header)Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.utf8.count)\r\n\r\n\(form)")
            let response = try client.readResponse()
            keep(response)
            return response
        }

        static func csrf(_ page: RawClient.Response) -> String {
            guard let range = page.text.range(of: #"name="csrf" value="([^"]+)""#, options: .regularExpression) else { return "" }
            return String(page.text[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
        }

        mutating func signIn(_ username: String, _ password: String) throws -> RawClient.Response {
            let form = try get("/login")
            return try post("/login", "csrf=\(Jar.csrf(form))&username=\(username)&password=\(password)")
        }
    }

    func auditActions(_ database: String, target: String) throws -> [String] {
        let (status, out) = try SQLite3.run(database, "SELECT action FROM audit_log WHERE target = '\(target)' ORDER BY id")
        #expect(status == 0)
        return out.split(separator: "\n").map(String.init)
    }

    @Test func signInSignOutAndTheAuditLog() throws {
        let server = try ServerProcess(); defer { server.stop() }
        var jar = Jar(port: server.port)
        let signIn = try jar.signIn("stnmt.viewer", "e2e-password-1")
        #expect(signIn.status == 303)
        let cookie = try #require(signIn.headers.first { $0.0.lowercased() == "set-cookie" && $0.1.hasPrefix("bando_session=") })
        #expect(cookie.1.contains("HttpOnly") && cookie.1.contains("SameSite=Lax"))
        // Signed in, the private layer of the agency is visible; signed out, it is not.
        #expect(try jar.get("/layers/diem-quan-trac-moi-truong").status == 200)
        let profile = try jar.get("/profile")
        #expect(profile.status == 200)
        let out = try jar.post("/logout", "csrf=\(Jar.csrf(profile))")
        #expect(out.status == 303)
        #expect(try jar.get("/layers/diem-quan-trac-moi-truong").status == 404)
        #expect(try auditActions(server.database, target: "stnmt.viewer") == ["login.success", "logout"])
    }

    @Test func csrfRefusalOverTheWire() throws {
        let server = try ServerProcess(); defer { server.stop() }
        var jar = Jar(port: server.port)
        _ = try jar.get("/login")
        let forged = try jar.post("/login", "csrf=not-the-token-0000000000&username=syt.admin&password=e2e-password-1")
        #expect(forged.status == 403)
        #expect(jar.cookies["bando_session"] == nil)
    }

    @Test func lockoutAfterRepeatedFailures() throws {
        let server = try ServerProcess(); defer { server.stop() }
        var jar = Jar(port: server.port)
        var statuses: [Int] = []
        for _ in 0..<4 { statuses.append(try jar.signIn("sgddt.editor", "wrong-password").status) }
        #expect(statuses[0..<3].allSatisfy { $0 == 401 })
        #expect(statuses[3] == 429, "slowed after three failures")
        let right = try jar.signIn("sgddt.editor", "e2e-password-1")
        #expect(right.status == 429, "even the right password waits")
        let actions = try auditActions(server.database, target: "sgddt.editor")
        #expect(actions.filter { $0 == "login.failure" }.count == 3)
        #expect(actions.contains("login.throttled"))
    }

    @Test func idleSessionExpires() throws {
        let server = try ServerProcess(extraArguments: ["--session-idle", "2"]); defer { server.stop() }
        var jar = Jar(port: server.port)
        #expect(try jar.signIn("sxd.viewer", "e2e-password-1").status == 303)
        #expect(try jar.get("/profile").status == 200)
        Thread.sleep(forTimeInterval: 3)
        let after = try jar.get("/profile")
        #expect(after.status == 303)
        #expect(after.header("Location") == "/login?next=/profile")
    }

    @Test func agencyAdminCannotTouchAnotherAgencysUsersAndActionsAreAudited() throws {
        let server = try ServerProcess(); defer { server.stop() }
        var admin = Jar(port: server.port)
        #expect(try admin.signIn("stnmt.admin", "e2e-password-1").status == 303)
        let own = try admin.get("/admin/agencies/stnmt/users")
        #expect(own.status == 200)
        let csrf = Jar.csrf(own)
        // Another agency's users: not even their page exists for this admin.
        #expect(try admin.get("/admin/agencies/syt/users").status == 404)
        #expect(try admin.post("/admin/agencies/syt/users/syt.viewer/disable", "csrf=\(csrf)").status == 404)
        #expect(try admin.post("/admin/agencies/syt/users", "csrf=\(csrf)&username=intruder.x&display_name=X&role=viewer&password=Mot-mat-khau-dai-1").status == 404)
        var victim = Jar(port: server.port)
        #expect(try victim.signIn("syt.viewer", "e2e-password-1").status == 303, "syt.viewer still signs in")
        // Within the agency: a new user, then disabled; both in the audit log.
        let created = try admin.post("/admin/agencies/stnmt/users",
                                     "csrf=\(csrf)&username=stnmt.new&display_name=Nguyen+Van+A&role=editor&password=Mot-mat-khau-dai-1")
        #expect(created.status == 303)
        #expect(try admin.post("/admin/agencies/stnmt/users/stnmt.new/disable", "csrf=\(csrf)").status == 303)
        var newcomer = Jar(port: server.port)
        #expect(try newcomer.signIn("stnmt.new", "Mot-mat-khau-dai-1").status == 403, "disabled")
        let actions = try auditActions(server.database, target: "stnmt.new")
        #expect(actions.contains("user.create") && actions.contains("user.disable") && actions.contains("login.disabled"))
        #expect(try auditActions(server.database, target: "intruder.x").isEmpty)
        // The audit screen of the agency shows them; its CSV export is itself audited.
        let audit = try admin.get("/admin/audit")
        #expect(audit.status == 200 && audit.text.contains("stnmt.new"))
        let csv = try admin.get("/admin/audit.csv")
        #expect(csv.status == 200 && csv.text.contains("user.create"))
        let exports = try SQLite3.run(server.database, "SELECT count(*) FROM audit_log WHERE action = 'audit.export'").output
        #expect(exports.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }
}
