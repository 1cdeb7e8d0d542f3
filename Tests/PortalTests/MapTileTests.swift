import Cartography
import Foundation
import Geometry
import HTTP
import PNGTestSupport
import Testing
@testable import Portal
import Store

/// Tiles, the basemap and legends through the router, as a browser asks for them. Serialized:
/// several tests read the portal's count of rendered tiles.
@Suite(.serialized) struct MapTileTests {
    let fixture = MapFixture.shared
    static let publicLayers = ["co-so-y-te", "truong-hoc", "mang-luoi-giao-thong", "song-suoi"]

    /// A 200 PNG tile, decoded, with its bytes checked by pngcheck.
    func png(_ demo: MapFixture, _ target: String, headers: [(String, String)] = []) throws -> (Response, DecodedPNG) {
        let response = try demo.respond(target, headers: headers)
        #expect(response.status == 200, "\(target)")
        #expect(response.headers["Content-Type"] == "image/png", "\(target)")
        let bytes = response.bytes
        #expect(Array(bytes.prefix(8)) == DecodedPNG.signature, "\(target) starts with the PNG signature")
        #expect(PNGCheck.problems(bytes, name: "tile") == nil, "\(target) passes pngcheck")
        return (response, try DecodedPNG(bytes))
    }

    @Test func everyPublicLayerAndTheBasemapDrawOverTheProvince() throws {
        let demo = try #require(fixture)
        for slug in Self.publicLayers + ["base"] {
            let (_, image) = try png(demo, "/tiles/\(slug)/10/814/449.png")
            #expect(image.width == 256 && image.height == 256)
            #expect(image.inkedPixels > 100, "\(slug) draws something over the province at z10")
        }
        for slug in ["mang-luoi-giao-thong", "base"] {
            let (_, image) = try png(demo, "/tiles/\(slug)/12/3258/1799.png")
            #expect(image.inkedPixels > 500, "\(slug) draws at z12")
        }
        // The basemap fills the province: every pixel of a tile inside it is opaque.
        let (_, inside) = try png(demo, "/tiles/base/12/3258/1799.png")
        #expect(inside.inkedPixels == 256 * 256)
        // Far from the province the layers are transparent (and still valid PNGs).
        let (_, away) = try png(demo, "/tiles/co-so-y-te/12/100/100.png")
        #expect(away.inkedPixels == 0)
    }

