import Foundation
import HTTP
import Testing
@testable import Portal
import Store

/// An agency's layers and their sharing: the administrator moves a layer between private and
/// shared and grants or revokes other agencies' access; only the approver makes it public or
/// takes it back. Each change is recorded, and changes what other agencies' viewers see.
@Suite struct AdminSharingTests {
    let fixture = AdminFixture.shared

    @Test func grantAndRevokeChangeWhatOtherAgenciesSee() throws {
        let demo = try #require(fixture)
        let slug = try AdminSupport.layer(demo, owner: "stnmt", visibility: .shared)
        var syt = try Browser.signedIn(demo, "syt.viewer")
        var sxd = try Browser.signedIn(demo, "sxd.viewer")
        #expect(try syt.get("/layers/\(slug)").status == 404)
        #expect(try sxd.get("/layers/\(slug)").status == 404)

        var admin = try Browser.signedIn(demo, "stnmt.admin")
        let path = "/admin/agencies/stnmt/layers/\(slug)"
        #expect(try admin.send("\(path)/grants", [("agency", "syt"), ("permission", "view"), ("reason", "Phối hợp \"phòng dịch\", 2025")]).status == 303)
        #expect(try admin.send("\(path)/grants", [("agency", "sxd"), ("permission", "view_download"), ("reason", "Cấp phép xây dựng")]).status == 303)
        #expect(try syt.get("/layers/\(slug)").status == 200)
        #expect(try sxd.get("/layers/\(slug)").status == 200)
        #expect(try syt.get("/").text.contains("href=\"/layers/\(slug)\""))
        let screen = try admin.get("/admin/agencies/stnmt/layers")
        #expect(screen.text.contains("Phối hợp &quot;phòng dịch&quot;, 2025") && screen.text.contains("Xem và tải về"))

        let noReason = try admin.send("\(path)/grants/syt/revoke", [("reason", " ")])
        #expect(noReason.status == 400 && noReason.text.contains("Lý do: cần nhập."))
        #expect(try syt.get("/layers/\(slug)").status == 200, "still granted")
        #expect(try admin.send("\(path)/grants/syt/revoke", [("reason", "Hết thời hạn phối hợp")]).status == 303)
        #expect(try syt.get("/layers/\(slug)").status == 404)
        #expect(try sxd.get("/layers/\(slug)").status == 200, "the other grant stays")
        #expect(try admin.send("\(path)/grants/syt/revoke", [("reason", "lần nữa")]).status == 404, "nothing left to revoke")

        #expect(try AdminSupport.entries(demo, target: "\(slug)/syt") == [
            .init(action: "grant.create", username: "stnmt.admin", agency: "stnmt", target: "\(slug)/syt",
                  detail: "permission=view; previous=-; reason=Phối hợp \"phòng dịch\", 2025"),
            .init(action: "grant.revoke", username: "stnmt.admin", agency: "stnmt", target: "\(slug)/syt",
                  detail: "permission=view; reason=Hết thời hạn phối hợp"),
        ])
        #expect(try AdminSupport.entries(demo, target: "\(slug)/sxd").map(\.action) == ["grant.create"])
    }

    @Test func badGrantsGetAMessageNamingTheField() throws {
        let demo = try #require(fixture)
        let slug = try AdminSupport.layer(demo, owner: "stnmt", visibility: .shared)
        var admin = try Browser.signedIn(demo, "stnmt.admin")
        let path = "/admin/agencies/stnmt/layers/\(slug)/grants"
        let cases: [([(String, String)], String)] = [
            ([("agency", "stnmt"), ("permission", "view"), ("reason", "r")], "Cơ quan được cấp quyền: giá trị không hợp lệ."),
            ([("agency", "khong-co"), ("permission", "view"), ("reason", "r")], "Cơ quan được cấp quyền: giá trị không hợp lệ."),
            ([("agency", "syt"), ("permission", "edit"), ("reason", "r")], "Quyền: giá trị không hợp lệ."),
            ([("agency", "syt"), ("permission", "view"), ("reason", "")], "Lý do: cần nhập."),
        ]
        for (form, message) in cases {
            let response = try admin.send(path, form)
            #expect(response.status == 400 && response.text.contains(message), "\(form) → \(message)")
        }
        #expect(try AdminSupport.entries(demo, target: "\(slug)/syt").isEmpty)
    }

    @Test func privateAndSharedAreTheAdministratorsPublicIsTheApprovers() throws {
        let demo = try #require(fixture)
        let slug = try AdminSupport.layer(demo, owner: "stnmt", visibility: .private, published: false)
        var admin = try Browser.signedIn(demo, "stnmt.admin")
        var approver = try Browser.signedIn(demo, "stnmt.approver")
        let target = "/admin/agencies/stnmt/layers/\(slug)/visibility"
        func visibility() throws -> Visibility? {
            try LayerRepository(demo.database).findForAccess(slug: slug, agencyID: nil)?.layer.visibility
        }
        // What each sees on the screen.
        let adminScreen = try admin.get("/admin/agencies/stnmt/layers")
        let approverScreen = try approver.get("/admin/agencies/stnmt/layers")
        #expect(adminScreen.text.contains("Chia sẻ cho cơ quan được cấp quyền</button>"))
        #expect(!adminScreen.text.contains("value=\"public\""), "no public control for the administrator")
        #expect(approverScreen.text.contains("value=\"public\""))
        #expect(!approverScreen.text.contains("/grants\""), "no grant forms for the approver")

        #expect(try admin.send(target, [("visibility", "shared")]).status == 303)
        #expect(try visibility() == .shared)
        #expect(try admin.send(target, [("visibility", "public")]).status == 404)
        #expect(try approver.send(target, [("visibility", "private")]).status == 404, "private ↔ shared is not the approver's")
        #expect(try visibility() == .shared)
        #expect(try approver.send(target, [("visibility", "public")]).status == 303)
        #expect(try visibility() == .public)
        #expect(try admin.send(target, [("visibility", "private")]).status == 404, "taking it back is the approver's too")
        #expect(try approver.send(target, [("visibility", "shared")]).status == 303)
        #expect(try visibility() == .shared)
        let bad = try admin.send(target, [("visibility", "everyone")])
        #expect(bad.status == 400 && bad.text.contains("Phạm vi chia sẻ: giá trị không hợp lệ."))

        #expect(try AdminSupport.entries(demo, target: slug).map { "\($0.action) \($0.username ?? "") \($0.agency ?? "") \($0.detail)" } == [
            "layer.visibility stnmt.admin stnmt from=private; to=shared",
            "layer.visibility stnmt.approver stnmt from=shared; to=public",
            "layer.visibility stnmt.approver stnmt from=public; to=shared",
        ])
    }

    @Test func makingALayerPrivateHidesItDespiteItsGrants() throws {
        let demo = try #require(fixture)
        let slug = try AdminSupport.layer(demo, owner: "stnmt", visibility: .shared)
        var admin = try Browser.signedIn(demo, "stnmt.admin")
        var sxd = try Browser.signedIn(demo, "sxd.viewer")
        #expect(try admin.send("/admin/agencies/stnmt/layers/\(slug)/grants", [("agency", "sxd"), ("permission", "view"), ("reason", "r")]).status == 303)
        #expect(try sxd.get("/layers/\(slug)").status == 200)
        #expect(try admin.send("/admin/agencies/stnmt/layers/\(slug)/visibility", [("visibility", "private")]).status == 303)
        #expect(try sxd.get("/layers/\(slug)").status == 404)
        #expect(try admin.get("/admin/agencies/stnmt/layers").text.contains("chỉ có hiệu lực khi lớp được chia sẻ"))
    }

    @Test func anotherAgencysLayerIsNotFoundThroughThisAgencysScreen() throws {
        let demo = try #require(fixture)
        let slug = try AdminSupport.layer(demo, owner: "syt", visibility: .shared)
        var admin = try Browser.signedIn(demo, "stnmt.admin")
        #expect(try admin.send("/admin/agencies/stnmt/layers/\(slug)/visibility", [("visibility", "private")]).status == 404)
        #expect(try admin.send("/admin/agencies/stnmt/layers/\(slug)/grants", [("agency", "sxd"), ("permission", "view"), ("reason", "r")]).status == 404)
        #expect(!(try admin.get("/admin/agencies/stnmt/layers").text.contains(slug)))
        #expect(try LayerRepository(demo.database).findForAccess(slug: slug, agencyID: nil)?.layer.visibility == .shared)
    }
}
