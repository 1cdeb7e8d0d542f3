import Foundation
import HTTP
import Testing
@testable import Portal
import Store

/// The layer metadata form through the router, as a browser uses it: who may open it, what it
/// refuses and how, and what the layer page shows afterwards.
@Suite struct LayerEditingTests {
    let fixture = EditingFixture.shared

    /// A complete, valid metadata form for layer `slug`.
    static func form(_ changes: [String: String] = [:]) -> [(String, String)] {
        var fields: [(String, String)] = [
            ("title", "Giấy phép xây dựng 2024"), ("description", "Các giấy phép đã cấp.\nCập nhật hằng quý."),
            ("sector", "xay-dung"), ("keywords", "xây dựng, giấy phép , , Xây dựng, cấp phép"),
            ("update_frequency", "quarterly"), ("data_date", "2024-12-31"), ("license", "CC BY 4.0"),
            ("attribution", "Sở Xây dựng tỉnh Kinh Bắc"), ("contact_name", "Nguyễn Thị Hoa"),
            ("contact_position", "Chuyên viên phòng Quy hoạch"), ("contact_phone", "+84 (222) 387-1234"),
            ("contact_email", "hoa.nt@sxd.kinhbac.gov.vn"),
        ]
        for (name, value) in changes {
            if let index = fields.firstIndex(where: { $0.0 == name }) { fields[index].1 = value } else { fields.append((name, value)) }
        }
        return fields
    }

