import Foundation
import Geometry
import GRDB
import HTTP
import Testing
@testable import Portal
import Store

/// A layer of the feature door's tests: five points along a line of longitude, with a data date.
final class FeaturesFixture: SeededFixture {
    static let shared: FeaturesFixture? = try? FeaturesFixture()
    let seeded: SeededPortal
    let layerID: Int64

    private init() throws {
        seeded = try SeededPortal(prefix: "bando-oapif-", network: "10.15")
        let database = seeded.database
        let layers = LayerRepository(database)
        layerID = try layers.create(slug: "ogc-diem", title: "Điểm <OGC>", description: "Năm điểm", sector: "giao-thong",
                                    ownerCode: "sxd", geometryKind: .point, visibility: .public)
        let version = try layers.createVersion(layerSlug: "ogc-diem", createdBy: nil, sourceName: "test", sourceSRID: 4326,
                                               encoding: "UTF-8")
        try FeatureRepository(database).insert((1...5).map { i in
            NewFeature(shape: .wkt("POINT(106.\(i) 21.\(i))"),
                       propertiesJSON: #"{"ten":"Điểm \#(i)","loai":"\#(i % 2 == 0 ? "chẵn" : "lẻ")","so":\#(i)}"#)
        }, versionID: version.id)
        try layers.refreshVersionFigures(versionID: version.id)
        try layers.publish(versionID: version.id, decidedBy: nil)
        try database.write { db in try db.execute(sql: "UPDATE layers SET data_date = '2025-06-30' WHERE slug = 'ogc-diem'") }
    }

    func json(_ target: String) throws -> (Response, [String: Any]) {
        let response = try respond(target)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.bytes)) as? [String: Any],
                                  "\(target): \(String(decoding: response.bytes.prefix(300), as: UTF8.self))")
        return (response, object)
    }
}

/// OGC API – Features Part 1 through the router: the documents, paging, filters, stable ids,
/// HTML, and the JSON errors.
@Suite(.serialized) struct OGCFeaturesTests {
    let fixture = FeaturesFixture.shared
    static let items = "/ogc/collections/ogc-diem/items"

    static func features(_ object: [String: Any]) -> [[String: Any]] { object["features"] as? [[String: Any]] ?? [] }
    static func names(_ object: [String: Any]) -> [String] {
        features(object).compactMap { ($0["properties"] as? [String: Any])?["ten"] as? String }
    }
    static func link(_ object: [String: Any], _ rel: String) -> String? {
        (object["links"] as? [[String: Any]])?.first { $0["rel"] as? String == rel }?["href"] as? String
    }

