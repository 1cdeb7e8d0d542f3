import Foundation
import Geometry
import HTTP
import Testing
@testable import Portal
import Store

/// The map page, identify, and the tile cache's own rules.
@Suite struct MapPageTests {
    let fixture = MapFixture.shared

    @Test func theMapPageListsVisibleLayersAndHandsThemToTheScript() throws {
        let demo = try #require(fixture)
        let page = try demo.respond("/map")
        #expect(page.status == 200)
        let html = page.text
        #expect(html.contains("/vendor/leaflet/leaflet.js") && html.contains("/vendor/leaflet/leaflet.css"))
        #expect(html.contains("/static/map.js") && html.contains("/static/map.css"))
        #expect(!html.contains("unpkg") && !html.contains("cdn"), "nothing from outside the portal")
        for slug in MapTileTests.publicLayers {
            #expect(html.contains("<input type=\"checkbox\" name=\"layer\" value=\"\(slug)\">"))
            #expect(html.contains("src=\"/legend/\(slug).png\""))
        }
        for slug in ["diem-quan-trac-moi-truong", "cap-phep-xay-dung", "quy-hoach-su-dung-dat"] {
            #expect(!html.contains(slug), "\(slug) is not the public's")
        }
        #expect(html.contains("<h2>Y tế</h2>") && html.contains("<h2>Giao thông</h2>"), "grouped by sector")
        #expect(html.contains("class=\"layers-toggle\""), "a toggle for small screens")
        #expect(html.contains("<a href=\"/map\">Bản đồ</a>"), "the map in the navigation")

        let island = try #require(Self.island("layers", in: html))
        let layers = try #require(try JSONSerialization.jsonObject(with: Data(island.utf8)) as? [[String: Any]])
        #expect(Set(layers.compactMap { $0["slug"] as? String }).isSuperset(of: MapTileTests.publicLayers))
        let health = try #require(layers.first { $0["slug"] as? String == "co-so-y-te" })
        let bounds = try #require(health["bounds"] as? [Double])
        #expect(bounds.count == 4 && bounds[0] > 105 && bounds[2] < 108 && bounds[1] > 20 && bounds[3] < 22)
        let config = try #require(Self.island("map-config", in: html))
        let settings = try #require(try JSONSerialization.jsonObject(with: Data(config.utf8)) as? [String: Any])
        #expect((settings["bounds"] as? [Double])?.count == 4)
        #expect((settings["strings"] as? [String: String])?["map_identify_nothing"]?.isEmpty == false)

        let english = try demo.respond("/map", headers: [("Cookie", "lang=en")])
        #expect(english.text.contains("Map layers"))
    }

    @Test func dataIslandsCannotCloseTheirScript() throws {
        let hostile = Portal.scriptJSON([["title": "</script><script>alert(1)</script> & \u{2028}"]])
        #expect(!hostile.contains("<") && !hostile.contains(">") && !hostile.contains("&"))
        let back = try #require(try JSONSerialization.jsonObject(with: Data(hostile.utf8)) as? [[String: String]])
        #expect(back[0]["title"] == "</script><script>alert(1)</script> & \u{2028}")
    }

    @Test func theLayerPageLinksToTheMap() throws {
        let demo = try #require(fixture)
        let page = try demo.respond("/layers/co-so-y-te")
        #expect(page.text.contains("<a href=\"/map#layers=co-so-y-te\">Xem trên bản đồ</a>"))
        #expect(!(try demo.respond("/").text.contains("#layers=")), "only on a layer's page")
    }

    @Test func identifyFindsTheFeatureUnderTheClick() throws {
        let demo = try #require(fixture)
        let layers = LayerRepository(demo.database)
        let layer = try #require(try layers.findForAccess(slug: "co-so-y-te", agencyID: nil)).layer
        let version = try #require(try layers.mapState(layerID: layer.id)?.publishedVersionID)
        let province = BoundingBox(minX: 105, minY: 20, maxX: 108, maxY: 22)
        let stored = try #require(try FeatureRepository(demo.database)
            .features(versionID: version, intersecting: province, withProperties: true, limit: 1).first)
        guard case .point(let point) = stored.geometry else {
            Issue.record("a health facility is a point")
            return
        }
        // A few pixels off at zoom 15 still finds it; far off does not.
        let offset = 3 * 2 * WebMercator.halfWorld / (256 * 32_768)
        let near = WebMercator.unproject(Point(x: WebMercator.project(point).x + offset, y: WebMercator.project(point).y))
        let response = try demo.respond("/layers/co-so-y-te/identify?lon=\(near.x)&lat=\(near.y)&z=15")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"]?.hasPrefix("application/json") == true)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.bytes)) as? [String: Any])
        let features = try #require(json["features"] as? [[String: Any]])
        let first = try #require(features.first)
        #expect((first["id"] as? NSNumber)?.int64Value == stored.id)
        let expected = try #require(try JSONSerialization.jsonObject(with: Data((stored.propertiesJSON ?? "").utf8)) as? [String: Any])
        #expect((first["properties"] as? [String: Any])?["ten"] as? String == expected["ten"] as? String)