    @Test func hiddenMissingAndMalformedTilesAnswerTheSameBytes() throws {
        let demo = try #require(fixture)
        let missing = try demo.respond("/tiles/khong-co-lop-nay/10/814/449.png")
        #expect(missing.status == 404)
        let others = [
            "/tiles/diem-quan-trac-moi-truong/10/814/449.png",       // private
            "/tiles/quy-hoach-su-dung-dat/10/814/449.png",           // shared, not with the public
            "/tiles/cap-phep-xay-dung/10/814/449@2x.png",            // private, @2x
            "/tiles/co-so-y-te/30/1/1.png", "/tiles/co-so-y-te/2/4/0.png", "/tiles/co-so-y-te/2/1/x.png",
            "/tiles/co-so-y-te/2/1/1.jpg", "/tiles/co-so-y-te/2/-1/1.png", "/tiles/co-so-y-te/2/1/1@3x.png",
            "/tiles/base/40/1/1.png", "/legend/diem-quan-trac-moi-truong.png", "/legend/khong-co-lop-nay.png",
        ]
        for target in others {
            let response = try demo.respond(target)
            #expect(response.status == missing.status, "\(target)")
            #expect(response.bytes == missing.bytes, "\(target)")
            #expect(Array(response.headers).map { "\($0.name): \($0.value)" }
                    == Array(missing.headers).map { "\($0.name): \($0.value)" }, "\(target)")
        }
        let hiddenIdentify = try demo.respond("/layers/diem-quan-trac-moi-truong/identify?lon=106.4&lat=21.3&z=12")
        let missingIdentify = try demo.respond("/layers/khong-co-lop-nay/identify?lon=106.4&lat=21.3&z=12")
        #expect(hiddenIdentify.status == 404 && hiddenIdentify.bytes == missingIdentify.bytes)
        let hiddenBadNumbers = try demo.respond("/layers/diem-quan-trac-moi-truong/identify?lon=x")
        #expect(hiddenBadNumbers.status == 404, "access is decided before the numbers are read")
    }

    @Test func theSecondRequestComesFromTheCacheAndAMatchingETagGets304() throws {
        let demo = try #require(fixture)
        let target = "/tiles/song-suoi/11/1629/899.png"
        let renders = demo.portal.map.renderCount
        let first = try demo.respond(target)
        #expect(first.status == 200 && !first.isFile)
        #expect(demo.portal.map.renderCount == renders + 1)
        let second = try demo.respond(target)
        #expect(second.status == 200, "served from the cache")
        #expect(demo.portal.map.renderCount == renders + 1, "not rendered again")
        #expect(second.bytes == first.bytes)
        let etag = try #require(first.headers["ETag"])
        #expect(etag.hasPrefix("\"L") && etag.hasSuffix("-11-1629-899@1x\""))
        #expect(second.headers["ETag"] == etag)
        #expect(first.headers["Cache-Control"] == "public, max-age=300")

        for header in [etag, "W/\(etag)", "\"other\", \(etag)", "*"] {
            let revalidated = try demo.respond(target, headers: [("If-None-Match", header)])
            #expect(revalidated.status == 304, "If-None-Match: \(header)")
            #expect(revalidated.bytes.isEmpty)
            #expect(revalidated.headers["ETag"] == etag)
        }
        let stale = try demo.respond(target, headers: [("If-None-Match", "\"L1-v0-0000000000000000-11-1629-899@1x\"")])
        #expect(stale.status == 200)
        #expect(demo.portal.map.renderCount == renders + 1)

        let base = try demo.respond("/tiles/base/11/1629/899.png")
        #expect(base.headers["Cache-Control"] == "public, max-age=300")
        #expect(base.headers["ETag"]?.hasPrefix("\"base-r") == true)
        let cacheFile = demo.folder + "/data/tiles/" + String(etag.dropFirst().dropLast())
            .replacingOccurrences(of: "-11-1629-899@1x", with: "/11/1629/899@1x.png")
        #expect(FileManager.default.fileExists(atPath: cacheFile), "the cache lives under <data dir>/tiles/")
    }

    @Test func retinaTilesAre512() throws {
        let demo = try #require(fixture)
        let (_, road) = try png(demo, "/tiles/mang-luoi-giao-thong/12/3258/1799@2x.png")
        #expect(road.width == 512 && road.height == 512)
        let (_, base) = try png(demo, "/tiles/base/12/3258/1799@2x.png")
        #expect(base.width == 512 && base.height == 512)
        let (response, _) = try png(demo, "/tiles/mang-luoi-giao-thong/12/3258/1799.png")
        let (retina, _) = try png(demo, "/tiles/mang-luoi-giao-thong/12/3258/1799@2x.png")
        #expect(response.headers["ETag"] != retina.headers["ETag"])
    }

    @Test func aNewPublishedVersionChangesTheTileWithoutAPurge() throws {
        let demo = try #require(fixture)
        let tile = provinceTile
        let target = "/tiles/thu-nghiem-phien-ban/\(tile.z)/\(tile.x)/\(tile.y).png"
        try demo.publishLayer("thu-nghiem-phien-ban", kind: .line,
                              features: [(lineAcross(tile, -0.2, 0.5, 1.2, 0.5), "{}")])
        let (before, horizontal) = try png(demo, target)
        #expect(horizontal.alpha(20, 128) > 0 && horizontal.alpha(128, 20) == 0)
        let renders = demo.portal.map.renderCount
        _ = try png(demo, target)
        #expect(demo.portal.map.renderCount == renders, "cached")

        try demo.publishVersion("thu-nghiem-phien-ban", features: [(lineAcross(tile, 0.5, -0.2, 0.5, 1.2), "{}")])
        let (after, vertical) = try png(demo, target)
        #expect(demo.portal.map.renderCount == renders + 1, "a new version is a new key: rendered, not the old tile")
        #expect(before.headers["ETag"] != after.headers["ETag"])
        #expect(vertical.alpha(128, 20) > 0 && vertical.alpha(20, 128) == 0, "the new line, not the old one")
        #expect(demo.portal.map.published.indexBuildCount >= 2)
    }

    @Test func aNewStyleChangesTheTile() throws {
        let demo = try #require(fixture)
        let tile = provinceTile
        let target = "/tiles/thu-nghiem-kieu/\(tile.z)/\(tile.x)/\(tile.y).png"
        try demo.publishLayer("thu-nghiem-kieu", kind: .line, features: [(lineAcross(tile, -0.2, 0.5, 1.2, 0.5), "{}")])
        let (before, thin) = try png(demo, target)
        let blue = thin.pixel(128, 128)
        #expect(blue.a > 0 && blue.b > blue.r, "the default line colour is blue")

        try LayerRepository(demo.database).updateStyle(slug: "thu-nghiem-kieu", styleJSON: """
            {"version":1,"rules":[{"label":"Đỏ","symbolizer":{"type":"line","color":"#dd0000","width":8}}]}
            """)
        let (after, thick) = try png(demo, target)
        #expect(before.headers["ETag"] != after.headers["ETag"])
        let red = thick.pixel(128, 128)
        #expect(red.a == 255 && red.r > 200 && red.g < 30 && red.b < 30)
        #expect(thick.inkedPixels > thin.inkedPixels * 3, "eight pixels wide instead of 1.5")
        let legend = try demo.respond("/legend/thu-nghiem-kieu.png")
        #expect(legend.status == 200)
        let swatch = try DecodedPNG(legend.bytes)
        #expect((0..<swatch.height).contains { swatch.pixel(swatch.width / 2, $0).r > 200 }, "the legend follows the style")

        // A stored style that is not valid falls back to the default, never to an error.
        try LayerRepository(demo.database).updateStyle(slug: "thu-nghiem-kieu", styleJSON: "{not json")
        let (_, fallback) = try png(demo, target)
        #expect(fallback.rgba == thin.rgba)
    }

    @Test func adjacentTilesJoinWithoutASeam() throws {
        let demo = try #require(fixture)
        let layer = try #require(try LayerRepository(demo.database).findForAccess(slug: "mang-luoi-giao-thong", agencyID: nil)).layer
        let state = try #require(try LayerRepository(demo.database).mapState(layerID: layer.id))
        let drawing = try #require(demo.portal.map.published.drawing(layer, state: state))
        let index = try FeatureRepository(demo.database).loadIndex(versionID: drawing.versionID, attributes: drawing.style.attributeNames)
        let whole = try TileLayer(source: IndexedFeatureSource(index: index), style: drawing.style)
        var inked = 0
        for (x, y) in [(3258, 1799), (3257, 1799), (3259, 1800), (3256, 1798)] {
            let left = try #require(TileID(z: 12, x: x, y: y)), right = try #require(TileID(z: 12, x: x + 1, y: y))
            let (_, leftPNG) = try png(demo, "/tiles/mang-luoi-giao-thong/12/\(x)/\(y).png")
            let (_, rightPNG) = try png(demo, "/tiles/mang-luoi-giao-thong/12/\(x + 1)/\(y).png")
            // The same two tiles drawn as one 512-pixel image: what the seam must look like.
            let canvas = try TileRenderer().render(area: left.mercatorBounds.union(right.mercatorBounds), width: 512, height: 256,
                                                   zoom: 12, layers: [whole])
            var worst = 0
            for row in 0..<256 {
                for column in 248..<264 {
                    let expected = Int((canvas.premultipliedPixel(x: column, y: row) ?? 0) >> 24)
                    let actual = column < 256 ? leftPNG.alpha(column, row) : rightPNG.alpha(column - 256, row)
                    worst = max(worst, abs(expected - Int(actual)))
                    if expected > 128 { inked += 1 }
                }
            }
            // Tiles go out with 64 coverage levels and a palette within 8 per channel.
            #expect(worst <= 12, "tiles \(x)/\(y) and \(x + 1)/\(y) differ from one drawing by \(worst) near the seam")
        }
        #expect(inked > 0, "some roads cross the seams tested")
    }

    @Test func theIndexAndSQLSourcesDrawTheSame() throws {
        let demo = try #require(fixture)
        let layer = try #require(try LayerRepository(demo.database).findForAccess(slug: "mang-luoi-giao-thong", agencyID: nil)).layer
        let state = try #require(try LayerRepository(demo.database).mapState(layerID: layer.id))
        let drawing = try #require(demo.portal.map.published.drawing(layer, state: state))
        let features = FeatureRepository(demo.database)
        let indexed = try TileLayer(source: IndexedFeatureSource(index: try features.loadIndex(versionID: drawing.versionID,
                                                                                               attributes: drawing.style.attributeNames)),
                                    style: drawing.style)
        let sql = try TileLayer(source: StoreFeatureSource(features: features, versionID: drawing.versionID),
                                style: drawing.style)
        for tile in [provinceTile, TileID(z: 10, x: 814, y: 449)!] {
            let a = try DecodedPNG(try demo.portal.map.render(tile, layers: [indexed], scale: 1))
            let b = try DecodedPNG(try demo.portal.map.render(tile, layers: [sql], scale: 1))
            #expect(a.inkedPixels > 0)
            #expect(abs(a.inkedPixels - b.inkedPixels) * 20 <= a.inkedPixels, "z\(tile.z): within 5%")
        }
    }

    /// A version's tile layer drawn from its overview (low zooms) and from SQL (the rest).
    func overviewLayer(_ demo: MapFixture, _ slug: String) throws -> (thinned: TileLayer, sql: TileLayer, overview: VersionOverview) {
        let layer = try #require(try LayerRepository(demo.database).findForAccess(slug: slug, agencyID: nil)).layer
        let state = try #require(try LayerRepository(demo.database).mapState(layerID: layer.id))
        let drawing = try #require(demo.portal.map.published.drawing(layer, state: state))
        let features = FeatureRepository(demo.database)
        let overview = try features.loadOverview(versionID: drawing.versionID, attributes: drawing.style.attributeNames)
        let slot = OverviewSlot()
        slot.fill(overview)
        let store = StoreFeatureSource(features: features, versionID: drawing.versionID)
        return (try TileLayer(source: LargeVersionSource(overview: slot, store: store), style: drawing.style),
                try TileLayer(source: store, style: drawing.style), overview)
    }

    @Test func overviewsDrawLowZoomsLikeTheWholeVersion() throws {
        let demo = try #require(fixture)
        for slug in ["co-so-y-te", "truong-hoc", "mang-luoi-giao-thong", "song-suoi", "quy-hoach-su-dung-dat"] {
            let (thinned, sql, overview) = try overviewLayer(demo, slug)
            #expect(overview.maxZoom == 11, "\(slug): the demo's layers are small enough for every level")
            for tile in [TileID(z: 8, x: 203, y: 112)!, TileID(z: 10, x: 814, y: 449)!, TileID(z: 11, x: 1629, y: 899)!] {
                #expect(overview.index(resolution: TileMath.resolution(zoom: tile.z)) != nil)
                let a = try DecodedPNG(try demo.portal.map.render(tile, layers: [thinned], scale: 1))
                let b = try DecodedPNG(try demo.portal.map.render(tile, layers: [sql], scale: 1))
                #expect(b.inkedPixels > 0, "\(slug) z\(tile.z)")
                #expect(abs(a.inkedPixels - b.inkedPixels) * 10 <= b.inkedPixels,
                        "\(slug) z\(tile.z): \(a.inkedPixels) inked pixels from the overview, \(b.inkedPixels) from SQL")
            }
            // Above the overview, both read SQL: the same bytes.
            let z13 = TileID(z: 13, x: 6516, y: 3598)!
            #expect(try demo.portal.map.render(z13, layers: [thinned], scale: 1) == demo.portal.map.render(z13, layers: [sql], scale: 1))
        }
    }

    @Test func aLargeVersionGetsItsOverviewInTheBackground() throws {
        let demo = try #require(fixture)
        let layer = try #require(try LayerRepository(demo.database).findForAccess(slug: "co-so-y-te", agencyID: nil)).layer
        let state = try #require(try LayerRepository(demo.database).mapState(layerID: layer.id))
        // Every version counts as large here.
        let published = PublishedLayers(features: FeatureRepository(demo.database), indexFeatureLimit: 1)
        let drawing = try #require(published.drawing(layer, state: state))
        published.prepare(drawing)
        let deadline = ContinuousClock.now + .seconds(30)
        while published.overview(layerID: layer.id) == nil && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        let overview = try #require(published.overview(layerID: layer.id))
        #expect(overview.featureCount > 0)
        #expect(published.indexBuildCount == 0 && published.overviewBuildCount == 1)
        // The same style again reuses it; the tile layer draws the province from it.
        let tileLayer = try published.tileLayer(drawing)
        #expect(published.overviewBuildCount == 1)
        let image = try DecodedPNG(try demo.portal.map.render(TileID(z: 9, x: 407, y: 224)!, layers: [tileLayer], scale: 1))
        #expect(image.inkedPixels > 0)
    }

    @Test func legendsArePNGsWithTheLayersAccessRule() throws {
        let demo = try #require(fixture)
        for slug in Self.publicLayers {
            let (response, image) = try png(demo, "/legend/\(slug).png")
            #expect(image.width == 20 && image.inkedPixels > 0)
            let etag = try #require(response.headers["ETag"])
            #expect(try demo.respond("/legend/\(slug).png", headers: [("If-None-Match", etag)]).status == 304)
        }
        let (_, retina) = try png(demo, "/legend/co-so-y-te@2x.png")
        #expect(retina.width == 40)
    }

    @Test func aSignedInOwnerGetsPrivateTilesMarkedPrivate() throws {
        let demo = try #require(DemoFixture.shared)
        var browser = Browser(demo)
        try browser.signIn("stnmt.viewer")
        let tile = try browser.get("/tiles/diem-quan-trac-moi-truong/10/814/449.png")
        #expect(tile.status == 200)
        #expect(tile.headers["Cache-Control"] == "private, max-age=300")
        #expect(try DecodedPNG(tile.bytes).inkedPixels > 0)
        let legend = try browser.get("/legend/diem-quan-trac-moi-truong.png")
        #expect(legend.status == 200 && legend.headers["Cache-Control"] == "private, max-age=300")
        let outsider = try demo.respond("/tiles/diem-quan-trac-moi-truong/10/814/449.png")
        #expect(outsider.status == 404)
    }

    /// The fast path's answer for `target` (through the router's middleware), or nil when it
    /// hands the request to the pool.
    func fast(_ demo: MapFixture, _ target: String, headers: [(String, String)] = []) throws -> Response? {
        var h = HTTPHeaders()
        for (name, value) in headers { h.add(name, value) }
        return demo.portal.makeRouter().fastHandler(try Request(method: .GET, target: target, headers: h, remoteAddress: "10.4.0.9"))
    }

    @Test func theFastPathAnswersOnlyWhatIsInMemoryAndPublicExactlyAsThePoolDoes() throws {
        let demo = try #require(fixture)
        let target = "/tiles/song-suoi/11/1629/899.png"
        #expect(try fast(demo, "/tiles/song-suoi/11/1629/898.png") == nil, "a tile never drawn is handed on")
        let (pool, _) = try png(demo, target)
        let quick = try #require(try fast(demo, target), "drawn once, the tile and its layer's facts are in memory")
        #expect(quick.status == 200 && quick.bytes == pool.bytes)
        for name in ["ETag", "Cache-Control", "Content-Type"] { #expect(quick.headers[name] == pool.headers[name], "\(name)") }
        let etag = try #require(pool.headers["ETag"])
        #expect(try fast(demo, target, headers: [("If-None-Match", etag)])?.status == 304)
        // A signed-in visitor's session is in the store: handed on, whatever is in memory.
        #expect(try fast(demo, target, headers: [("Cookie", "bando_session=x")]) == nil)
        // A layer the public may not see, or one not there: handed on, and the pool answers 404.
        let hidden = "/tiles/diem-quan-trac-moi-truong/10/814/449.png"
        _ = try demo.respond(hidden)
        #expect(try fast(demo, hidden) == nil && demo.respond(hidden).status == 404)
        _ = try demo.respond("/tiles/khong-ton-tai/10/814/449.png")
        #expect(try fast(demo, "/tiles/khong-ton-tai/10/814/449.png") == nil)
    }

    @Test func aSessionKeptInMemoryTakesTheFastPathUntilItEnds() throws {
        let demo = try #require(fixture)
        var official = Browser(demo)
        #expect(try official.signIn("stnmt.viewer").status == 303)
        let cookie = ("Cookie", "bando_session=\(try #require(official.cookies["bando_session"]))")
        let target = "/tiles/diem-quan-trac-moi-truong/10/814/449.png"
        #expect(try official.get(target).status == 200, "the agency's private layer, through the pool")
        let quick = try #require(try fast(demo, target, headers: [cookie]), "session, facts and tile are in memory now")
        #expect(quick.status == 200 && quick.headers["Cache-Control"] == "private, max-age=300")
        #expect(try fast(demo, target) == nil, "the public is handed on, and the pool refuses it")
        // Signing out ends the kept session at once: handed on, and refused.
        let profile = try official.get("/profile")
        #expect(try official.post("/logout", [("csrf", Browser.csrf(in: profile) ?? "")]).status == 303)
        #expect(try fast(demo, target, headers: [cookie]) == nil)
        #expect(try demo.respond(target, headers: [cookie]).status == 404)
    }
}
