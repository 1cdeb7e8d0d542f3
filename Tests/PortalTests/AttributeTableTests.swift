import Dispatch
import Foundation
import HTTP
import Testing
@testable import Portal
import Store

@Suite struct AttributeTableTests {
    let fixture = TableFixture.shared

    // MARK: The table

    @Test func thePublicTableIsPagedWithItsFieldsInSourceOrder() throws {
        let table = try #require(fixture)
        let slug = try TableSupport.layer(table, visibility: .public)
        let first = try table.respond("/layers/\(slug)/table")
        #expect(first.status == 200)
        let html = first.text
        let headers = ["tên", "số_hộ", "ghi_chú", "hoạt_động"].compactMap { html.range(of: ">\($0)</a>")?.lowerBound }
        #expect(headers.count == 4 && headers == headers.sorted(), "columns in the source order")
        #expect(TableSupport.rowCount(first) == 50)
        #expect(html.contains("Đối tượng 1–50 trong tổng số 60"))
        #expect(html.contains("href=\"/layers/\(slug)/table?page=2\""))
        #expect(html.contains("Trạm số 1<") && !html.contains("Trạm số 51<"))
        let ids = try TableSupport.featureIDs(table, slug, version: 1)
        #expect(html.contains("href=\"/layers/\(slug)/features/\(ids[0])\""), "rows link to their feature pages")
        let second = try table.respond("/layers/\(slug)/table?page=2")
        #expect(TableSupport.rowCount(second) == 10 && second.text.contains("Trạm số 51<"))
        #expect(second.text.contains("rel=\"prev\""))
    }

    @Test func aLayerTheVisitorMayNotSeeAnswersLikeAMissingOne() throws {
        let table = try #require(fixture)
        let secret = try TableSupport.layer(table, visibility: .private)
        let shared = try TableSupport.layer(table, visibility: .shared, grant: ("sxd", false))
        let missing = AdminSupport.unique("khong-co")
        let missingPage = try table.respond("/layers/\(missing)/table")
        #expect(missingPage.status == 404)
        let anonymous = try table.respond("/layers/\(secret)/table")
        #expect(anonymous.status == 404)
        #expect(TableSupport.normalized(anonymous, secret) == TableSupport.normalized(missingPage, missing), "byte for byte")
        var outsider = try Browser.signedIn(table, "sgddt.editor")
        let denied = try outsider.get("/layers/\(shared)/table")
        let missingSignedIn = try outsider.get("/layers/\(missing)/table")
        #expect(denied.status == 404)
        #expect(TableSupport.normalized(denied, shared) == TableSupport.normalized(missingSignedIn, missing))
        var granted = try Browser.signedIn(table, "sxd.viewer")
        #expect(try granted.get("/layers/\(shared)/table").status == 200, "a view grant opens the table")
        #expect(try granted.get("/layers/\(secret)/table").status == 404)
        var owner = try Browser.signedIn(table, "syt.viewer")
        #expect(try owner.get("/layers/\(secret)/table").status == 200)
    }