        let far = try demo.respond("/layers/co-so-y-te/identify?lon=\(point.x + 0.01)&lat=\(point.y + 0.01)&z=18")
        let farJSON = try #require(try JSONSerialization.jsonObject(with: Data(far.bytes)) as? [String: Any])
        #expect((farJSON["features"] as? [Any])?.isEmpty == true)
    }

    @Test func identifyTestsPolygonsByContainmentAndLeavesMarkupToTheBrowser() throws {
        let demo = try #require(fixture)
        let ring = "POLYGON((106.40 21.30, 106.42 21.30, 106.42 21.32, 106.40 21.32, 106.40 21.30))"
        try demo.publishLayer("thu-nghiem-tra-cuu", kind: .polygon, features: [
            (ring, #"{"ten":"<b>Khu \"A\"</b> & <script>","so":3}"#),
        ])
        let inside = try demo.respond("/layers/thu-nghiem-tra-cuu/identify?lon=106.41&lat=21.31&z=12")
        #expect(inside.status == 200)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(inside.bytes)) as? [String: Any])
        let features = try #require(json["features"] as? [[String: Any]])
        #expect(features.count == 1)
        let properties = try #require(features.first?["properties"] as? [String: Any])
        #expect(properties["ten"] as? String == "<b>Khu \"A\"</b> & <script>", "JSON as stored; the page escapes")
        #expect(properties["so"] as? Int == 3)
        let outside = try demo.respond("/layers/thu-nghiem-tra-cuu/identify?lon=106.43&lat=21.31&z=12")
        #expect(outside.text.contains("\"features\":[]"))
    }

    @Test func identifyRefusesBadNumbers() throws {
        let demo = try #require(fixture)
        for query in ["", "?lon=106.4&lat=21.3", "?lon=abc&lat=21.3&z=12", "?lon=106.4&lat=91&z=12", "?lon=200&lat=21&z=12",
                      "?lon=106.4&lat=21.3&z=99", "?lon=nan&lat=21.3&z=12", "?lon=106.4&lat=inf&z=12", "?lon=1e999&lat=21&z=3"] {
            let response = try demo.respond("/layers/co-so-y-te/identify\(query)")
            #expect(response.status == 400, "\(query)")
            #expect((try? JSONSerialization.jsonObject(with: Data(response.bytes))) != nil)
        }
    }

    @Test func theTileCacheEvictsTheLeastRecentlyUsed() throws {
        let root = NSTemporaryDirectory() + "bando-tilecache-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = TileCache(root: root, maxBytes: 10_000, scanExisting: false)
        func key(_ i: Int) -> TileKey { TileKey(subject: "L1-v1-abc", z: 5, x: i, y: 3, scale: 1) }
        let tile = [UInt8](repeating: 7, count: 1_000)
        for i in 0..<8 { cache.store(tile, for: key(i)) }
        #expect(cache.lookup(key(0)) != nil, "tile 0 used again: now the most recent")
        for i in 8..<12 { cache.store(tile, for: key(i)) }
        #expect(cache.totalBytes <= 10_000)
        #expect(cache.evictionCount > 0)
        #expect(cache.lookup(key(0)) != nil, "recently used tiles stay")
        #expect(cache.lookup(key(1)) == nil, "the least recently used went")
        #expect(cache.lookup(key(11))?.size == 1_000)
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: root).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "no temporary files left behind")
    }

    /// The text of `<script type="application/json" id="…">`.
    static func island(_ id: String, in html: String) -> String? {
        guard let start = html.range(of: "<script type=\"application/json\" id=\"\(id)\">"),
              let end = html.range(of: "</script>", range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.upperBound..<end.lowerBound])
    }
}
