import Cartography
import Foundation
import HTTP
import PNGTestSupport
import Testing
@testable import Portal
import Store

/// The style page, its live preview and the approval of a proposed style, through the router.
@Suite struct LayerStyleTests {
    let fixture = EditingFixture.shared

    /// The public tile over the test layers' data.
    static func tileTarget(_ slug: String) -> String {
        "/tiles/\(slug)/\(provinceTile.z)/\(provinceTile.x)/\(provinceTile.y).png"
    }

    /// A simple-mode polygon style form.
    static func polygon(fill: String, opacity: String = "1", stroke: String = "#000000", width: String = "1",
                        label: String = "Khu vực") -> [(String, String)] {
        [("mode", "simple"), ("label", label), ("fill", fill), ("fill_opacity", opacity), ("stroke", stroke),
         ("stroke_width", width), ("json", "")]
    }

    /// Whether the middle pixel of a PNG is opaque `rgb`, within the encoder's palette tolerance.
    static func middle(_ png: [UInt8], is rgb: [Int]) throws -> Bool {
        let image = try DecodedPNG(png)
        let p = image.pixel(image.width / 2, image.height / 2)
        return p.a == 255 && zip([p.r, p.g, p.b].map(Int.init), rgb).allSatisfy { abs($0 - $1) <= 8 }
    }