    @Test func aPendingVersionsTableIsForTheOwnersEditorsAndApproversOnly() throws {
        let table = try #require(fixture)
        let slug = try TableSupport.layer(table, visibility: .public)
        _ = try TableSupport.pendingVersion(table, slug)
        let target = "/layers/\(slug)/table?version=2"
        for username in ["syt.editor", "syt.approver", "syt.admin"] {
            var browser = try Browser.signedIn(table, username)
            let page = try browser.get(target)
            #expect(page.status == 200, "\(username)")
            #expect(page.text.contains("Trạm chờ duyệt") && page.text.contains("đang chờ phê duyệt"))
            #expect(page.text.contains("href=\"/layers/\(slug)/table?version=1\""), "the version list links the others")
        }
        let missing = AdminSupport.unique("khong-co")
        let missingPage = try table.respond("/layers/\(missing)/table?version=2")
        for username in ["syt.viewer", "sxd.editor", nil] {
            var browser = Browser(table)
            if let username { try browser.signIn(username) }
            let page = try browser.get(target)
            #expect(page.status == 404, "\(username ?? "the public")")
            if username == nil { #expect(TableSupport.normalized(page, slug) == TableSupport.normalized(missingPage, missing)) }
        }
        let published = try table.respond("/layers/\(slug)/table?version=1")
        #expect(published.status == 200 && published.text.contains("Trạm số 1<"), "the published version by number")
        #expect(!published.text.contains("Trạm chờ duyệt"))
        var editor = try Browser.signedIn(table, "syt.editor")
        #expect(try editor.get("/layers/\(slug)/table?version=9").status == 404)
        let bad = try editor.get("/layers/\(slug)/table?version=hai")
        #expect(bad.status == 400 && bad.text.contains("Số phiên bản «hai» không hợp lệ"))
    }

    // MARK: Feature pages

    @Test func aFeaturePageShowsAttributesVersionAndMapData() throws {
        let table = try #require(fixture)
        let slug = try TableSupport.layer(table, visibility: .public)
        let ids = try TableSupport.featureIDs(table, slug, version: 1)
        let page = try table.respond("/layers/\(slug)/features/\(ids[2])")
        #expect(page.status == 200)
        #expect(page.text.contains("<dt>tên</dt><dd>Trạm số 3</dd>"))
        #expect(page.text.contains("<dt>số_hộ</dt><dd>\(TableSupport.households(3))</dd>"))
        #expect(page.text.contains("Phiên bản 1 · đang công bố"))
        #expect(page.text.contains("data-geometry=\"{&quot;type&quot;:&quot;Point&quot;,&quot;coordinates&quot;:[106.13,21.1]}\""))
        #expect(page.text.contains("<script src=\"/static/feature.js\"></script>"))
        #expect(!page.text.contains("<script>"), "no inline script")
        #expect(!page.text.contains("/features/\(ids[2])/edit"), "no edit form for the public")
        let geojson = try table.respond("/layers/\(slug)/features/\(ids[2]).geojson")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(geojson.text.utf8)) as? [String: Any])
        #expect((object["properties"] as? [String: Any])?["tên"] as? String == "Trạm số 3")
        #expect(try table.respond("/static/feature.js").status == 200)
        let other = try TableSupport.layer(table, visibility: .public)
        #expect(try table.respond("/layers/\(other)/features/\(ids[2])").status == 404, "a feature of another layer")
        #expect(try table.respond("/layers/\(slug)/features/abc").status == 404)
        #expect(try table.respond("/layers/\(slug)/features/99999999999999999999").status == 404)
    }

    @Test func aPendingFeatureIsSeenOnlyByThoseWhoSeePendingVersions() throws {
        let table = try #require(fixture)
        let slug = try TableSupport.layer(table, visibility: .public)
        let pending = try TableSupport.pendingVersion(table, slug)
        let target = "/layers/\(slug)/features/\(try #require(pending.featureID))"
        let published = "/layers/\(slug)/features/\(try TableSupport.featureIDs(table, slug, version: 1)[0])"
        // Outsiders learn nothing of a pending version: no redirect, the missing layer's 404.
        let anonymous = try table.respond(target)
        let missing = try table.respond("/layers/khong-co-lop/features/\(try #require(pending.featureID))")
        #expect(anonymous.status == 404 && anonymous.headers["Location"] == nil)
        #expect(anonymous.text.replacingOccurrences(of: slug, with: "X") == missing.text.replacingOccurrences(of: "khong-co-lop", with: "X"))
        #expect(!(try table.respond(published).text.contains("Trạm chờ duyệt")))
        var viewer = try Browser.signedIn(table, "syt.viewer")
        #expect(try viewer.get(target).status == 404)
        var approver = try Browser.signedIn(table, "syt.approver")
        let seen = try approver.get(target)
        #expect(seen.status == 200 && seen.text.contains("Trạm chờ duyệt") && seen.text.contains("Phiên bản 2 · đang chờ phê duyệt"))
        #expect(!seen.text.contains("/edit\""), "approvers do not edit")
        var editor = try Browser.signedIn(table, "syt.editor")
        let editable = try editor.get(target)
        #expect(editable.text.contains("action=\"/layers/\(slug)/features/\(pending.featureID ?? 0)/edit\""))
        #expect(editable.text.contains("name=\"confirm\" value=\"yes\" required"))
    }

    // MARK: Edits

    @Test func anEditBecomesAPendingVersionWhileThePublicSeesThePublishedOne() throws {
        let table = try #require(fixture)
        let slug = try TableSupport.layer(table, visibility: .public)
        let ids = try TableSupport.featureIDs(table, slug, version: 1)
        let (lon, lat) = TableSupport.point(1)
        let tile = TableSupport.tile(lon: lon, lat: lat, zoom: 14)
        let tileBefore = try table.respond("/tiles/\(slug)/14/\(tile.x)/\(tile.y).png")
        var editor = try Browser.signedIn(table, "syt.editor")
        let form = try editor.get("/layers/\(slug)/features/\(ids[0])")
        let csrf = try #require(Browser.csrf(in: form))
        let saved = try editor.post("/layers/\(slug)/features/\(ids[0])/edit",
                                    [("csrf", csrf), ("v0", "Trạm Đông Hưng mới"), ("v1", "12,5"), ("v2", ""), ("v3", "true")])
        #expect(saved.status == 303)
        #expect(try TableSupport.versions(table, slug) == ["1:published", "2:pending"])
        let newIDs = try TableSupport.featureIDs(table, slug, version: 2)
        #expect(newIDs.count == 60)
        #expect(saved.headers["Location"] == "/layers/\(slug)/features/\(newIDs[0])?done=edited")
        let edited = try editor.get(try #require(saved.headers["Location"]))
        #expect(edited.text.contains("Đã lưu thay đổi thành phiên bản 2"))
        #expect(edited.text.contains("<dt>tên</dt><dd>Trạm Đông Hưng mới</dd>"))
        #expect(edited.text.contains("<dt>số_hộ</dt><dd>12,5</dd>"), "a number field stays a number, written the Vietnamese way")
        #expect(edited.text.contains("<dt>ghi_chú</dt><dd><span class=\"empty\">—</span></dd>"), "empty clears")
        #expect(edited.text.contains("<dt>hoạt_động</dt><dd>Có</dd>"))
        let feature = try #require(try FeatureRepository(table.database).feature(id: newIDs[0]))
        #expect(feature.properties.map(\.1) == [.text("Trạm Đông Hưng mới"), .real(12.5), .null, .boolean(true)])

        let publicTable = try table.respond("/layers/\(slug)/table")
        #expect(publicTable.text.contains("Trạm số 1<") && !publicTable.text.contains("Trạm Đông Hưng mới"))
        let identify = try table.respond("/layers/\(slug)/identify?lon=\(lon)&lat=\(lat)&z=16")
        #expect(identify.text.contains("Trạm số 1\"") && !identify.text.contains("mới"))
        let tileAfter = try table.respond("/tiles/\(slug)/14/\(tile.x)/\(tile.y).png")
        #expect(tileBefore.status == 200 && tileAfter.status == 200)
        #expect(try TableSupport.bytes(tileBefore) == TableSupport.bytes(tileAfter), "the published tile is unchanged")
        #expect(try table.respond("/layers/\(slug)").text.contains("<dt>Phiên bản</dt><dd>1</dd>"))

        #expect(try TableSupport.auditActions(table, slug).contains("layer.feature_edit"))
        let history = try VersionRepository(table.database).events(layerID: feature.layerID)
        #expect(history.first?.action == .submitted && history.first?.note.contains("tên, số_hộ, ghi_chú, hoạt_động") == true)
        #expect(try VersionRepository(table.database).find(layerID: feature.layerID, number: 2)?.sourceName
                == "sửa thuộc tính đối tượng \(ids[0]) (từ phiên bản 1)")
    }

    @Test func refusedValuesComeBackWithAProblemPerField() throws {
        let table = try #require(fixture)
        let slug = try TableSupport.layer(table, visibility: .public)
        let ids = try TableSupport.featureIDs(table, slug, version: 1)
        var editor = try Browser.signedIn(table, "syt.editor")
        let csrf = try #require(Browser.csrf(in: try editor.get("/layers/\(slug)/features/\(ids[0])")))
        let refused = try editor.post("/layers/\(slug)/features/\(ids[0])/edit",
                                      [("csrf", csrf), ("v1", "mười hai"), ("v3", "có lẽ")])
        #expect(refused.status == 400)
        #expect(refused.text.contains("Một số giá trị chưa hợp lệ"))
        #expect(refused.text.contains("cần nhập một số, ví dụ 12 hoặc 12,5"))
        #expect(refused.text.contains("cần chọn Có hoặc Không"))
        #expect(refused.text.contains("value=\"mười hai\""), "the typed value is kept")
        let unchanged = try editor.post("/layers/\(slug)/features/\(ids[0])/edit",
                                        [("csrf", csrf), ("v0", "Trạm số 1"), ("v1", String(TableSupport.households(1)))])
        #expect(unchanged.status == 400 && unchanged.text.contains("Không có giá trị nào thay đổi"))
        #expect(try TableSupport.versions(table, slug) == ["1:published"])
    }

    @Test func editsNeedTheCSRFTokenAndTheEditRole() throws {
        let table = try #require(fixture)
        let slug = try TableSupport.layer(table, visibility: .public)
        let ids = try TableSupport.featureIDs(table, slug, version: 1)
        var editor = try Browser.signedIn(table, "syt.editor")
        let forged = try editor.post("/layers/\(slug)/features/\(ids[0])/edit", [("csrf", "forged"), ("v0", "x")])
        #expect(forged.status == 403)
        let noToken = try editor.post("/layers/\(slug)/features/\(ids[0])/delete", [("confirm", "yes")])
        #expect(noToken.status == 403)
        for username in ["syt.viewer", "syt.approver", "sxd.editor"] {
            var browser = try Browser.signedIn(table, username)
            #expect(try browser.send("/layers/\(slug)/features/\(ids[0])/edit", [("v0", "x")]).status == 404, "\(username)")
            #expect(try browser.send("/layers/\(slug)/features/\(ids[0])/delete", [("confirm", "yes")]).status == 404)
        }
        #expect(try TableSupport.versions(table, slug) == ["1:published"])
    }

    @Test func aDeletionIsConfirmedAndLeavesThePublishedVersionWhole() throws {
        let table = try #require(fixture)
        let slug = try TableSupport.layer(table, visibility: .public)
        let ids = try TableSupport.featureIDs(table, slug, version: 1)
        var editor = try Browser.signedIn(table, "syt.editor")
        let unconfirmed = try editor.send("/layers/\(slug)/features/\(ids[59])/delete")
        #expect(unconfirmed.status == 400 && unconfirmed.text.contains("Hãy đánh dấu ô xác nhận"))
        let deleted = try editor.send("/layers/\(slug)/features/\(ids[59])/delete", [("confirm", "yes")])
        #expect(deleted.status == 303 && deleted.headers["Location"] == "/layers/\(slug)/table?version=2&done=deleted")
        let page = try editor.get(try #require(deleted.headers["Location"]))
        #expect(page.text.contains("Đã xoá đối tượng trong phiên bản 2") && page.text.contains("trong tổng số 59"))
        let layerID = try #require(try FeatureRepository(table.database).feature(id: ids[0])).layerID
        let version = try #require(try VersionRepository(table.database).find(layerID: layerID, number: 2))
        #expect(version.featureCount == 59 && version.status == .pending)
        #expect(abs((version.extent?.maxY ?? 0) - TableSupport.point(58).lat) < 1e-9, "the only point of the top row is gone")
        #expect(try table.respond("/layers/\(slug)/table").text.contains("trong tổng số 60"))
        #expect(try TableSupport.auditActions(table, slug).contains("layer.feature_delete"))
    }

    // MARK: Downloads

    @Test func theDownloadIsThePublishedVersionAsGeoJSON() throws {
        let table = try #require(fixture)
        let slug = try TableSupport.layer(table, visibility: .public)
        _ = try TableSupport.pendingVersion(table, slug)
        let response = try table.respond("/layers/\(slug)/download.geojson")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/geo+json")
        #expect(response.headers["Content-Disposition"] == "attachment; filename=\"\(slug)-v1.geojson\"")
        let collection = try TableSupport.geoJSON(response)
        let features = try #require(collection["features"] as? [[String: Any]])
        #expect(features.count == 60)
        #expect(collection["crs"] == nil, "RFC 7946: EPSG:4326 without a crs member")
        let first = try #require(features.first)
        #expect((first["properties"] as? [String: Any])?["tên"] as? String == "Trạm số 1", "the published name, not the pending one")
        let coordinates = try #require((first["geometry"] as? [String: Any])?["coordinates"] as? [Double])
        #expect(coordinates == [106.11, 21.1], "longitude first, then latitude")
        let again = try table.respond("/layers/\(slug)/download.geojson")
        #expect(try TableSupport.geoJSON(again)["features"] as? [[String: Any]] != nil, "the cached file serves again")
        #expect(!(try TableSupport.auditActions(table, slug).contains("layer.download")), "open data is not audited")
        #expect(try table.respond("/layers/\(slug)/versions/2/download.geojson").status == 404, "a pending version is not public")
        var editor = try Browser.signedIn(table, "syt.editor")
        let pending = try editor.get("/layers/\(slug)/versions/2/download.geojson")
        #expect(pending.status == 200 && pending.headers["Content-Disposition"]?.contains("-v2.geojson") == true)
        let pendingFeatures = try #require(try TableSupport.geoJSON(pending)["features"] as? [[String: Any]])
        #expect((pendingFeatures.first?["properties"] as? [String: Any])?["tên"] as? String == "Trạm chờ duyệt")
        #expect(try TableSupport.auditActions(table, slug).contains("layer.download"), "a pending version's download is audited")
    }

    @Test func downloadsFollowTheGrant() throws {
        let table = try #require(fixture)
        let viewOnly = try TableSupport.layer(table, visibility: .shared, grant: ("sxd", false))
        let withDownload = try TableSupport.layer(table, visibility: .shared, grant: ("sxd", true))
        var granted = try Browser.signedIn(table, "sxd.viewer")
        let missing = AdminSupport.unique("khong-co")
        let refused = try granted.get("/layers/\(viewOnly)/download.geojson")
        let missingPage = try granted.get("/layers/\(missing)/download.geojson")
        #expect(refused.status == 404)
        #expect(TableSupport.normalized(refused, viewOnly) == TableSupport.normalized(missingPage, missing))
        #expect(try granted.get("/layers/\(viewOnly)/table").status == 200, "viewing is granted, downloading is not")
        let allowed = try granted.get("/layers/\(withDownload)/download.geojson")
        #expect(allowed.status == 200)
        #expect((try TableSupport.geoJSON(allowed)["features"] as? [[String: Any]])?.count == 60)
        #expect(try TableSupport.auditActions(table, withDownload) == ["layer.download"], "a non-public download is audited")
        #expect(try table.respond("/layers/\(withDownload)/download.geojson").status == 404, "not for the public")
        let layerPage = try granted.get("/layers/\(viewOnly)")
        #expect(!layerPage.text.contains("download.geojson"), "no download link without the right")
    }
}

