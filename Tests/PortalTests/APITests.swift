import Foundation
import Formats
import HTTP
import Testing
@testable import Portal
import Store

/// A demo province of the API tests' own (they upload, publish and make tokens).
final class APIFixture: SeededFixture {
    static let shared: APIFixture? = try? APIFixture()
    let seeded: SeededPortal

    private init() throws {
        seeded = try SeededPortal(prefix: "bando-api-", network: "10.17")
    }

    /// Follows an import until it ends: its last state.
    func finished(_ location: String, token: String) throws -> JSONValue {
        for _ in 0..<300 {
            let state = try json(call(location, token: token))
            if state["state"] == "done" || state["state"] == "failed" { return state }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("the import at \(location) did not finish in 30 s")
        return .null
    }
}

/// The JSON API: who reads what, uploads that become pending versions, the approver's
/// decisions, and problem+json errors that tell a hidden layer from nothing.
@Suite(.serialized) struct APITests {
    let fixture = APIFixture.shared
    static let hidden = "diem-quan-trac-moi-truong"

    @Test func theListShowsWhatTheTokenMaySeeAndAHiddenLayerAnswersLikeAMissingOne() throws {
        let api = try #require(fixture)
        let slugs = { (value: JSONValue) -> [String] in
            guard case .array(let layers)? = value["layers"] else { return [] }
            return layers.compactMap { $0["slug"]?.string }
        }
        let anonymous = try api.json(api.call("/api/v1/layers?limit=500"))
        #expect(slugs(anonymous).contains("co-so-y-te"))
        #expect(!slugs(anonymous).contains(Self.hidden))
        #expect(anonymous["total"]?.integerValue == Int64(slugs(anonymous).count))
        let owner = try api.apiToken("stnmt.viewer", [.read])
        #expect(slugs(try api.json(api.call("/api/v1/layers?limit=500", token: owner))).contains(Self.hidden))

        let paged = try api.json(api.call("/api/v1/layers?limit=1"))
        #expect(slugs(paged).count == 1)
        guard case .array(let links)? = paged["links"] else { Issue.record("no links"); return }
        let next = links.first { $0["rel"] == "next" }?["href"]?.string
        #expect(next == "http://bando.test/api/v1/layers?limit=1&offset=1")

        let outsider = try api.apiToken("syt.viewer", [.read])
        for path in ["", "/versions", "/versions/1", "/features"] {
            let refused = try api.call("/api/v1/layers/\(Self.hidden)\(path)", token: outsider)
            let missing = try api.call("/api/v1/layers/khong-co-lop-nay\(path)", token: outsider)
            #expect(refused.status == 404)
            #expect(refused.headers["Content-Type"] == APIProblem.mediaType)
            #expect(refused.text == missing.text, "\(path): a hidden layer answers like a missing one")
            #expect(try api.call("/api/v1/layers/\(Self.hidden)\(path)", token: owner).status == 200, "\(path) for its owner")
        }
        let bad = try api.json(api.call("/api/v1/layers?limit=9999"))
        #expect(bad["status"]?.integerValue == 400)
        #expect(bad["parameter"] == "limit")
    }

    @Test func featuresArePagedGeoJSONOfTheDownloadRight() throws {
        let api = try #require(fixture)
        let page = try api.call("/api/v1/layers/co-so-y-te/features?limit=2")
        #expect(page.status == 200)
        #expect(page.headers["Content-Type"] == FeaturesDocuments.geoJSON)
        let collection = try api.json(page)
        guard case .array(let features)? = collection["features"], case .array(let links)? = collection["links"] else {
            Issue.record("not a feature collection: \(page.text.prefix(200))"); return
        }
        #expect(features.count == 2)
        #expect((collection["numberMatched"]?.integerValue ?? 0) > 2)
        #expect(links.contains { $0["rel"] == "next" && $0["href"]?.string?.hasSuffix("limit=2&offset=2") == true })
        let unknownField = try api.json(api.call("/api/v1/layers/co-so-y-te/features?khong_co=1"))
        #expect(unknownField["parameter"] == "khong_co")
        // A layer the detail of which names downloads lists every format.
        let detail = try api.json(api.call("/api/v1/layers/co-so-y-te"))
        #expect(detail["downloads"]?["gpkg"]?.string == "http://bando.test/layers/co-so-y-te/download.gpkg")
    }

    @Test func meNeedsATokenAndSessionsAreNotCredentialsOfTheAPI() throws {
        let api = try #require(fixture)
        let anonymous = try api.call("/api/v1/me")
        #expect(anonymous.status == 401)
        #expect(anonymous.headers["WWW-Authenticate"]?.contains("Bearer") == true)
        #expect(try api.json(anonymous)["code"] == "unauthenticated")
        let token = try api.apiToken("stnmt.editor", [.read, .upload])
        let me = try api.json(api.call("/api/v1/me", token: token))
        #expect(me["username"] == "stnmt.editor")
        #expect(me["token"]?["scopes"] == ["read", "upload"])
        #expect(try api.call("/api/v1/me", token: "bando_not-a-token").status == 401)

        let browser = try Browser.signedIn(api, "stnmt.viewer")
        let withCookie = try api.call("/api/v1/layers/\(Self.hidden)", headers: browser.cookieHeader)
        #expect(withCookie.status == 404, "the session cookie does not act on the API")
    }