    /// The hidden `pending` fingerprint of the approver's forms.
    static func pendingFingerprint(_ page: Response) -> String? {
        guard let range = page.text.range(of: #"name="pending" value="([^"]+)""#, options: .regularExpression) else { return nil }
        return String(page.text[range].dropFirst(#"name="pending" value=""#.count).dropLast())
    }

    @Test func aProposedStyleShowsOutsideOnlyOnceApproved() throws {
        let demo = try #require(fixture)
        let slug = try demo.layer()
        let before = try demo.respond(Self.tileTarget(slug))
        #expect(before.status == 200)
        let beforeTag = try #require(before.headers["ETag"])

        var editor = try Browser.signedIn(demo, "sxd.editor")
        let page = try editor.get("/layers/\(slug)/style")
        #expect(page.status == 200)
        #expect(page.text.contains(#"id="style-form""#) && page.text.contains("/static/style.js"))
        #expect(page.text.contains(#"value="simple" checked"#), "the default style is simple")
        let proposed = try editor.send("/layers/\(slug)/style", [("intent", "propose")] + Self.polygon(fill: "#ff0000"))
        #expect(proposed.status == 303)
        #expect(proposed.location == "/layers/\(slug)/style?done=style_proposed")
        #expect(try demo.audit(slug).last?.prefix(2) == ["layer.style_propose", "sxd.editor"])

        // Still the approved (default) style for everyone: the same tile, the same ETag.
        let waiting = try demo.respond(Self.tileTarget(slug))
        #expect(waiting.headers["ETag"] == beforeTag)
        #expect(waiting.bytes == before.bytes)
        let editorView = try editor.get("/layers/\(slug)/style?done=style_proposed")
        #expect(editorView.text.contains("Đã gửi kiểu hiển thị mới"))
        #expect(editorView.text.contains("Kiểu đang chờ phê duyệt"))
        #expect(!editorView.text.contains("/style/approve"), "editors get no approval form")

        // Editors cannot approve, even with the right fingerprint.
        var approver = try Browser.signedIn(demo, "sxd.approver")
        let review = try approver.get("/layers/\(slug)/style")
        #expect(review.status == 200)
        #expect(review.text.contains("/layers/\(slug)/style/approve"))
        #expect(!review.text.contains(#"id="style-form""#), "approvers review, they do not edit")
        let fingerprint = try #require(Self.pendingFingerprint(review))
        #expect(try editor.send("/layers/\(slug)/style/approve", [("pending", fingerprint)]).status == 404)
        #expect(try demo.respond(Self.tileTarget(slug)).headers["ETag"] == beforeTag)

        // A stale fingerprint is refused; the right one approves.
        #expect(try approver.send("/layers/\(slug)/style/approve", [("pending", "0000000000000000")]).status == 409)
        let approved = try approver.send("/layers/\(slug)/style/approve", [("pending", fingerprint)])
        #expect(approved.status == 303)
        #expect(approved.location == "/layers/\(slug)/style?done=style_approved")
        let after = try demo.respond(Self.tileTarget(slug))
        #expect(after.status == 200)
        #expect(after.headers["ETag"] != beforeTag)
        #expect(after.bytes != before.bytes)
        #expect(try Self.middle(after.bytes, is: [255, 0, 0]), "the middle of the polygon is drawn in the new fill")
        #expect(try demo.audit(slug).last?.prefix(2) == ["layer.style_approve", "sxd.approver"])
        let events = try VersionRepository(demo.database).events(layerID: try demo.layerID(slug)).map(\.action)
        #expect(events.prefix(2) == [.styleApproved, .styleProposed])

        // Nothing is pending any more: a second approval is refused.
        #expect(try approver.send("/layers/\(slug)/style/approve", [("pending", fingerprint)]).status == 409)
        // Proposing the approved style again is refused as unchanged.
        let same = try editor.send("/layers/\(slug)/style", [("intent", "propose")] + Self.polygon(fill: "#ff0000"))
        #expect(same.status == 400)
        #expect(same.text.contains("giống hệt kiểu đang dùng"))
    }

    @Test func aRejectionKeepsTheStyleAndShowsItsReasonToTheEditors() throws {
        let demo = try #require(fixture)
        let slug = try demo.layer()
        let before = try demo.respond(Self.tileTarget(slug))
        var editor = try Browser.signedIn(demo, "sxd.editor")
        #expect(try editor.send("/layers/\(slug)/style", [("intent", "propose")] + Self.polygon(fill: "#00ff00")).status == 303)
        var approver = try Browser.signedIn(demo, "sxd.approver")
        let fingerprint = try #require(Self.pendingFingerprint(try approver.get("/layers/\(slug)/style")))
        let noReason = try approver.send("/layers/\(slug)/style/reject", [("pending", fingerprint), ("reason", "  ")])
        #expect(noReason.status == 400)
        #expect(noReason.text.contains("Lý do từ chối: cần nhập."))
        #expect(try editor.send("/layers/\(slug)/style/reject", [("pending", fingerprint), ("reason", "x")]).status == 404)

        let rejected = try approver.send("/layers/\(slug)/style/reject",
                                         [("pending", fingerprint), ("reason", "Màu xanh lá trùng lớp cây xanh <đô thị>")])
        #expect(rejected.status == 303)
        #expect(try demo.respond(Self.tileTarget(slug)).bytes == before.bytes)
        let page = try editor.get("/layers/\(slug)/style")
        #expect(page.text.contains("Lãnh đạo đã từ chối kiểu hiển thị đề xuất gần nhất"))
        #expect(page.text.contains("Màu xanh lá trùng lớp cây xanh &lt;đô thị&gt;"))
        #expect(!page.text.contains("Kiểu đang chờ phê duyệt"))
        #expect(try demo.audit(slug).last == ["layer.style_reject", "sxd.approver",
                                               "fingerprint=\(fingerprint); reason=Màu xanh lá trùng lớp cây xanh <đô thị>"])
    }

    @Test func thePreviewIsAPNGThatFollowsTheStyle() throws {
        let demo = try #require(fixture)
        let slug = try demo.layer()
        var editor = try Browser.signedIn(demo, "sxd.editor")
        let red = try editor.send("/layers/\(slug)/style/preview", Self.polygon(fill: "#ff0000"))
        #expect(red.status == 200)
        #expect(red.headers["Content-Type"] == "image/png")
        #expect(red.headers["Cache-Control"] == "no-store")
        #expect(PNGCheck.problems(red.bytes, name: "preview") == nil)
        let image = try DecodedPNG(red.bytes)
        #expect(image.width == 256 && image.height == 256)
        #expect(image.inkedPixels > 1000 && image.inkedPixels < 256 * 256, "the data with room around it")
        #expect(try Self.middle(red.bytes, is: [255, 0, 0]))
        let blue = try editor.send("/layers/\(slug)/style/preview", Self.polygon(fill: "#0000ff"))
        #expect(blue.status == 200 && blue.bytes != red.bytes)
        #expect(try Self.middle(blue.bytes, is: [0, 0, 255]))

        // Advanced mode draws the JSON, categorized by an attribute.
        let json = ##"{"rules":[{"label":"A","filter":{"type":"equals","attribute":"loai","value":"a"},"symbolizer":{"type":"polygon","fill":"#00ff00"}}]}"##
        let advanced = try editor.send("/layers/\(slug)/style/preview", [("mode", "advanced"), ("json", json)])
        #expect(try Self.middle(advanced.bytes, is: [0, 255, 0]))

        // A refused style answers its problems as text.
        let bad = try editor.send("/layers/\(slug)/style/preview", [("mode", "advanced"),
            ("json", ##"{"rules":[{"symbolizer":{"type":"polygon","fill":"#zzzzzz"}}]}"##)])
        #expect(bad.status == 400)
        #expect(bad.text.contains("rule 1: fill colour '#zzzzzz' is not #rrggbb"))
        let badFields = try editor.send("/layers/\(slug)/style/preview", Self.polygon(fill: "đỏ", opacity: "2"))
        #expect(badFields.status == 400)
        #expect(badFields.text.contains("Màu nền: phải là một màu dạng #rrggbb."))
        #expect(badFields.text.contains("Độ đục của nền (0–1): phải là một số từ 0 đến 1."))

        // The approver may preview; others may not, and a preview proposes nothing.
        var approver = try Browser.signedIn(demo, "sxd.approver")
        #expect(try approver.send("/layers/\(slug)/style/preview", Self.polygon(fill: "#ff0000")).status == 200)
        var viewer = try Browser.signedIn(demo, "sxd.viewer")
        #expect(try viewer.send("/layers/\(slug)/style/preview", Self.polygon(fill: "#ff0000")).status == 404)
        #expect(try editor.post("/layers/\(slug)/style/preview", Self.polygon(fill: "#ff0000")).status == 403, "CSRF")
        #expect(try LayerStyles(demo.database).state(layerID: try demo.layerID(slug))?.pending == nil)
    }

    @Test func withoutTheScriptThePreviewButtonRendersThePage() throws {
        let demo = try #require(fixture)
        let slug = try demo.layer(.point)
        var editor = try Browser.signedIn(demo, "sxd.editor")
        let form: [(String, String)] = [("intent", "preview"), ("mode", "simple"), ("label", "Công trình"),
                                        ("shape", "square"), ("size", "12"), ("fill", "#123456"), ("stroke", "#ffffff"),
                                        ("stroke_width", "1,5"), ("json", "")]
        let page = try editor.send("/layers/\(slug)/style", form)
        #expect(page.status == 200)
        #expect(page.text.contains(#"id="style-preview" class="style-preview" width="256" height="256""#))
        #expect(page.text.contains("src=\"data:image/png;base64,"))
        #expect(page.text.contains(#"<option value="square" selected>"#))
        #expect(page.text.contains(#"value="1,5""#), "the posted values are kept")
        #expect(try LayerStyles(demo.database).state(layerID: try demo.layerID(slug))?.pending == nil)

        // Proposed as it was previewed: the decimal comma is read as a point.
        #expect(try editor.send("/layers/\(slug)/style", form.map { $0.0 == "intent" ? ("intent", "propose") : $0 }).status == 303)
        let pending = try #require(try LayerStyles(demo.database).state(layerID: try demo.layerID(slug))?.pending)
        let style = try Style(json: pending)
        #expect(style.rules == [Rule(label: "Công trình", symbolizer: .point(PointSymbolizer(
            shape: .square, size: 12, fill: "#123456", stroke: "#ffffff", strokeWidth: 1.5)))])
        // The editor continues from the proposal, in simple mode.
        let again = try editor.get("/layers/\(slug)/style")
        #expect(again.text.contains(#"value="12""#) && again.text.contains(#"value="simple" checked"#))
    }

    @Test func invalidJSONIsRefusedWithItsPlaceAndKeptInTheForm() throws {
        let demo = try #require(fixture)
        let slug = try demo.layer()
        var editor = try Browser.signedIn(demo, "sxd.editor")
        let json = ##"{"rules":[{"symbolizer":{"type":"polygon"}},{"minZoom":9,"maxZoom":3,"symbolizer":{"type":"line","color":"#000000"}}]}"##
        let refused = try editor.send("/layers/\(slug)/style", [("intent", "propose"), ("mode", "advanced"), ("json", json)])
        #expect(refused.status == 400)
        #expect(refused.text.contains("Kiểu hiển thị JSON không hợp lệ: rule 2: minZoom 9 is above maxZoom 3"))
        #expect(refused.text.contains("&quot;minZoom&quot;:9"), "the textarea keeps the posted JSON")
        #expect(refused.text.contains(#"value="advanced" checked"#))
        let broken = try editor.send("/layers/\(slug)/style", [("intent", "propose"), ("mode", "advanced"),
                                                               ("json", ##"{"rules":[{"symbolizer":{"type":"hexagon"}}]}"##)])
        #expect(broken.status == 400)
        #expect(broken.text.contains("unknown symbolizer type"))
        #expect(try LayerStyles(demo.database).state(layerID: try demo.layerID(slug))?.pending == nil)

        // A graduated style in JSON is proposed as written.
        let graduated = ##"{"rules":[{"label":"Nhỏ","filter":{"type":"range","attribute":"dien_tich","max":100},"symbolizer":{"type":"polygon","fill":"#eeeeee"}},{"label":"Lớn","symbolizer":{"type":"polygon","fill":"#333333"}}]}"##
        #expect(try editor.send("/layers/\(slug)/style", [("intent", "propose"), ("mode", "advanced"), ("json", graduated)]).status == 303)
        let pending = try #require(try LayerStyles(demo.database).state(layerID: try demo.layerID(slug))?.pending)
        #expect(try Style(json: pending) == Style(json: graduated))
        let page = try editor.get("/layers/\(slug)/style")
        #expect(page.text.contains(#"value="advanced" checked"#), "two rules need the advanced part")
        #expect(page.text.contains("<li>Nhỏ</li>") && page.text.contains("<li>Lớn</li>"))
    }

    @Test func outsidersGetTheSame404AsForAMissingLayer() throws {
        let demo = try #require(fixture)
        let slug = try demo.layer()
        for username in [nil, "sxd.viewer", "syt.editor", "syt.approver"] as [String?] {
            var browser = try username.map { try Browser.signedIn(demo, $0) } ?? Browser(demo)
            let missing = try browser.get("/layers/khong-ton-tai/style")
            let response = try browser.get("/layers/\(slug)/style")
            #expect(response.status == 404, "\(username ?? "public")")
            #expect(response.text.replacingOccurrences(of: slug, with: "X")
                    == missing.text.replacingOccurrences(of: "khong-ton-tai", with: "X"), "\(username ?? "public")")
            if username != nil {
                #expect(try browser.send("/layers/\(slug)/style", [("intent", "propose")] + Self.polygon(fill: "#ff0000")).status == 404)
                #expect(try browser.send("/layers/\(slug)/style/approve", [("pending", "x")]).status == 404)
                #expect(try browser.send("/layers/\(slug)/style/reject", [("pending", "x"), ("reason", "x")]).status == 404)
            }
        }
        var admin = try Browser.signedIn(demo, "sxd.admin")
        #expect(try admin.get("/layers/\(slug)/style").status == 200)
    }
}