extension TableSupport {
    /// The tile holding (`lon`, `lat`) at `zoom`.
    static func tile(lon: Double, lat: Double, zoom: Int) -> (x: Int, y: Int) {
        let n = Double(1 << zoom)
        let radians = lat * .pi / 180
        return (Int((lon + 180) / 360 * n), Int((1 - log(tan(radians) + 1 / cos(radians)) / .pi) / 2 * n))
    }

    /// A response's body (file bodies are read from disk).
    static func bytes(_ response: Response) throws -> Data {
        switch response.body {
        case .file(let path, _): return try Data(contentsOf: URL(fileURLWithPath: path))
        case .bytes(let bytes): return Data(bytes)
        case .empty: return Data()
        }
    }

    /// A download's body parsed as a JSON object.
    static func geoJSON(_ response: Response) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: try bytes(response)) as? [String: Any])
    }
}

extension AttributeTableTests {
    // MARK: Lineage of edits

    @Test func aPublishedFeaturePointsEditorsToThePendingEditVersion() throws {
        let table = try #require(fixture)
        let slug = try TableSupport.layer(table, visibility: .public)
        let ids = try TableSupport.featureIDs(table, slug, version: 1)
        var editor = try Browser.signedIn(table, "syt.editor")
        let before = try editor.get("/layers/\(slug)/features/\(ids[1])")
        #expect(before.text.contains("Thay đổi ở đây bắt đầu một phiên bản mới từ phiên bản đang công bố (phiên bản 1)."))
        #expect(!before.text.contains("đang chờ phê duyệt; sửa trên phiên bản đó"), "nothing pending yet")
        let csrf = try #require(Browser.csrf(in: before))
        let first = try editor.post("/layers/\(slug)/features/\(ids[0])/edit", [("csrf", csrf), ("v0", "Trạm mới")])
        #expect(first.status == 303)
        let second = try TableSupport.featureIDs(table, slug, version: 2)

        let published = try editor.get("/layers/\(slug)/features/\(ids[1])")
        #expect(published.text.contains("Có phiên bản 2 đang chờ phê duyệt; sửa trên phiên bản đó để các thay đổi được cộng dồn."))
        #expect(published.text.contains("<a href=\"/layers/\(slug)/features/\(second[1])\">Mở đối tượng này trong phiên bản 2</a>"),
                "the same feature in the pending version")
        #expect(published.text.contains("action=\"/layers/\(slug)/features/\(ids[1])/edit\""), "the published version stays editable")
        #expect(published.text.contains("bắt đầu một phiên bản mới từ phiên bản đang công bố (phiên bản 1)"))
        let anonymous = try table.respond("/layers/\(slug)/features/\(ids[1])")
        #expect(anonymous.status == 200 && !anonymous.text.contains("Có phiên bản 2"), "the public hears nothing of pending versions")

