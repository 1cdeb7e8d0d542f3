import Foundation
import HTTP
@testable import Portal
import Store
import Testing

/// A demo province of the version tests' own: they import, publish, reject and roll back.
final class VersionFixture: SeededFixture {
    static let shared: VersionFixture? = try? VersionFixture()

    let seeded: SeededPortal

    private init() throws {
        seeded = try SeededPortal(prefix: "bando-versions-", network: "10.6")
    }

    /// Imports `points` (lon, lat, name) as a new version of `slug` (a new stnmt layer the first
    /// time) through the import pipeline, as the upload page does; returns the version number.
    @discardableResult
    func importPoints(_ slug: String, _ points: [(Double, Double, String)]) throws -> Int {
        let features = points.map { point in
            #"{"type":"Feature","properties":{"ten":"\#(point.2)"},"geometry":{"type":"Point","coordinates":[\#(point.0),\#(point.1)]}}"#
        }
        let path = folder + "/\(slug)-\(UUID().uuidString).geojson"
        try #"{"type":"FeatureCollection","features":[\#(features.joined(separator: ","))]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try ImportPipeline(database: database).run(ImportRequest(
            path: path, agencyCode: "stnmt", username: "stnmt.editor", layerSlug: slug, title: "Điểm thử \(slug)")).versionNumber
    }

    func makePublic(_ slug: String) throws {
        let layer = try #require(try LayerRepository(database).findForAccess(slug: slug, agencyID: nil)?.layer)
        try LayerRepository(database).setVisibility(layerID: layer.id, .public)
    }
}