    @Test func landingConformanceAndCollectionsLinkUp() throws {
        let demo = try #require(fixture)
        let (_, landing) = try demo.json("/ogc")
        #expect(Self.link(landing, "service-desc") == "http://localhost/ogc/api")
        #expect(Self.link(landing, "data") == "http://localhost/ogc/collections")
        let (_, conformance) = try demo.json("/ogc/conformance")
        #expect((conformance["conformsTo"] as? [String])?.contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core") == true)
        let (_, collections) = try demo.json("/ogc/collections")
        let ids = (collections["collections"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(ids.contains("ogc-diem") && !ids.contains("quy-hoach-su-dung-dat"))
        let (_, collection) = try demo.json("/ogc/collections/ogc-diem")
        #expect(collection["title"] as? String == "Điểm <OGC>")
        let temporal = ((collection["extent"] as? [String: Any])?["temporal"] as? [String: Any])?["interval"] as? [[String]]
        #expect(temporal?.first?.first == "2025-06-30T00:00:00Z")
        let (api, openAPI) = try demo.json("/ogc/api")
        #expect(api.headers["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0")
        #expect((openAPI["paths"] as? [String: Any])?.keys.contains("/collections/{collectionId}/items") == true)
    }

    @Test func itemsPageThroughEveryFeatureOnce() throws {
        let demo = try #require(fixture)
        var target: String? = Self.items + "?limit=2"
        var seen: [String] = []
        var pages = 0
        while let next = target, pages < 10 {
            let (response, page) = try demo.json(next.replacingOccurrences(of: "http://localhost", with: ""))
            #expect(response.headers["Content-Type"] == "application/geo+json")
            #expect(page["numberMatched"] as? Int == 5)
            #expect(page["numberReturned"] as? Int == Self.features(page).count)
            seen += Self.names(page)
            target = Self.link(page, "next")
            pages += 1
        }
        #expect(seen == (1...5).map { "Điểm \($0)" }, "in identity order, each once")
        #expect(pages == 3)
        let (_, last) = try demo.json(Self.items + "?limit=2&offset=4")
        #expect(Self.link(last, "prev") != nil && Self.link(last, "next") == nil)
    }

    @Test func bboxPropertiesAndDatetimeFilterInsideTheQuery() throws {
        let demo = try #require(fixture)
        let (_, boxed) = try demo.json(Self.items + "?bbox=106.15,21.15,106.35,21.35")
        #expect(Self.names(boxed) == ["Điểm 2", "Điểm 3"] && boxed["numberMatched"] as? Int == 2)
        let (_, even) = try demo.json(Self.items + "?loai=ch%E1%BA%B5n")
        #expect(Self.names(even) == ["Điểm 2", "Điểm 4"])
        let (_, numbered) = try demo.json(Self.items + "?so=5")
        #expect(Self.names(numbered) == ["Điểm 5"])
        let (_, inside) = try demo.json(Self.items + "?datetime=2025-01-01/2025-12-31")
        #expect(inside["numberMatched"] as? Int == 5)
        let (_, open) = try demo.json(Self.items + "?datetime=../2025-06-30T12:00:00Z")
        #expect(open["numberMatched"] as? Int == 5)
        let (_, outside) = try demo.json(Self.items + "?datetime=2024-01-01/2024-12-31")
        #expect(outside["numberMatched"] as? Int == 0 && Self.features(outside).isEmpty)
        let (_, capped) = try demo.json(Self.items + "?limit=999999")
        #expect(Self.features(capped).count == 5, "a limit above the most allowed asks for the most")
    }

    @Test func anItemKeepsItsIdAcrossAnEditedVersion() throws {
        let demo = try #require(fixture)
        let (_, page) = try demo.json(Self.items + "?so=4")
        let id = try #require(Self.features(page).first?["id"] as? Int)
        let (one, item) = try demo.json(Self.items + "/\(id)")
        #expect(one.status == 200 && (item["properties"] as? [String: Any])?["ten"] as? String == "Điểm 4")
        #expect(((item["geometry"] as? [String: Any])?["coordinates"] as? [Double]) == [106.4, 21.4])
        // An edit is a new version whose rows are new; the feature's identity stays.
        let published = try #require(try LayerRepository(demo.database).mapState(layerID: demo.layerID)?.publishedVersionID)
        let row = try #require(try FeatureRepository(demo.database).featureID(fid: Int64(id), versionID: published))
        let edited = try Self.editAndPublish(demo, featureID: row, "ghi_chu", "đã sửa")
        #expect(edited.featureID != row)
        let (_, after) = try demo.json(Self.items + "/\(id)")
        let properties = after["properties"] as? [String: Any]
        #expect(properties?["ghi_chu"] as? String == "đã sửa" && properties?["ten"] as? String == "Điểm 4")
        let (missing, error) = try demo.json(Self.items + "/999999")
        #expect(missing.status == 404 && error["code"] as? String == "NotFound")
    }

    @Test func aKeptPageAnswersAgainAndANewVersionIsANewPage() throws {
        let demo = try #require(fixture)
        let target = Self.items + "?limit=5&offset=0"
        let before = demo.portal.featurePages.totalBytes
        let (_, first) = try demo.json(target)
        let kept = demo.portal.featurePages.totalBytes
        #expect(kept > before, "the page is kept")
        let (_, again) = try demo.json(target)
        #expect(demo.portal.featurePages.totalBytes == kept, "answered from the kept page")
        #expect(NSArray(array: Self.features(first)).isEqual(to: Self.features(again)))
        #expect(again["numberMatched"] as? Int == 5 && again["numberReturned"] as? Int == 5)
        let (_, mercator) = try demo.json(target + "&crs=" + Self.epsg + "3857")
        let x = ((Self.features(mercator).first?["geometry"] as? [String: Any])?["coordinates"] as? [Double])?.first ?? 0
        #expect(x > 11_000_000, "another system is another page: \(x)")
        // A new published version: the same query reads the new features.
        let published = try #require(try LayerRepository(demo.database).mapState(layerID: demo.layerID)?.publishedVersionID)
        let firstID = try #require(Self.features(first).first?["id"] as? Int)
        let row = try #require(try FeatureRepository(demo.database).featureID(fid: Int64(firstID), versionID: published))
        let edited = try Self.editAndPublish(demo, featureID: row, "ten", "Điểm đổi tên")
        let (_, after) = try demo.json(target)
        #expect(Self.names(after).contains("Điểm đổi tên"), "\(Self.names(after))")
        try Self.editAndPublish(demo, featureID: try #require(edited.featureID), "ten", "Điểm 1")
        #expect(Self.names(try demo.json(target).1) == (1...5).map { "Điểm \($0)" })
    }

    /// Edits one attribute of the feature row `featureID` and publishes the new version.
    @discardableResult
    static func editAndPublish(_ demo: FeaturesFixture, featureID: Int64, _ field: String, _ value: String) throws -> EditedVersion {
        let edited = try VersionEdits(demo.database).editFeature(
            layerID: demo.layerID, featureID: featureID, changes: [AttributeChange(field: field, value: .text(value))], userID: nil,
            EditDescription(sourceName: "sửa", note: "", audit: { _ in
                AuditEntry(userID: nil, username: nil, agencyID: nil, action: "feature.edit", target: "ogc-diem", detail: "") }))
        try LayerRepository(demo.database).publish(versionID: edited.versionID, decidedBy: nil)
        return edited
    }

    static let epsg = "http://www.opengis.net/def/crs/EPSG/0/"

    @Test func geometriesGoOutInTheSystemAskedForInItsAxisOrder() throws {
        let demo = try #require(fixture)
        func third(_ query: String) throws -> (Response, [Double]) {
            let (response, page) = try demo.json(Self.items + "?so=3&" + query)
            let geometry = Self.features(page).first?["geometry"] as? [String: Any]
            return (response, geometry?["coordinates"] as? [Double] ?? [])
        }
        let (plain, lonLat) = try third("limit=1")
        #expect(lonLat == [106.3, 21.3] && plain.headers["Content-Crs"] == "<\(FeaturesDocuments.crs84)>")
        let (geographic, latLon) = try third("crs=\(Self.epsg)4326")
        #expect(latLon == [21.3, 106.3], "EPSG:4326 is latitude first")
        #expect(geographic.headers["Content-Crs"] == "<\(Self.epsg)4326>")
        // VN-2000 / TM-3 105°45′: what PROJ's cs2cs gives for the point, to the millimetre.
        let (_, zone) = try third("crs=\(Self.epsg)9210")
        #expect(zone.count == 2 && abs(zone[0] - 556_867.665) < 0.002 && abs(zone[1] - 2_356_265.336) < 0.002, "\(zone)")
        let (_, mercator) = try third("crs=\(Self.epsg)3857")
        let expected = WebMercator.project(lon: 106.3, lat: 21.3)
        #expect(mercator.count == 2 && abs(mercator[0] - expected.x) < 0.002 && abs(mercator[1] - expected.y) < 0.002)
        let (_, page) = try demo.json(Self.items + "?so=3")
        let id = try #require(Self.features(page).first?["id"] as? Int)
        let (one, item) = try demo.json(Self.items + "/\(id)?crs=\(Self.epsg)4326")
        #expect(((item["geometry"] as? [String: Any])?["coordinates"] as? [Double]) == [21.3, 106.3])
        #expect(one.headers["Content-Crs"] == "<\(Self.epsg)4326>")
    }

    @Test func aBoxMayBeGivenInAnotherSystem() throws {
        let demo = try #require(fixture)
        let (_, geographic) = try demo.json(Self.items + "?bbox=21.15,106.15,21.35,106.35&bbox-crs=\(Self.epsg)4326")
        #expect(Self.names(geographic) == ["Điểm 2", "Điểm 3"])
        let low = WebMercator.project(lon: 106.15, lat: 21.15), high = WebMercator.project(lon: 106.35, lat: 21.35)
        let (_, mercator) = try demo.json(Self.items + "?bbox=\(low.x),\(low.y),\(high.x),\(high.y)&bbox-crs=\(Self.epsg)3857")
        #expect(Self.names(mercator) == ["Điểm 2", "Điểm 3"])
        let (_, zone) = try demo.json(Self.items + "?bbox=556000,2355000,557500,2357000&bbox-crs=\(Self.epsg)9210")
        #expect(Self.names(zone) == ["Điểm 3"])
        let (_, collection) = try demo.json("/ogc/collections/ogc-diem")
        #expect((collection["crs"] as? [String])?.contains("\(Self.epsg)9210") == true)
    }

    @Test func htmlIsOfferedBesideJSON() throws {
        let demo = try #require(fixture)
        for target in ["/ogc?f=html", "/ogc/collections?f=html", "/ogc/collections/ogc-diem?f=html", Self.items + "?f=html"] {
            let response = try demo.respond(target)
            #expect(response.status == 200 && response.headers["Content-Type"] == "text/html; charset=utf-8", "\(target)")
        }
        let page = try demo.respond(Self.items, headers: [("Accept", "text/html,application/xhtml+xml")])
        #expect(page.text.contains("Điểm &lt;OGC&gt;") && !page.text.contains("Điểm <OGC>"))
        #expect(page.text.contains("Điểm 1"))
    }

    static let badQueries: [(String, Int)] = [
        ("?limit=0", 400), ("?limit=x", 400), ("?offset=-1", 400), ("?bbox=1,2,3", 400), ("?bbox=10,50,20,40", 400),
        ("?bbox=170,0,-170,10", 400), ("?datetime=yesterday", 400), ("?datetime=2025-02-30", 400), ("?datetime=2025-12-01/2025-01-01", 400),
        ("?nope=1", 400), ("?limit=1&limit=2", 400), ("?f=xml", 400), ("?crs=http://www.opengis.net/def/crs/EPSG/0/32648", 400),
        ("?bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326", 400),
    ]

    @Test(arguments: OGCFeaturesTests.badQueries)
    func badParametersAnswerAJSONException(_ query: String, _ status: Int) throws {
        let demo = try #require(fixture)
        let (response, error) = try demo.json(Self.items + query)
        #expect(response.status == status, "\(query)")
        #expect(error["code"] as? String == "InvalidParameterValue", "\(query)")
        #expect((error["description"] as? String)?.isEmpty == false)
    }

    @Test func aMissingCollectionAndAHiddenOneAnswerAlike() throws {
        let demo = try #require(fixture)
        let (missing, _) = try demo.json("/ogc/collections/khong-ton-tai/items")
        let hidden = try demo.respond("/ogc/collections/diem-quan-trac-moi-truong/items")
        #expect(missing.status == 404 && hidden.status == 404)
        #expect(hidden.text.replacingOccurrences(of: "diem-quan-trac-moi-truong", with: "X")
                == missing.text.replacingOccurrences(of: "khong-ton-tai", with: "X"))
    }
}