        let pendingPage = try editor.get("/layers/\(slug)/features/\(second[1])")
        #expect(pendingPage.text.contains("Thay đổi ở đây tạo một phiên bản mới từ phiên bản 2, giữ cả các thay đổi"))
        #expect(pendingPage.text.contains("href=\"/layers/\(slug)/features/\(ids[1])\">Xem đối tượng này trong phiên bản đang công bố (phiên bản 1)"))
        let chained = try editor.post("/layers/\(slug)/features/\(second[1])/edit", [("csrf", csrf), ("v0", "Trạm mới 2")])
        #expect(chained.status == 303)
        let third = try TableSupport.featureIDs(table, slug, version: 3)
        let layerID = try TableSupport.layerID(table, slug)
        #expect(try VersionRepository(table.database).find(layerID: layerID, number: 2)?.baseNumber == 1)
        #expect(try VersionRepository(table.database).find(layerID: layerID, number: 3)?.baseNumber == 2, "edits add up")
        let third0 = try #require(try FeatureRepository(table.database).feature(id: third[0]))
        #expect(third0.properties.first?.1 == .text("Trạm mới"), "version 3 keeps version 2's change")
        let now = try editor.get("/layers/\(slug)/features/\(ids[1])")
        #expect(now.text.contains("Có phiên bản 3 đang chờ phê duyệt"))
        #expect(now.text.contains("<a href=\"/layers/\(slug)/features/\(third[1])\">Mở đối tượng này trong phiên bản 3</a>"))
        #expect(try editor.get("/layers/\(slug)/features/\(second[1])").text.contains("Có phiên bản 3 đang chờ phê duyệt"))
    }

    @Test func supersededAndRejectedVersionsOfferNoEdits() throws {
        let table = try #require(fixture)
        let slug = try TableSupport.layer(table, visibility: .public)
        let ids = try TableSupport.featureIDs(table, slug, version: 1)
        _ = try TableSupport.pendingVersion(table, slug)
        try TableSupport.publish(table, slug, 2)
        let second = try TableSupport.featureIDs(table, slug, version: 2)
        var editor = try Browser.signedIn(table, "syt.editor")
        let old = try editor.get("/layers/\(slug)/features/\(ids[3])")
        #expect(old.status == 200 && old.text.contains("Phiên bản 1 · đã được thay thế"))
        #expect(!old.text.contains("/edit\"") && !old.text.contains("/delete\""), "no forms on a superseded version")
        #expect(old.text.contains("Phiên bản 1 đã được thay thế nên không sửa hay xoá đối tượng được"))
        #expect(old.text.contains("href=\"/layers/\(slug)/features/\(second[3])\">Xem đối tượng này trong phiên bản đang công bố (phiên bản 2)"))
        let refused = try editor.send("/layers/\(slug)/features/\(ids[3])/edit", [("v0", "x")])
        #expect(refused.status == 409 && refused.text.contains("Phiên bản 1 đã được thay thế nên không sửa hay xoá đối tượng được"))
        #expect(refused.text.components(separatedBy: "nên không sửa hay xoá").count == 2, "said once, as the error")
        #expect(try editor.send("/layers/\(slug)/features/\(ids[3])/delete", [("confirm", "yes")]).status == 409)
        #expect(try TableSupport.versions(table, slug) == ["1:superseded", "2:published"])

        #expect(try editor.send("/layers/\(slug)/features/\(second[3])/edit", [("v0", "Trạm bị từ chối")]).status == 303)
        try VersionRepository(table.database).reject(
            layerID: try TableSupport.layerID(table, slug), number: 3, userID: try TableSupport.userID(table, "syt.approver"),
            reason: "sai tên", audit: AuditEntry(userID: nil, username: nil, agencyID: nil, action: "layer.reject", target: slug))
        let rejected = try TableSupport.featureIDs(table, slug, version: 3)[3]
        let page = try editor.get("/layers/\(slug)/features/\(rejected)")
        #expect(page.status == 200 && !page.text.contains("/edit\"") && !page.text.contains("/delete\""))
        #expect(page.text.contains("Phiên bản 3 đã bị từ chối nên không sửa"))
        let refusedRejected = try editor.send("/layers/\(slug)/features/\(rejected)/edit", [("v0", "y")])
        #expect(refusedRejected.status == 409 && refusedRejected.text.contains("Phiên bản 3 đã bị từ chối"))
        #expect(try editor.send("/layers/\(slug)/features/\(rejected)/delete", [("confirm", "yes")]).status == 409)
        #expect(try TableSupport.versions(table, slug) == ["1:superseded", "2:published", "3:rejected"])
    }

    @Test func anOldFeatureLinkLeadsToThePublishedFeature() throws {
        let table = try #require(fixture)
        let slug = try TableSupport.layer(table, visibility: .public)
        let ids = try TableSupport.featureIDs(table, slug, version: 1)
        var editor = try Browser.signedIn(table, "syt.editor")
        #expect(try editor.send("/layers/\(slug)/features/\(ids[0])/edit", [("v0", "Trạm đã đổi tên")]).status == 303)
        let second = try TableSupport.featureIDs(table, slug, version: 2)
        #expect(try editor.send("/layers/\(slug)/features/\(second[59])/delete", [("confirm", "yes")]).status == 303)
        try TableSupport.publish(table, slug, 3)
        let third = try TableSupport.featureIDs(table, slug, version: 3)

        let moved = try table.respond("/layers/\(slug)/features/\(ids[0])")
        #expect(moved.status == 303 && moved.headers["Location"] == "/layers/\(slug)/features/\(third[0])")
        let followed = try table.respond(try #require(moved.headers["Location"]))
        #expect(followed.status == 200 && followed.text.contains("<dt>tên</dt><dd>Trạm đã đổi tên</dd>"))
        let unpublished = try table.respond("/layers/\(slug)/features/\(second[7])")
        #expect(unpublished.status == 404 && unpublished.headers["Location"] == nil,
                "a link into a version never published tells outsiders nothing")
        let geojson = try table.respond("/layers/\(slug)/features/\(ids[5]).geojson")
        #expect(geojson.status == 303 && geojson.headers["Location"] == "/layers/\(slug)/features/\(third[5]).geojson")

        let gone = try table.respond("/layers/\(slug)/features/\(ids[59])")
        let missing = AdminSupport.unique("khong-co")
        let missingPage = try table.respond("/layers/\(missing)/features/\(ids[59])")
        #expect(gone.status == 404, "deleted in the published version")
        #expect(TableSupport.normalized(gone, slug) == TableSupport.normalized(missingPage, missing))
        #expect(try table.respond("/layers/\(AdminSupport.unique("khac"))/features/\(ids[0])").status == 404)

        let history = try editor.get("/layers/\(slug)/features/\(ids[0])")
        #expect(history.status == 200 && history.text.contains("Phiên bản 1 · đã được thay thế"), "those who see versions see the old one")
        #expect(history.text.contains("href=\"/layers/\(slug)/features/\(third[0])\">Xem đối tượng này trong phiên bản đang công bố (phiên bản 3)"))
        let deleted = try editor.get("/layers/\(slug)/features/\(ids[59])")
        #expect(deleted.text.contains("Phiên bản đang công bố (phiên bản 3) không có đối tượng này."))

        let secret = try TableSupport.layer(table, visibility: .private)
        let secretIDs = try TableSupport.featureIDs(table, secret, version: 1)
        #expect(try editor.send("/layers/\(secret)/features/\(secretIDs[0])/edit", [("v0", "z")]).status == 303)
        try TableSupport.publish(table, secret, 2)
        let hidden = try table.respond("/layers/\(secret)/features/\(secretIDs[0])")
        #expect(hidden.status == 404, "no redirect into a layer the visitor may not see")
        let missingSecret = try table.respond("/layers/\(missing)/features/\(secretIDs[0])")
        #expect(TableSupport.normalized(hidden, secret) == TableSupport.normalized(missingSecret, missing))
    }

    // MARK: Reading the table

    @Test func numbersReadTheWayTheVisitorsLanguageWritesThem() throws {
        let table = try #require(fixture)
        let slug = try TableSupport.layer(table, visibility: .public) { index in
            #"{"tên":"Trạm \#(index)","diện_tích":\#(index == 1 ? "7.0" : "12.5"),"dân_số":1234567,"năm":2019,"kinh_phí":-1234567.25,"mã":"00123"}"#
        }
        let ids = try TableSupport.featureIDs(table, slug, version: 1)
        let vi = try table.respond("/layers/\(slug)/features/\(ids[0])")
        for pair in [("diện_tích", "7"), ("dân_số", "1.234.567"), ("năm", "2019"), ("kinh_phí", "-1.234.567,25"), ("mã", "00123")] {
            #expect(vi.text.contains("<dt>\(pair.0)</dt><dd>\(pair.1)</dd>"), "\(pair)")
        }
        let en = try table.respond("/layers/\(slug)/features/\(ids[1])", headers: [("Accept-Language", "en")])
        #expect(en.text.contains("<dt>diện_tích</dt><dd>12.5</dd>") && en.text.contains("<dd>1,234,567</dd>"))
        #expect(en.text.contains("<dd>-1,234,567.25</dd>") && en.text.contains("<dd>2019</dd>"))
        let page = try table.respond("/layers/\(slug)/table")
        #expect(page.text.contains("<td class=\"num\">7</td>") && page.text.contains("<td class=\"num\">12,5</td>"))
        #expect(page.text.contains("<th scope=\"col\" class=\"num\" aria-sort=\"none\"><a href=\"/layers/\(slug)/table?sort=di%E1%BB%87n_t%C3%ADch\""),
                "a numeric column's header is right-aligned like its values")
        #expect(page.text.contains("<th scope=\"col\" aria-sort=\"none\"><a href=\"/layers/\(slug)/table?sort=t%C3%AAn\""), "text is not")
        #expect(page.text.contains("<th scope=\"col\" aria-sort=\"none\"><a href=\"/layers/\(slug)/table?sort=m%C3%A3\""))
        var editor = try Browser.signedIn(table, "syt.editor")
        #expect(try editor.get("/layers/\(slug)/features/\(ids[1])").text.contains("value=\"12.5\" inputmode=\"decimal\""),
                "the edit form keeps the value it reads back")
    }

    @Test func aFeatureIsTitledByItsName() throws {
        let table = try #require(fixture)
        let slug = try TableSupport.layer(table, visibility: .public)
        let ids = try TableSupport.featureIDs(table, slug, version: 1)
        let named = try table.respond("/layers/\(slug)/features/\(ids[2])")
        #expect(named.text.contains("<title>Trạm số 3 · Trạm quan trắc \(slug) · "))
        #expect(named.text.contains("<h1>Trạm số 3 · Trạm quan trắc \(slug)</h1>"))
        #expect(named.text.contains("<small>Đối tượng \(ids[2])</small>"), "the id stays in sight")
        let other = try TableSupport.layer(table, visibility: .public) { index in
            #"{"name":"Station \#(index)","loại":"trạm","TEN_XA":"Xã Đông \#(index)"}"#
        }
        let otherIDs = try TableSupport.featureIDs(table, other, version: 1)
        #expect(try table.respond("/layers/\(other)/features/\(otherIDs[0])").text.contains("<h1>Xã Đông 1 · "),
                "ten_… before name, whatever the case")
        let nameless = try TableSupport.layer(table, visibility: .public) { index in #"{"tên":"  ","mã":\#(index)}"# }
        let namelessID = try TableSupport.featureIDs(table, nameless, version: 1)[0]
        let plain = try table.respond("/layers/\(nameless)/features/\(namelessID)")
        #expect(plain.text.contains("<h1>Đối tượng \(namelessID) · Trạm quan trắc \(nameless)</h1>") && !plain.text.contains("<small>"))
        #expect(FeatureName.of([("ten", .integer(3)), ("Tên cơ sở", .text("Cơ sở A")), ("NAME", .text("B"))]) == "Cơ sở A")
        #expect(FeatureName.of([("tenant", .text("x")), ("Name", .text("B"))]) == "B", "tenant is not a name")
        #expect(FeatureName.of([("ghi_chú", .text("x"))]) == nil)
    }
}