@Suite struct VersionReviewTests {
    static func fixture() throws -> VersionFixture { try #require(VersionFixture.shared) }
    static func unique() -> String { "diem-\(UUID().uuidString.prefix(8).lowercased())" }
    /// A tile over the middle of the demo province, where the test points lie.
    static let tile = "12/3258/1799.png"

    static let west = [(106.30, 21.36, "Điểm A"), (106.33, 21.38, "Điểm B")]
    static let east = [(106.36, 21.35, "Điểm C")]

    @Test func aPendingVersionIsSeenOnlyByTheOwnerEditorsAndApprovers() throws {
        let fixture = try Self.fixture()
        let slug = Self.unique()
        try fixture.importPoints(slug, Self.west)
        try fixture.makePublic(slug)
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        var approver = try Browser.signedIn(fixture, "stnmt.approver")
        var viewer = try Browser.signedIn(fixture, "stnmt.viewer")
        var outsider = try Browser.signedIn(fixture, "syt.approver")
        var visitor = Browser(fixture)

        let review = try editor.get("/layers/\(slug)/versions/1")
        #expect(review.status == 200)
        #expect(review.text.contains("Chờ phê duyệt"))
        #expect(!review.text.contains("/versions/1/publish"), "an editor cannot publish")
        let approverReview = try approver.get("/layers/\(slug)/versions/1")
        #expect(approverReview.text.contains("/versions/1/publish"))
        #expect(approverReview.text.contains("/versions/1/reject"))
        #expect(try editor.get("/layers/\(slug)/versions/1/tiles/\(Self.tile)").status == 200)

        for (name, browser) in [("viewer", viewer), ("outsider", outsider), ("public", visitor)] {
            var browser = browser
            for path in ["/layers/\(slug)/versions", "/layers/\(slug)/versions/1"] {
                let answer = try browser.get(path)
                #expect(answer.status == 404, "\(name) \(path)")
                let missingPath = path.replacingOccurrences(of: slug, with: "khong-co-lop-nay")
                #expect(answer.text.replacingOccurrences(of: path, with: "")
                        == (try browser.get(missingPath)).text.replacingOccurrences(of: missingPath, with: ""),
                        "\(name) \(path): the same page as a missing layer's")
            }
            #expect(try browser.get("/layers/\(slug)/versions/1/tiles/\(Self.tile)").bytes
                    == (try browser.get("/layers/khong-co/versions/1/tiles/\(Self.tile)")).bytes, "\(name)")
            #expect(try browser.get("/tiles/\(slug)/\(Self.tile)").status == 404, "\(name): nothing published yet")
        }
        #expect(try visitor.get("/layers/\(slug)").status == 404)
        #expect(try viewer.get("/layers/\(slug)").status == 200, "the owner agency lists its own layer")
        #expect(try outsider.get("/").text.contains(slug) == false)
    }

    @Test func theApproverPublishesAndThePublicSeesTheLayer() throws {
        let fixture = try Self.fixture()
        let slug = Self.unique()
        try fixture.importPoints(slug, Self.west)
        try fixture.makePublic(slug)
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        var approver = try Browser.signedIn(fixture, "stnmt.approver")
        var visitor = Browser(fixture)

        #expect(try editor.send("/layers/\(slug)/versions/1/publish").status == 404, "editors cannot publish")
        #expect(try approver.post("/layers/\(slug)/versions/1/publish", [("csrf", "forged")]).status == 403)
        #expect(try visitor.get("/tiles/\(slug)/\(Self.tile)").status == 404)

        let published = try approver.send("/layers/\(slug)/versions/1/publish")
        #expect(published.status == 303)
        #expect(published.headers["Location"] == "/layers/\(slug)/versions/1?done=published")
        #expect(try approver.get(published.headers["Location"] ?? "").text.contains("Đã công bố phiên bản này."))
        #expect(try visitor.get("/layers/\(slug)").status == 200)
        #expect(try visitor.get("/tiles/\(slug)/\(Self.tile)").status == 200)
        #expect(try visitor.get("/").text.contains("/layers/\(slug)"))
        // The same version cannot be published twice: the page says the state changed.
        let again = try approver.send("/layers/\(slug)/versions/1/publish")
        #expect(again.status == 409)
        let audit = try AuditRepository(fixture.database).entries(AuditFilter(action: "layer.publish"), limit: 10_000)
            .filter { $0.target == slug }
        #expect(audit.count == 1)
        #expect(audit.first?.username == "stnmt.approver")
    }

    @Test func aRejectionNeedsAReasonAndTheEditorReadsIt() throws {
        let fixture = try Self.fixture()
        let slug = Self.unique()
        try fixture.importPoints(slug, Self.west)
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        var approver = try Browser.signedIn(fixture, "stnmt.approver")

        let blank = try approver.send("/layers/\(slug)/versions/1/reject", [("reason", "   ")])
        #expect(blank.status == 422)
        #expect(blank.text.contains("cần nhập lý do"))
        #expect(try VersionRepository(fixture.database).latestRejection(layerID: layerID(fixture, slug)) == nil)

        let reason = "Tọa độ lệch sang tỉnh bên cạnh, đề nghị kiểm tra lại múi chiếu <VN-2000>"
        #expect(try approver.send("/layers/\(slug)/versions/1/reject", [("reason", reason)]).status == 303)
        let escaped = "Tọa độ lệch sang tỉnh bên cạnh, đề nghị kiểm tra lại múi chiếu &lt;VN-2000&gt;"
        let layerPage = try editor.get("/layers/\(slug)")
        #expect(layerPage.text.contains(escaped))
        #expect(layerPage.text.contains("Lãnh đạo đã từ chối phiên bản"))
        #expect(try editor.get("/layers/\(slug)/versions").text.contains(escaped))
        #expect(try editor.get("/layers/\(slug)/versions/1").text.contains(escaped))
        #expect(try approver.send("/layers/\(slug)/versions/1/publish").status == 409, "a rejected version stays rejected")
    }

    @Test func aRollbackRestoresTheEarlierTiles() throws {
        let fixture = try Self.fixture()
        let slug = Self.unique()
        try fixture.importPoints(slug, Self.west)
        try fixture.makePublic(slug)
        var approver = try Browser.signedIn(fixture, "stnmt.approver")
        var visitor = Browser(fixture)
        #expect(try approver.send("/layers/\(slug)/versions/1/publish").status == 303)
        let first = try visitor.get("/tiles/\(slug)/\(Self.tile)")
        #expect(first.status == 200)

        #expect(try fixture.importPoints(slug, Self.east) == 2)
        #expect(try visitor.get("/tiles/\(slug)/\(Self.tile)").bytes == first.bytes, "a pending version changes nothing outside")
        let review = try approver.get("/layers/\(slug)/versions/2")
        #expect(review.text.contains("−1"), "one feature fewer than the published version")
        #expect(try approver.send("/layers/\(slug)/versions/2/publish").status == 303)
        let second = try visitor.get("/tiles/\(slug)/\(Self.tile)")
        #expect(second.status == 200)
        #expect(second.bytes != first.bytes)

        #expect(try approver.send("/layers/\(slug)/versions/2/rollback").status == 409, "only a superseded version is restored")
        let rolledBack = try approver.send("/layers/\(slug)/versions/1/rollback", [("note", "Phiên bản 2 thiếu điểm")])
        #expect(rolledBack.status == 303)
        let restored = try visitor.get("/tiles/\(slug)/\(Self.tile)")
        #expect(restored.bytes == first.bytes)
        #expect(restored.headers["ETag"] == first.headers["ETag"])

        let history = try approver.get("/layers/\(slug)/versions")
        #expect(history.text.contains("khôi phục phiên bản cũ"))
        #expect(history.text.contains("Phiên bản 2 thiếu điểm"))
        let audit = try AuditRepository(fixture.database).entries(AuditFilter(action: "layer.rollback"), limit: 10_000)
            .filter { $0.target == slug }
        #expect(audit.map(\.detail) == ["to version 1: Phiên bản 2 thiếu điểm"])
    }

    @Test func badVersionAddressesAreTheMissingLayersAnswer() throws {
        let fixture = try Self.fixture()
        let slug = Self.unique()
        try fixture.importPoints(slug, Self.west)
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        for number in ["0", "-1", "abc", "99", "123456789", "1.0"] {
            #expect(try editor.get("/layers/\(slug)/versions/\(number)").status == 404, "\(number)")
            #expect(try editor.get("/layers/\(slug)/versions/\(number)/tiles/\(Self.tile)").bytes
                    == MapResponses.notFound.bytes, "\(number)")
        }
    }

    func layerID(_ fixture: VersionFixture, _ slug: String) throws -> Int64 {
        try #require(try LayerRepository(fixture.database).findForAccess(slug: slug, agencyID: nil)).layer.id
    }
}

