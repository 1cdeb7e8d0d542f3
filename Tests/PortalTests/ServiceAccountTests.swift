import Foundation
import Formats
import HTTP
import Testing
@testable import Portal
import Store

/// Accounts of other systems, made by the system administrator on `/admin/services`: bound to an
/// agency, reached only through their tokens, never signing in, kept off the people's screens.
@Suite(.serialized) struct ServiceAccountTests {
    let fixture = AdminFixture.shared

    static func secret(_ page: Response) -> String? {
        guard let range = page.text.range(of: #"id="new-token">bando_[A-Za-z0-9_-]+<"#, options: .regularExpression) else { return nil }
        return String(page.text[range].dropFirst(#"id="new-token">"#.count).dropLast())
    }

    func make(_ browser: inout Browser, _ username: String, scopes: [String], agency: String = "stnmt") throws -> Response {
        try browser.send("/admin/services", [("username", username), ("display_name", "Nền tảng dữ liệu tỉnh"), ("agency", agency),
                                             ("purpose", "Đồng bộ dữ liệu quan trắc"), ("days", "90")] + scopes.map { ("scope", $0) })
    }

    @Test func theSystemAdministratorMakesAServiceWhoseTokenReadsAsItsAgency() throws {
        let demo = try #require(fixture)
        var admin = try Browser.signedIn(demo, "sysadmin")
        let username = AdminSupport.unique("nen-tang")
        let made = try make(&admin, username, scopes: ["read"])
        #expect(made.status == 200)
        let token = try #require(Self.secret(made), "the token is shown once on the page")
        #expect(!(try admin.get("/admin/services").text.contains(token)), "and never again")

        let me = try demo.json(demo.call("/api/v1/me", token: token))
        #expect(me["username"]?.string == username && me["role"] == "viewer" && me["agency"]?["code"] == "stnmt")
        #expect(try demo.call("/api/v1/layers/diem-quan-trac-moi-truong", token: token).status == 200, "it sees its agency's private layer")
        #expect(try demo.call("/api/v1/layers", method: .POST, token: token, body: [1], contentType: "text/csv").status == 403)
        let listed = try admin.get("/admin/services").text
        #expect(listed.contains(username) && listed.contains("Đồng bộ dữ liệu quan trắc"))

        // The audit log names the administrator who made it, then the token.
        let entries = try AdminSupport.entries(demo, target: username)
        #expect(entries.map(\.action) == ["service.create", "token.create"], "\(entries)")
        #expect(entries.first?.username == "sysadmin")
    }

    @Test func aServiceNeverSignsInAndIsNotAPersonOnTheUsersScreens() throws {
        let demo = try #require(fixture)
        var admin = try Browser.signedIn(demo, "sysadmin")
        let username = AdminSupport.unique("phan-mem")
        #expect(try make(&admin, username, scopes: ["read", "upload"]).status == 200)
        let user = try #require(try AdminSupport.user(demo, username))
        #expect(user.role == .editor, "upload needs an editor's role, no more")
        for password in ["", "x", DemoFixture.password] {
            var visitor = Browser(demo)
            #expect(try visitor.signIn(username, password).status != 303, "a service signs in with \(password.isEmpty ? "no" : "a") password")
        }
        #expect(!(try admin.get("/admin/users").text.contains(username)))
        var agencyAdmin = try Browser.signedIn(demo, "stnmt.admin")
        #expect(!(try agencyAdmin.get("/admin/agencies/stnmt/users").text.contains(username)))
        for action in ["password", "role", "disable"] {
            let refused = try agencyAdmin.send("/admin/agencies/stnmt/users/\(username)/\(action)", [("password", "Mat-khau-moi-2025"), ("role", "admin")])
            #expect(refused.status == 404, "an agency admin's \(action) on a service → \(refused.status)")
        }
        #expect(try AdminSupport.user(demo, username) == user, "unchanged")
    }

    @Test func scopesBeyondAServiceAreRefusedAndRevokingOrDisablingClosesTheDoor() throws {
        let demo = try #require(fixture)
        var admin = try Browser.signedIn(demo, "sysadmin")
        let username = AdminSupport.unique("tich-hop")
        for scopes in [["approve"], ["read", "admin"], []] {
            #expect(try make(&admin, username, scopes: scopes).status == 400, "a service with \(scopes)")
        }
        #expect(try AdminSupport.user(demo, username) == nil, "nothing was made")
        let token = try #require(Self.secret(try make(&admin, username, scopes: ["read"])))
        let upload = try admin.send("/admin/services/\(username)/tokens", [("name", "thêm"), ("scope", "upload"), ("days", "90")])
        #expect(upload.status == 400, "a read-only service gets no upload token")
        let second = try #require(Self.secret(try admin.send("/admin/services/\(username)/tokens", [("name", "dự phòng"), ("scope", "read"), ("days", "30")])))

        #expect(try admin.send("/admin/services/\(username)/disable").status == 303)
        #expect(try demo.call("/api/v1/me", token: token).status == 401, "a disabled service's token opens nothing")
        #expect(try admin.send("/admin/services/\(username)/enable").status == 303)
        #expect(try demo.call("/api/v1/me", token: token).status == 200)

        let service = try #require(try AdminSupport.user(demo, username))
        let id = try #require(try AccessTokenRepository(demo.database).list(userID: service.id).first { $0.name == "dự phòng" }?.id)
        #expect(try admin.send("/admin/services/\(username)/tokens/\(id)/revoke").status == 303)
        #expect(try demo.call("/api/v1/me", token: second).status == 401, "revoked")
        #expect(try demo.call("/api/v1/me", token: token).status == 200, "the other token still works")
        #expect(try admin.send("/admin/services/stnmt.viewer/disable").status == 404, "a person is not a service")
        #expect(try AdminSupport.user(demo, "stnmt.viewer")?.disabled == false)
    }
}