extension AttributeTableTests {
    /// Tables sorted or filtered through the shared portal. The portal computes at most
    /// `AttributeOrderCache.defaultMaxBusy` orders at once and answers any more with a 503 (one
    /// at a time on a machine of two cores), so these tests take turns.
    @Suite(.serialized) struct SortedAndFiltered {
        let fixture = TableFixture.shared

        @Test func sortingAndFilteringHappenInTheTable() throws {
            let table = try #require(fixture)
            let slug = try TableSupport.layer(table, visibility: .public)
            let largest = (1...TableSupport.featureCount).max { TableSupport.households($0) < TableSupport.households($1) } ?? 0
            let sorted = try table.respond("/layers/\(slug)/table?sort=s%E1%BB%91_h%E1%BB%99&dir=desc")
            #expect(sorted.status == 200)
            let firstRow = try #require(sorted.text.components(separatedBy: "<tbody>").last?.components(separatedBy: "</tr>").first)
            #expect(firstRow.contains(">Trạm số \(largest)<") && firstRow.contains(">\(TableSupport.households(largest))<"))
            #expect(sorted.text.contains("aria-sort=\"descending\""))
            let filtered = try table.respond("/layers/\(slug)/table?field=t%C3%AAn&value=TR%E1%BA%A0M+S%E1%BB%90+5")
            #expect(TableSupport.rowCount(filtered) == 11, "Trạm số 5 and 50–59, whatever the case")
            #expect(filtered.text.contains("Đối tượng 1–11 trong tổng số 11"))
            #expect(filtered.text.contains("value=\"TRẠM SỐ 5\""), "the filter form keeps the text")
            let none = try table.respond("/layers/\(slug)/table?field=t%C3%AAn&value=kh%C3%B4ng+c%C3%B3")
            #expect(none.status == 200 && none.text.contains("Không có đối tượng nào phù hợp."))
            let unknown = try table.respond("/layers/\(slug)/table?sort=dien_tich&field=x&value=1")
            #expect(unknown.status == 200 && TableSupport.rowCount(unknown) == 50)
            #expect(unknown.text.contains("Không có trường «dien_tich» để sắp xếp"))
            #expect(unknown.text.contains("Không có trường «x» để lọc"))
            let badPage = try table.respond("/layers/\(slug)/table?page=ba")
            #expect(badPage.status == 200 && badPage.text.contains("Số trang «ba» không hợp lệ") && badPage.text.contains("Trạm số 1<"))
            let beyond = try table.respond("/layers/\(slug)/table?page=999999999999")
            #expect(beyond.status == 200 && beyond.text.contains("đang hiển thị trang cuối") && TableSupport.rowCount(beyond) == 10)
        }