/// What the review page tells the approver before publishing: the changes, dropped fields and
/// versions made from an older base.
@Suite struct VersionReviewCautionTests {
    @Test func anEditVersionListsItsChangesAndAnUploadReadsAsReplaced() throws {
        let fixture = try VersionReviewTests.fixture()
        let slug = VersionReviewTests.unique()
        try fixture.importPoints(slug, VersionReviewTests.west)
        var approver = try Browser.signedIn(fixture, "stnmt.approver")
        #expect(try approver.send("/layers/\(slug)/versions/1/publish").status == 303)
        try fixture.importPoints(slug, VersionReviewTests.east)
        let upload = try approver.get("/layers/\(slug)/versions/2")
        #expect(upload.text.contains("Dữ liệu được tải lên mới toàn bộ"))

        // An attribute edit on the published version: one feature changed, one unchanged.
        let layer = try #require(try LayerRepository(fixture.database).findForAccess(slug: slug, agencyID: nil)).layer
        let published = try #require(try VersionRepository(fixture.database).published(layerID: layer.id))
        let feature = try #require(try fixture.database.read { db in
            try Int64.fetchOne(db, sql: "SELECT min(id) FROM features WHERE version_id = ?", arguments: [published.id])
        })
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        let edited = try editor.send("/layers/\(slug)/features/\(feature)/edit", [("v0", "Điểm A (đã sửa)")])
        #expect(edited.status == 303, "\(edited.status) \(edited.text.prefix(300))")
        let review = try approver.get("/layers/\(slug)/versions/3")
        #expect(review.text.contains("Sửa thuộc tính của 1 đối tượng"))
        #expect(review.text.contains("1 đối tượng không đổi"))
        #expect(!review.text.contains("data-confirm"), "nothing to warn about")
    }

    @Test func aVersionMadeBeforeTheLastPublicationIsFlaggedAndConfirmed() throws {
        let fixture = try VersionReviewTests.fixture()
        let slug = VersionReviewTests.unique()
        try fixture.importPoints(slug, VersionReviewTests.west)
        var approver = try Browser.signedIn(fixture, "stnmt.approver")
        #expect(try approver.send("/layers/\(slug)/versions/1/publish").status == 303)
        try fixture.importPoints(slug, VersionReviewTests.east)   // version 2, made from 1
        try fixture.importPoints(slug, VersionReviewTests.west)   // version 3, made from 1
        #expect(try approver.send("/layers/\(slug)/versions/3/publish").status == 303)
        let stale = try approver.get("/layers/\(slug)/versions/2")
        #expect(stale.text.contains("Phiên bản này được lập từ phiên bản 1, nhưng phiên bản đang công bố là 3."))
        #expect(stale.text.contains("data-confirm="), "publishing asks for confirmation")
    }
}
