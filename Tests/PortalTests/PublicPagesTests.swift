import Foundation
import HTTP
import Testing
@testable import Portal
import Store

/// The public's copies of the home and map pages: served from memory by the fast path, exactly
/// as rendered, never to a visitor with a session, and renewed by any change to what they show.
@Suite struct PublicPagesTests {
    /// A province of each test's own: one changes what the pages show, the other reads them.
    static func province() throws -> SeededPortal { try SeededPortal(prefix: "bando-public-pages-", network: "10.13") }

    func fast(_ seeded: SeededPortal, _ target: String, headers: [(String, String)] = []) throws -> Response? {
        var h = HTTPHeaders()
        for (name, value) in headers { h.add(name, value) }
        return seeded.portal.makeRouter().fastHandler(try Request(method: .GET, target: target, headers: h, remoteAddress: "10.13.0.2"))
    }

    func get(_ seeded: SeededPortal, _ target: String, headers: [(String, String)] = []) throws -> Response {
        var h = HTTPHeaders()
        for (name, value) in headers { h.add(name, value) }
        return try seeded.handler(try Request(method: .GET, target: target, headers: h, remoteAddress: "10.13.0.2"))
    }

    @Test func theKeptCopyIsThePageAsRenderedAndAnyChangeRenewsIt() throws {
        let seeded = try Self.province()
        for target in ["/", "/map", "/?q=1", "/layers/co-so-y-te"] {
            #expect(try fast(seeded, target) == nil, "\(target): nothing kept before the first render")
            let rendered = try get(seeded, target)
            #expect(rendered.status == 200)
            let kept = try #require(try fast(seeded, target), "\(target): kept once rendered")
            #expect(kept.bytes == rendered.bytes && kept.headers["Content-Type"] == rendered.headers["Content-Type"])
            // Each language has its own copy.
            #expect(try fast(seeded, target, headers: [("Cookie", "lang=en")]) == nil)
        }
        // A change to what the home page shows (a layer's title, the province's name) renews it.
        let layers = LayerRepository(seeded.database)
        let layerID = try #require(try layers.findForAccess(slug: "co-so-y-te", agencyID: nil)?.layer.id)
        var metadata = try #require(try layers.metadata(layerID: layerID))
        metadata.title = "Cơ sở y tế đổi tên"
        try layers.updateMetadata(layerID: layerID, metadata,
                                  audit: AuditEntry(userID: nil, username: nil, agencyID: nil, action: "", target: "", clientAddress: nil))
        #expect(try fast(seeded, "/") == nil, "out of date after the change")
        #expect(try get(seeded, "/").text.contains("Cơ sở y tế đổi tên"))
        #expect(try fast(seeded, "/")?.text.contains("Cơ sở y tế đổi tên") == true)
        try SettingsRepository(seeded.database).set("province_name", "Tỉnh Thử Nghiệm")
        #expect(try fast(seeded, "/") == nil)
        #expect(try get(seeded, "/").text.contains("Tỉnh Thử Nghiệm"))
    }

    @Test func aVisitorWithASessionIsNeverAnsweredFromTheCopy() throws {
        let seeded = try Self.province()
        _ = try get(seeded, "/map")
        #expect(try fast(seeded, "/map") != nil)
        var browser = Browser(PublicPagesFixture(seeded: seeded))
        #expect(try browser.signIn("stnmt.viewer").status == 303)
        let cookie = try #require(browser.cookies["bando_session"])
        #expect(try fast(seeded, "/map", headers: [("Cookie", "bando_session=\(cookie)")]) == nil)
        let own = try browser.get("/map")
        #expect(own.text.contains("diem-quan-trac-moi-truong"), "the agency's private layer is on its own map")
        #expect(try fast(seeded, "/map")?.text.contains("diem-quan-trac-moi-truong") == false, "and never on the public's copy")
        // A layer page the public may not see is never kept: it answers as a missing one.
        #expect(try browser.get("/layers/diem-quan-trac-moi-truong").status == 200)
        #expect(try fast(seeded, "/layers/diem-quan-trac-moi-truong") == nil)
        #expect(throws: HTTPError.self) { try get(seeded, "/layers/diem-quan-trac-moi-truong") }
    }
}

/// The seeded province as a fixture for `Browser`.
struct PublicPagesFixture: SeededFixture {
    let seeded: SeededPortal
}