        @Test func theFilterFindsTextWithoutItsDiacritics() throws {
            let table = try #require(fixture)
            let slug = try TableSupport.layer(table, visibility: .public) { index in
                #"{"tên":"\#(index % 3 == 0 ? "Trạm Đông Hưng" : "Trạm Yên Đức") \#(index)"}"#
            }
            for value in ["Dong", "dong", "%C4%90%C3%B4ng", "%C4%90%C3%94NG+H%C6%AFNG", "dong+hung"] {
                let page = try table.respond("/layers/\(slug)/table?field=t%C3%AAn&value=\(value)")
                #expect(page.text.contains("trong tổng số 20"), "\(value)")
            }
            #expect(try table.respond("/layers/\(slug)/table?value=duc").text.contains("trong tổng số 40"), "any field")
            #expect(try table.respond("/layers/\(slug)/table?value=Dong+Duc").text.contains("Không có đối tượng nào phù hợp."))
        }

        @Test func theOrderOfATableIsComputedOnceForAllItsPages() throws {
            let table = try #require(fixture)
            let slug = try TableSupport.layer(table, visibility: .public)
            let orders = table.portal.tables.orders
            let before = orders.computeCount
            let first = try table.respond("/layers/\(slug)/table?sort=s%E1%BB%91_h%E1%BB%99&value=tr%E1%BA%A1m")
            #expect(first.status == 200 && TableSupport.rowCount(first) == 50)
            #expect(orders.computeCount == before + 1)
            let second = try table.respond("/layers/\(slug)/table?sort=s%E1%BB%91_h%E1%BB%99&value=TRAM&page=2")
            #expect(TableSupport.rowCount(second) == 10 && second.text.contains("Đối tượng 51–60 trong tổng số 60"))
            _ = try table.respond("/layers/\(slug)/table?sort=s%E1%BB%91_h%E1%BB%99&value=tram&page=9")
            #expect(orders.computeCount == before + 1, "other pages, the same folded filter, a page out of range: kept")
            _ = try table.respond("/layers/\(slug)/table?page=2")
            #expect(orders.computeCount == before + 1, "feature order is read from the index")
            let lastByHouseholds = (1...TableSupport.featureCount).sorted {
                (TableSupport.households($0), $0) < (TableSupport.households($1), $1)
            }.suffix(10)
            for index in lastByHouseholds { #expect(second.text.contains(">Trạm số \(index)<"), "\(index) on the last page") }
        }

        @Test func aTableBeyondTheBoundIsAskedToComeBack() throws {
            let table = try #require(fixture)
            let slug = try TableSupport.layer(table, visibility: .public)
            let orders = table.portal.tables.orders
            let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
            for slot in 0..<orders.maxBusy {
                let key = AttributeOrderCache.Key(versionID: -1, createdAt: "", featureCount: slot,
                                                  order: AttributeOrder(sortField: "chờ"))
                Thread.detachNewThread {
                    _ = try? orders.ids(for: key) {
                        started.signal()
                        release.wait()
                        return []
                    }
                    done.signal()
                }
            }
            for _ in 0..<orders.maxBusy { started.wait() }
            let refused = try table.respond("/layers/\(slug)/table?sort=t%C3%AAn")
            let plain = try table.respond("/layers/\(slug)/table?page=2")
            for _ in 0..<orders.maxBusy { release.signal() }
            for _ in 0..<orders.maxBusy { done.wait() }
            #expect(refused.status == 503, "the server's responder adds the error's Retry-After")
            #expect(refused.text.contains("Máy chủ đang bận"), "the page says the server is busy, not broken")
            #expect(plain.status == 200 && TableSupport.rowCount(plain) == 10, "feature order needs no computation")
            #expect(try table.respond("/layers/\(slug)/table?sort=t%C3%AAn").status == 200, "served once the slots are free")
        }
    }
}
