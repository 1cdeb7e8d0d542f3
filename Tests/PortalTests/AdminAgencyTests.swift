import Foundation
import HTTP
import Testing
@testable import Portal
import Store

/// The system administrator's agency screens: create, rename, move (never into a loop),
/// disable and enable (sign-ins end), appoint administrators — each recorded once.
@Suite struct AdminAgencyTests {
    let fixture = AdminFixture.shared

    @Test func createRenameAndMoveAreRecordedOnceEach() throws {
        let demo = try #require(fixture)
        var admin = try Browser.signedIn(demo, "sysadmin")
        let code = AdminSupport.unique("so-moi")
        let created = try admin.send("/admin/agencies", [("code", code), ("name", "Sở Khoa học và Công nghệ"), ("kind", "department"), ("parent", "ubnd")])
        #expect(created.status == 303)
        #expect(created.headers["Location"] == "/admin/agencies/\(code)?done=agency_created")
        let repository = AgencyRepository(demo.database)
        let agency = try #require(try repository.find(code: code))
        #expect(agency.name == "Sở Khoa học và Công nghệ" && agency.kind == .department)
        #expect(agency.parentID == (try repository.find(code: "ubnd"))?.id)
        let page = try admin.get("/admin/agencies/\(code)?done=agency_created")
        #expect(page.status == 200 && page.text.contains("Đã thêm cơ quan."))
        let tree = try admin.get("/admin/agencies")
        #expect(tree.text.contains("href=\"/admin/agencies/\(code)\"") && tree.text.contains("padding-left: 2.1rem"), "indented under the root")

        #expect(try admin.send("/admin/agencies/\(code)/rename", [("name", "Sở Khoa học, Công nghệ")]).status == 303)
        #expect(try repository.find(code: code)?.name == "Sở Khoa học, Công nghệ")
        #expect(try admin.send("/admin/agencies/\(code)/move", [("parent", "stnmt")]).status == 303)
        #expect(try repository.find(code: code)?.parentID == (try repository.find(code: "stnmt"))?.id)

        let entries = try AdminSupport.entries(demo, target: code)
        #expect(entries.map(\.action) == ["agency.create", "agency.rename", "agency.move"], "\(entries)")
        #expect(entries.allSatisfy { $0.username == "sysadmin" && $0.agency == "ttcntt" })
        #expect(entries[2].detail == "from=ubnd; to=stnmt")
    }