    @Test func anEditorEditsTheMetadataAndTheLayerPageShowsIt() throws {
        let demo = try #require(fixture)
        let slug = try demo.layer()
        var editor = try Browser.signedIn(demo, "sxd.editor")
        let page = try editor.get("/layers/\(slug)/edit")
        #expect(page.status == 200)
        #expect(page.text.contains(#"name="title" value="Lớp sửa \#(slug)""#))
        #expect(!page.text.contains(#"name="owner""#), "an editor sees the owner agency read-only")
        let token = try #require(Browser.csrf(in: page))
        let saved = try editor.post("/layers/\(slug)/edit", [("csrf", token)] + Self.form())
        #expect(saved.status == 303)
        #expect(saved.location == "/layers/\(slug)?done=edit_saved")
        let notice = try editor.get("/layers/\(slug)?done=edit_saved")
        #expect(notice.text.contains("class=\"notice done\""), "the layer page confirms the save")

        let layerID = try demo.layerID(slug)
        let metadata = try #require(try LayerRepository(demo.database).metadata(layerID: layerID))
        #expect(metadata.title == "Giấy phép xây dựng 2024")
        #expect(metadata.keywords == ["xây dựng", "giấy phép", "cấp phép"], "trimmed, empties and repeats dropped")
        #expect(metadata.updateFrequency == .quarterly && metadata.dataDate == "2024-12-31")
        #expect(metadata.contact.email == "hoa.nt@sxd.kinhbac.gov.vn")
        #expect(try demo.audit(slug).last == ["layer.metadata", "sxd.editor",
                                               "fields=title,description,keywords,update_frequency,data_date,license,attribution,contact_name,contact_position,contact_phone,contact_email"])

        // The public sees the new facts and the contact officer at once.
        let shown = try demo.respond("/layers/\(slug)", headers: [("Cookie", "lang=vi")])
        #expect(shown.status == 200)
        for expected in ["Giấy phép xây dựng 2024", "xây dựng, giấy phép, cấp phép", "Hằng quý", "31/12/2024", "CC BY 4.0",
                         "Sở Xây dựng tỉnh Kinh Bắc", "Nguyễn Thị Hoa", "Chuyên viên phòng Quy hoạch", "+84 (222) 387-1234",
                         #"<a href="mailto:hoa.nt@sxd.kinhbac.gov.vn">hoa.nt@sxd.kinhbac.gov.vn</a>"#] {
            #expect(shown.text.contains(expected), "\(expected)")
        }
        let english = try demo.respond("/layers/\(slug)", headers: [("Cookie", "lang=en")])
        #expect(english.text.contains("Quarterly") && english.text.contains("2024-12-31"))

        // Emptied fields disappear from the page.
        _ = try editor.post("/layers/\(slug)/edit", [("csrf", token)] + Self.form(["contact_phone": "", "license": ""]))
        let after = try demo.respond("/layers/\(slug)")
        #expect(!after.text.contains("tel:") && !after.text.contains("CC BY 4.0"))
        #expect(after.text.contains("Nguyễn Thị Hoa"))
    }

    @Test func textIsStoredInNFC() throws {
        let demo = try #require(fixture)
        let slug = try demo.layer()
        var editor = try Browser.signedIn(demo, "sxd.editor")
        let decomposed = "Tiếng Việt có dấu".decomposedStringWithCanonicalMapping
        #expect(decomposed.unicodeScalars.count > "Tiếng Việt có dấu".unicodeScalars.count)
        let response = try editor.send("/layers/\(slug)/edit", Self.form(["title": decomposed, "contact_name": decomposed]))
        #expect(response.status == 303)
        let metadata = try #require(try LayerRepository(demo.database).metadata(layerID: try demo.layerID(slug)))
        #expect(metadata.title.unicodeScalars.elementsEqual("Tiếng Việt có dấu".precomposedStringWithCanonicalMapping.unicodeScalars))
        #expect(metadata.contact.name.unicodeScalars.count == "Tiếng Việt có dấu".precomposedStringWithCanonicalMapping.unicodeScalars.count)
    }

    @Test func outsidersGetTheSame404AsForAMissingLayer() throws {
        let demo = try #require(fixture)
        let slug = try demo.layer()
        let hidden = try demo.layer(visibility: .private, prefix: "an")
        for username in [nil, "sxd.viewer", "sxd.approver", "syt.editor", "syt.admin"] as [String?] {
            var browser = try username.map { try Browser.signedIn(demo, $0) } ?? Browser(demo)
            let missing = try browser.get("/layers/khong-ton-tai/edit")
            #expect(missing.status == 404)
            for target in [slug, hidden] {
                let response = try browser.get("/layers/\(target)/edit")
                #expect(response.status == 404, "\(username ?? "public") on \(target)")
                #expect(response.text.replacingOccurrences(of: target, with: "X")
                        == missing.text.replacingOccurrences(of: "khong-ton-tai", with: "X"), "\(username ?? "public")")
            }
            if username != nil {
                let posted = try browser.send("/layers/\(slug)/edit", Self.form(["title": "Chiếm quyền"]))
                #expect(posted.status == 404, "\(username ?? "") may not post either")
            }
        }
        #expect(try LayerRepository(demo.database).metadata(layerID: try demo.layerID(slug))?.title == "Lớp sửa \(slug)")
        // The owner agency's administrator may edit too.
        var admin = try Browser.signedIn(demo, "sxd.admin")
        #expect(try admin.get("/layers/\(slug)/edit").status == 200)
    }

    @Test func badInputsAreRefusedFieldByFieldAndKeepTheirValues() throws {
        let demo = try #require(fixture)
        let slug = try demo.layer()
        var editor = try Browser.signedIn(demo, "sxd.editor")
        let longLicense = String(repeating: "giấy phép ", count: 51)
        let response = try editor.send("/layers/\(slug)/edit", Self.form([
            "title": "   ", "contact_email": "hoa@@sxd", "contact_phone": "gọi 0222 ngay", "data_date": "2024-02-30",
            "update_frequency": "weekly", "license": longLicense, "sector": "khong-co",
            "keywords": "Quy hoạch <đô thị>",
        ]))
        #expect(response.status == 400)
        let page = response.text
        for expected in ["Tên lớp: cần nhập.", "Thư điện tử: không đúng dạng địa chỉ thư điện tử",
                         "Điện thoại: chỉ gồm chữ số", "Ngày của dữ liệu: phải là một ngày có thật",
                         "Tần suất cập nhật: giá trị không hợp lệ.", "Giấy phép sử dụng: quá dài.",
                         "Lĩnh vực: giá trị không hợp lệ."] {
            #expect(page.contains(expected), "\(expected)")
        }
        for kept in [#"value="hoa@@sxd""#, #"value="gọi 0222 ngay""#, #"value="2024-02-30""#,
                     #"value="Quy hoạch &lt;đô thị&gt;""#, #"value="Nguyễn Thị Hoa""#] {
            #expect(page.contains(kept), "\(kept)")
        }
        #expect(page.contains(#"aria-invalid="true""#))
        #expect(!page.contains("Từ khóa: "), "valid fields carry no problem")
        let metadata = try #require(try LayerRepository(demo.database).metadata(layerID: try demo.layerID(slug)))
        #expect(metadata.title == "Lớp sửa \(slug)" && metadata.contact.isEmpty, "nothing was saved")
        #expect(try demo.audit(slug).isEmpty)

        for (field, value) in [("contact_email", "hoa.sxd.gov.vn"), ("contact_email", "hoa@sxd"), ("contact_phone", "12"),
                               ("data_date", "31/12/2024"), ("title", String(repeating: "a", count: 201))] {
            let refused = try editor.send("/layers/\(slug)/edit", Self.form([field: value]))
            #expect(refused.status == 400, "\(field) = \(value)")
        }
        for (field, value) in [("contact_email", "a.b-c@x.gov.vn"), ("contact_phone", "0222.3871234"), ("data_date", "")] {
            let accepted = try editor.send("/layers/\(slug)/edit", Self.form([field: value]))
            #expect(accepted.status == 303, "\(field) = \(value)")
        }
    }

    @Test func aPostWithoutTheCSRFTokenIsRefused() throws {
        let demo = try #require(fixture)
        let slug = try demo.layer()
        var editor = try Browser.signedIn(demo, "sxd.editor")
        let missing = try editor.post("/layers/\(slug)/edit", Self.form())
        #expect(missing.status == 403)
        let wrong = try editor.post("/layers/\(slug)/edit", [("csrf", "not-the-token")] + Self.form())
        #expect(wrong.status == 403)
        #expect(try LayerRepository(demo.database).metadata(layerID: try demo.layerID(slug))?.title == "Lớp sửa \(slug)")
    }

    @Test func onlyTheOwnersAdministratorMovesTheLayer() throws {
        let demo = try #require(fixture)
        let slug = try demo.layer(visibility: .private)
        let agencies = AgencyRepository(demo.database)
        let syt = try #require(try agencies.find(code: "syt"))
        let sxd = try #require(try agencies.find(code: "sxd"))
        let layerID = try demo.layerID(slug)

        // An editor's posted owner is ignored.
        var editor = try Browser.signedIn(demo, "sxd.editor")
        #expect(try editor.send("/layers/\(slug)/edit", Self.form(["owner": "syt"])).status == 303)
        #expect(try LayerRepository(demo.database).metadata(layerID: layerID)?.ownerAgencyID == sxd.id)

        var admin = try Browser.signedIn(demo, "sxd.admin")
        let page = try admin.get("/layers/\(slug)/edit")
        #expect(page.text.contains(#"<select name="owner">"#))
        #expect(page.text.contains(#"<option value="sxd" selected>"#))
        #expect(try admin.send("/layers/\(slug)/edit", Self.form(["owner": "khong-co"])).status == 400)
        let offered = try admin.send("/layers/\(slug)/edit", Self.form(["owner": "syt"]))
        #expect(offered.status == 303)
        #expect(offered.location == "/layers/\(slug)/edit?done=transfer_offered")
        // Offered, not moved: the layer stays until the receiving agency's administrator accepts.
        #expect(try LayerRepository(demo.database).metadata(layerID: layerID)?.ownerAgencyID == sxd.id)
        #expect(try demo.audit(slug).last == ["layer.transfer.offer", "sxd.admin", "from=sxd; to=syt"])
        #expect(try admin.get("/layers/\(slug)/edit").text.contains("/layers/\(slug)/transfer/withdraw"))
        var newEditor = try Browser.signedIn(demo, "syt.editor")
        #expect(try newEditor.get("/layers/\(slug)/edit").status == 404)

        // Neither the receiving agency's approver nor another agency's admin may accept it.
        var approver = try Browser.signedIn(demo, "syt.approver")
        #expect(try !approver.get("/admin/agencies/syt/layers").text.contains("/transfers/\(slug)/accept"))
        #expect(try approver.send("/admin/agencies/syt/transfers/\(slug)/accept", []).status == 404)
        var stranger = try Browser.signedIn(demo, "stnmt.admin")
        #expect(try stranger.send("/admin/agencies/syt/transfers/\(slug)/accept", []).status == 404)
        #expect(try stranger.send("/admin/agencies/stnmt/transfers/\(slug)/accept", []).status == 404)

        var receiver = try Browser.signedIn(demo, "syt.admin")
        let screen = try receiver.get("/admin/agencies/syt/layers")
        #expect(screen.text.contains("/admin/agencies/syt/transfers/\(slug)/accept"))
        let accepted = try receiver.send("/admin/agencies/syt/transfers/\(slug)/accept", [])
        #expect(accepted.status == 303 && accepted.location == "/admin/agencies/syt/layers?done=transfer_accepted")
        #expect(try LayerRepository(demo.database).metadata(layerID: layerID)?.ownerAgencyID == syt.id)
        #expect(try demo.audit(slug).last == ["layer.transfer", "syt.admin", "from=sxd; to=syt"])
        #expect(try admin.get("/layers/\(slug)/edit").status == 404, "the private layer is out of the old owner's sight")
        #expect(try newEditor.get("/layers/\(slug)/edit").status == 200)
    }
}
