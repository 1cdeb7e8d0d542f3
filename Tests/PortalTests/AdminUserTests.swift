import Foundation
import HTTP
import Testing
@testable import Portal
import Store

/// An agency administrator's user screens: create, role, disable and enable, password reset —
/// only for their own agency's users, each recorded once.
@Suite struct AdminUserTests {
    let fixture = AdminFixture.shared

    @Test func anAgencyAdminCreatesUsersOfTheirAgency() throws {
        let demo = try #require(fixture)
        var admin = try Browser.signedIn(demo, "stnmt.admin")
        let username = AdminSupport.unique("cb")
        let created = try admin.send("/admin/agencies/stnmt/users",
                                     [("username", username), ("display_name", "Nguyễn Văn A"), ("role", "editor"), ("password", "Song-Cau-2025")])
        #expect(created.status == 303)
        #expect(created.headers["Location"] == "/admin/agencies/stnmt/users?done=user_created")
        let user = try #require(try AdminSupport.user(demo, username))
        #expect(user.role == .editor && user.displayName == "Nguyễn Văn A" && !user.disabled)
        #expect(try AdminSupport.entries(demo, target: username)
                == [.init(action: "user.create", username: "stnmt.admin", agency: "stnmt", target: username, detail: "agency=stnmt; role=editor")])
        let list = try admin.get("/admin/agencies/stnmt/users?done=user_created")
        #expect(list.text.contains(username) && list.text.contains("Đã tạo tài khoản."))
        #expect(!list.text.contains("Song-Cau-2025"), "the password is never shown")
        var newcomer = Browser(demo)
        #expect(try newcomer.signIn(username, "Song-Cau-2025").status == 303)
    }

    @Test func badNewUsersGetAMessageNamingTheField() throws {
        let demo = try #require(fixture)
        var admin = try Browser.signedIn(demo, "stnmt.admin")
        let fresh = AdminSupport.unique("moi")
        let cases: [([(String, String)], String)] = [
            ([("username", "Tên Có Dấu"), ("display_name", "A"), ("role", "viewer"), ("password", "Song-Cau-2025")], "Tên đăng nhập: chỉ gồm"),
            ([("username", "stnmt.viewer"), ("display_name", "A"), ("role", "viewer"), ("password", "Song-Cau-2025")], "Tên đăng nhập: đã có"),
            ([("username", fresh), ("display_name", ""), ("role", "viewer"), ("password", "Song-Cau-2025")], "Họ tên: cần nhập."),
            ([("username", fresh), ("display_name", "A"), ("role", "sysadmin"), ("password", "Song-Cau-2025")], "Vai trò: giá trị không hợp lệ."),
            ([("username", fresh), ("display_name", "A"), ("role", "viewer"), ("password", "ngan")], "Mật khẩu ban đầu: Mật khẩu mới phải có ít nhất 12 ký tự."),
            ([("username", fresh), ("display_name", "A"), ("role", "viewer"), ("password", "\(fresh)-2025")], "Mật khẩu ban đầu: Mật khẩu mới không được chứa tên đăng nhập."),
        ]
        for (form, message) in cases {
            let response = try admin.send("/admin/agencies/stnmt/users", form)
            #expect(response.status == 400, "\(form)")
            #expect(response.text.contains(message), "\(form) → \(message)")
        }
        #expect(try AdminSupport.user(demo, fresh) == nil)
    }

    /// stnmt's administrator against a syt user: through syt's URL and through their own agency's
    /// URL, every action is refused with 404 and nothing changes.
    @Test func anAgencyAdminCannotTouchAnotherAgencysUsers() throws {
        let demo = try #require(fixture)
        let target = try AdminSupport.account(demo, agency: "syt", role: .viewer, prefix: "syt")
        var admin = try Browser.signedIn(demo, "stnmt.admin")
        let created = AdminSupport.unique("lan")
        let attempts: [(String, [(String, String)])] = [
            ("/admin/agencies/syt/users", [("username", created), ("display_name", "X"), ("role", "viewer"), ("password", "Song-Cau-2025")]),
            ("/admin/agencies/syt/users/\(target.username)/disable", []),
            ("/admin/agencies/syt/users/\(target.username)/role", [("role", "admin")]),
            ("/admin/agencies/syt/users/\(target.username)/password", [("password", "Song-Cau-2025")]),
            ("/admin/agencies/stnmt/users/\(target.username)/disable", []),
            ("/admin/agencies/stnmt/users/\(target.username)/role", [("role", "admin")]),
            ("/admin/agencies/stnmt/users/\(target.username)/password", [("password", "Song-Cau-2025")]),
            ("/admin/agencies/stnmt/users/sysadmin/disable", []),
            ("/admin/agencies/ttcntt/users/sysadmin/password", [("password", "Song-Cau-2025")]),
        ]
        for (path, form) in attempts {
            #expect(try admin.send(path, form).status == 404, "POST \(path)")
        }
        #expect(try AdminSupport.user(demo, target.username) == target, "role, status and password unchanged")
        #expect(try AdminSupport.user(demo, created) == nil)
        #expect(try AdminSupport.entries(demo, target: target.username).isEmpty)
        var owner = Browser(demo)
        #expect(try owner.signIn(target.username).status == 303, "the old password still works")
        #expect(try admin.get("/admin/agencies/syt/users").status == 404)
    }

    @Test func resetPasswordEndsSessionsAndOnlyTheNewPasswordWorks() throws {
        let demo = try #require(fixture)
        let user = try AdminSupport.account(demo, agency: "stnmt", role: .viewer, prefix: "quen")
        var owner = try Browser.signedIn(demo, user.username)
        #expect(try owner.get("/profile").status == 200)
        var admin = try Browser.signedIn(demo, "stnmt.admin")
        let weak = try admin.send("/admin/agencies/stnmt/users/\(user.username)/password", [("password", "short")])
        #expect(weak.status == 400 && weak.text.contains("Mật khẩu mới: Mật khẩu mới phải có ít nhất 12 ký tự."))
        let fresh = "Cau-Dong-Xuan-7"
        let reset = try admin.send("/admin/agencies/stnmt/users/\(user.username)/password", [("password", fresh)])
        #expect(reset.status == 303)
        let after = try admin.get(try #require(reset.headers["Location"]))
        #expect(after.text.contains("Đã đặt lại mật khẩu") && !after.text.contains(fresh), "the admin never sees it again")
        #expect(try owner.get("/profile").status == 303, "the user's session ended")
        var old = Browser(demo)
        #expect(try old.signIn(user.username).status == 401)
        var new = Browser(demo)
        #expect(try new.signIn(user.username, fresh).status == 303)
        let entries = try AdminSupport.entries(demo, target: user.username)
        #expect(entries == [.init(action: "user.password_reset", username: "stnmt.admin", agency: "stnmt", target: user.username, detail: "")])
    }

    @Test func disableEnableAndRoleChanges() throws {
        let demo = try #require(fixture)
        let user = try AdminSupport.account(demo, agency: "stnmt", role: .viewer, prefix: "khoa")
        var owner = try Browser.signedIn(demo, user.username)
        var admin = try Browser.signedIn(demo, "stnmt.admin")
        #expect(try admin.send("/admin/agencies/stnmt/users/\(user.username)/disable").status == 303)
        #expect(try AdminSupport.user(demo, user.username)?.disabled == true)
        #expect(try owner.get("/profile").status == 303, "signed out")
        var again = Browser(demo)
        #expect(try again.signIn(user.username).status == 403)
        #expect(try admin.send("/admin/agencies/stnmt/users/\(user.username)/enable").status == 303)
        #expect(try again.signIn(user.username).status == 303)
        #expect(try admin.send("/admin/agencies/stnmt/users/\(user.username)/role", [("role", "editor")]).status == 303)
        #expect(try AdminSupport.user(demo, user.username)?.role == .editor)
        // Separation of duties: the approver and admin roles are the sysadmin's to grant.
        for role in ["approver", "admin", "sysadmin"] {
            let refused = try admin.send("/admin/agencies/stnmt/users/\(user.username)/role", [("role", role)])
            #expect(refused.status == 400 && refused.text.contains("Vai trò: giá trị không hợp lệ."), "\(role)")
        }
        #expect(try AdminSupport.user(demo, user.username)?.role == .editor)
        #expect(try AdminSupport.entries(demo, target: user.username).map { "\($0.action) \($0.username ?? "") \($0.agency ?? "") \($0.detail)" } == [
            "user.disable stnmt.admin stnmt ", "user.enable stnmt.admin stnmt ", "user.role stnmt.admin stnmt from=viewer; to=editor",
        ])
        // Their own account is not theirs to change here.
        #expect(try admin.send("/admin/agencies/stnmt/users/stnmt.admin/role", [("role", "viewer")]).status == 404)
        #expect(try AdminSupport.user(demo, "stnmt.admin")?.role == .admin)
    }

    @Test func theSystemAdministratorManagesEveryAgencysUsers() throws {
        let demo = try #require(fixture)
        let user = try AdminSupport.account(demo, agency: "sgddt", role: .editor, prefix: "gd")
        var admin = try Browser.signedIn(demo, "sysadmin")
        let page = try admin.get("/admin/agencies/sgddt/users")
        #expect(page.status == 200 && page.text.contains(user.username))
        #expect(!page.text.contains("<option value=\"sysadmin\""), "no system administrators outside the system agency")
        #expect(try admin.send("/admin/agencies/sgddt/users/\(user.username)/role", [("role", "admin")]).status == 303)
        #expect(try AdminSupport.user(demo, user.username)?.role == .admin)
        #expect(try admin.get("/admin/agencies/ttcntt/users").text.contains("<option value=\"sysadmin\""))
    }
}