    @Test func badInputGetsAMessageNamingTheField() throws {
        let demo = try #require(fixture)
        var admin = try Browser.signedIn(demo, "sysadmin")
        let codes = (0..<4).map { _ in AdminSupport.unique("x") }
        let cases: [([(String, String)], String)] = [
            ([("code", "Có Dấu"), ("name", "X"), ("kind", "office")], "Mã cơ quan: chỉ gồm chữ thường"),
            ([("code", "stnmt"), ("name", "X"), ("kind", "office")], "Mã cơ quan: đã có"),
            ([("code", codes[0]), ("name", "  "), ("kind", "office")], "Tên cơ quan: cần nhập."),
            ([("code", codes[1]), ("name", "X"), ("kind", "planet")], "Loại: giá trị không hợp lệ."),
            ([("code", codes[2]), ("name", "X"), ("kind", "office"), ("parent", "khong-co")], "Đơn vị cấp trên: giá trị không hợp lệ."),
            ([("code", codes[3]), ("name", String(repeating: "á", count: 201)), ("kind", "office")], "Tên cơ quan: quá dài."),
        ]
        for (form, message) in cases {
            let response = try admin.send("/admin/agencies", form)
            #expect(response.status == 400, "\(form)")
            #expect(response.text.contains(message), "\(form) → \(message)")
        }
        for code in codes { #expect(try AgencyRepository(demo.database).find(code: code) == nil) }
        #expect(try AgencyRepository(demo.database).find(code: "stnmt")?.name == "Sở Tài nguyên và Môi trường")
    }

    @Test func anAgencyCannotMoveUnderItsOwnDescendant() throws {
        let demo = try #require(fixture)
        let top = try AdminSupport.agency(demo, prefix: "cha")
        let middle = try AdminSupport.agency(demo, prefix: "con", parent: top.code)
        let bottom = try AdminSupport.agency(demo, prefix: "chau", parent: middle.code)
        var admin = try Browser.signedIn(demo, "sysadmin")
        for parent in [bottom.code, middle.code, top.code] {
            let refused = try admin.send("/admin/agencies/\(top.code)/move", [("parent", parent)])
            #expect(refused.status == 400, "under \(parent)")
            #expect(refused.text.contains("không thể chuyển một cơ quan vào dưới chính nó hoặc đơn vị cấp dưới của nó"))
        }
        #expect(try AgencyRepository(demo.database).find(code: top.code)?.parentID == top.parentID)
        #expect(try AdminSupport.entries(demo, target: top.code).isEmpty)
        // The form does not offer them either.
        let page = try admin.get("/admin/agencies/\(top.code)")
        #expect(!page.text.contains("<option value=\"\(bottom.code)\""))
        // Moving the bottom up to the top is fine.
        #expect(try admin.send("/admin/agencies/\(bottom.code)/move", [("parent", "")]).status == 303)
        #expect(try AgencyRepository(demo.database).find(code: bottom.code)?.parentID == nil)
    }

    @Test func disablingAnAgencyEndsItsUsersSignIns() throws {
        let demo = try #require(fixture)
        let agency = try AdminSupport.agency(demo, prefix: "khoa")
        let user = try AdminSupport.account(demo, agency: agency.code, role: .editor)
        var member = try Browser.signedIn(demo, user.username)
        #expect(try member.get("/profile").status == 200)
        var admin = try Browser.signedIn(demo, "sysadmin")
        let disabled = try admin.send("/admin/agencies/\(agency.code)/disable")
        #expect(disabled.status == 303)
        #expect(try AgencyRepository(demo.database).find(code: agency.code)?.disabled == true)
        #expect(try member.get("/profile").status == 303, "the open session ended")
        var again = Browser(demo)
        #expect(try again.signIn(user.username).status == 403, "no new sign-in")
        #expect(try admin.send("/admin/agencies/\(agency.code)/enable").status == 303)
        var back = Browser(demo)
        #expect(try back.signIn(user.username).status == 303)
        let entries = try AdminSupport.entries(demo, target: agency.code)
        #expect(entries == [
            .init(action: "agency.disable", username: "sysadmin", agency: "ttcntt", target: agency.code, detail: ""),
            .init(action: "agency.enable", username: "sysadmin", agency: "ttcntt", target: agency.code, detail: ""),
        ])
    }

    @Test func theSystemAgencyCannotBeDisabled() throws {
        let demo = try #require(fixture)
        var admin = try Browser.signedIn(demo, "sysadmin")
        let refused = try admin.send("/admin/agencies/ttcntt/disable")
        #expect(refused.status == 400 && refused.text.contains("Không thể khóa đơn vị quản trị hệ thống."))
        #expect(try AgencyRepository(demo.database).find(code: "ttcntt")?.disabled == false)
    }

    @Test func appointingAnAdministratorCreatesOrPromotes() throws {
        let demo = try #require(fixture)
        let agency = try AdminSupport.agency(demo, prefix: "bo-nhiem")
        let existing = try AdminSupport.account(demo, agency: agency.code, role: .viewer)
        let elsewhere = try AdminSupport.account(demo, agency: "syt", role: .viewer)
        var admin = try Browser.signedIn(demo, "sysadmin")
        let page = try admin.get("/admin/agencies/\(agency.code)")
        #expect(page.text.contains("<option value=\"\(existing.username)\""))
        #expect(try admin.send("/admin/agencies/\(agency.code)/admins", [("existing", existing.username)]).status == 303)
        #expect(try AdminSupport.user(demo, existing.username)?.role == .admin)
        #expect(try AdminSupport.entries(demo, target: existing.username)
                == [.init(action: "user.role", username: "sysadmin", agency: "ttcntt", target: existing.username, detail: "from=viewer; to=admin")])
        // Another agency's user cannot be promoted here.
        let refused = try admin.send("/admin/agencies/\(agency.code)/admins", [("existing", elsewhere.username)])
        #expect(refused.status == 400 && refused.text.contains("Tài khoản hiện có: giá trị không hợp lệ."))
        #expect(try AdminSupport.user(demo, elsewhere.username)?.role == .viewer)
        // A new administrator account.
        let username = AdminSupport.unique("qt")
        let created = try admin.send("/admin/agencies/\(agency.code)/admins",
                                     [("username", username), ("display_name", "Quản trị mới"), ("password", "Bac-Ninh-2025!")])
        #expect(created.status == 303)
        let user = try #require(try AdminSupport.user(demo, username))
        #expect(user.role == .admin && user.agencyID == agency.id)
        #expect(try AdminSupport.entries(demo, target: username)
                == [.init(action: "user.create", username: "sysadmin", agency: "ttcntt", target: username,
                          detail: "agency=\(agency.code); role=admin")])
        var appointed = Browser(demo)
        #expect(try appointed.signIn(username, "Bac-Ninh-2025!").status == 303)
        #expect(try appointed.get("/admin/agencies/\(agency.code)/users").status == 200)
        #expect(try appointed.get("/admin/agencies").status == 404)
    }

    @Test func listsOfEveryUserAndEveryLayer() throws {
        let demo = try #require(fixture)
        var admin = try Browser.signedIn(demo, "sysadmin")
        let users = try admin.get("/admin/users")
        #expect(users.status == 200)
        #expect(users.text.contains("syt.approver") && users.text.contains("Lãnh đạo phê duyệt") && users.text.contains("Sở Y tế"))
        let layers = try admin.get("/admin/layers")
        #expect(layers.status == 200)
        for title in ["Điểm quan trắc môi trường", "Công trình được cấp phép xây dựng", "Quy hoạch sử dụng đất", "Cơ sở y tế"] {
            #expect(layers.text.contains(title), "\(title) listed with its metadata")
        }
        #expect(layers.text.contains("Nội bộ cơ quan") && !layers.text.contains("href=\"/layers/"), "metadata only, no data links")
    }
}