    @Test func anUploadBecomesAPendingVersionThatAnotherApproverPublishes() throws {
        let api = try #require(fixture)
        let editor = try api.apiToken("stnmt.editor", [.read, .upload])
        // Two stations at a health station of the demo province, so they lie inside it.
        let first = try api.json(api.call("/api/v1/layers/co-so-y-te/features?limit=1"))
        guard case .array(let features)? = first["features"], case .array(let at)? = features.first?["geometry"]?["coordinates"],
              let lon = at.first?.jsonText, let lat = at.last?.jsonText else { Issue.record("no health station"); return }
        let geojson = Array("""
        {"type":"FeatureCollection","features":[
         {"type":"Feature","properties":{"ten":"Trạm một"},"geometry":{"type":"Point","coordinates":[\(lon),\(lat)]}},
         {"type":"Feature","properties":{"ten":"Trạm hai"},"geometry":{"type":"Point","coordinates":[\(lon),\(lat)]}}]}
        """.utf8)
        let readOnly = try api.apiToken("stnmt.editor", [.read])
        #expect(try api.json(api.call("/api/v1/layers", method: .POST, token: readOnly, body: geojson,
                                      contentType: "application/geo+json"))["code"] == "insufficient_scope")
        #expect(try api.call("/api/v1/layers", method: .POST, body: geojson, contentType: "application/geo+json").status == 401)
        let badSRID = try api.json(api.call("/api/v1/layers?srid=abc", method: .POST, token: editor, body: geojson,
                                            contentType: "application/geo+json"))
        #expect(badSRID["parameter"] == "srid")

        let queued = try api.call("/api/v1/layers?title=Tr%E1%BA%A1m%20API", method: .POST, token: editor, body: geojson,
                                  contentType: "application/geo+json")
        #expect(queued.status == 202)
        let location = try #require(queued.headers["Location"])
        #expect(try api.call(location, token: try api.apiToken("stnmt.approver", [.read])).status == 404, "only the uploader follows it")
        let done = try api.finished(location, token: editor)
        #expect(done["state"] == "done", "\(done.jsonText)")
        #expect(done["featureCount"]?.integerValue == 2)
        let slug = try #require(done["layer"]?.string)
        let number = try #require(done["version"]?.integerValue)
        let version = try api.json(api.call("/api/v1/layers/\(slug)/versions/\(number)", token: editor))
        #expect(version["status"] == "pending")
        #expect(try api.call("/api/v1/layers/\(slug)").status == 404, "a pending layer is not the public's")

        let path = "/api/v1/layers/\(slug)/versions/\(number)"
        #expect(try api.call(path + "/publish", method: .POST, token: editor).status == 403, "an editor's token has no approve scope")
        let approver = try api.apiToken("stnmt.approver", [.read, .approve])
        let noReason = try api.json(api.call(path + "/reject", method: .POST, token: approver, body: Array("{}".utf8),
                                             contentType: "application/json"))
        #expect(noReason["pointer"] == "/reason")
        let published = try api.call(path + "/publish", method: .POST, token: approver)
        #expect(published.status == 200, "\(published.text)")
        #expect(try api.json(published)["status"] == "published")
        #expect(try api.json(api.call(path + "/publish", method: .POST, token: approver))["code"] == "state_changed")
        let audited = try AuditRepository(api.database).entries(AuditFilter(action: "layer.publish"), limit: 5)
        #expect(audited.contains { $0.target == slug && $0.detail.contains("token=api-test") })
        #expect(try AuditRepository(api.database).entries(AuditFilter(action: "layer.upload"), limit: 20)
            .contains { $0.detail.contains("token=api-test") && $0.username == "stnmt.editor" })

        let outsider = try api.apiToken("syt.approver", [.read, .approve])
        #expect(try api.call(path + "/reject", method: .POST, token: outsider, body: Array("{\"reason\":\"x\"}".utf8),
                             contentType: "application/json").status == 404, "another agency's approver finds nothing")
    }

    @Test func aBrokenFileFailsItsImportWithWhatAndWhere() throws {
        let api = try #require(fixture)
        let editor = try api.apiToken("stnmt.editor", [.read, .upload])
        let broken = Array("ten,kinh_do,vi_do\nA,106.6,17.4\nB,190,17.4\n".utf8)
        let queued = try api.call("/api/v1/layers?title=Sai", method: .POST, token: editor, body: broken, contentType: "text/csv")
        #expect(queued.status == 202)
        let state = try api.finished(try #require(queued.headers["Location"]), token: editor)
        #expect(state["state"] == "failed")
        #expect(state["message"]?.string?.contains("190") == true, "\(state.jsonText)")
        #expect(try api.call("/api/v1/nothing-here").status == 404)
        #expect(try api.call("/api/v1/nothing-here").headers["Content-Type"] == APIProblem.mediaType)
    }
}
