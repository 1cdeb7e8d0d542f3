import Foundation
import Testing

/// The map page in a real browser: `bando serve` on the demo province, Debian's headless
/// chromium driven through chromedriver. Screenshots are written to the test's temporary
/// folder and their paths printed.
@Suite(.serialized) struct MapBrowserTests {
    static let tilesLoaded = "return document.querySelectorAll('img.leaflet-tile-loaded').length;"

    static func layerTilesLoaded(_ slug: String) -> String {
        "return document.querySelectorAll('img.leaflet-tile-loaded[src*=\"/tiles/\(slug)/\"]').length;"
    }

    @Test func theMapDrawsTogglesLayersIdentifiesAndKeepsTheViewInTheAddress() throws {
        guard ChromeDriver.installed else {
            Issue.record("chromium and chromium-driver are needed: apt-get install chromium chromium-driver")
            return
        }
        let folder = NSTemporaryDirectory() + "bando-browser-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let server = try ServerProcess(); defer { server.stop() }
        let driver = try ChromeDriver(folder: folder); defer { driver.stop() }
        let origin = "http://127.0.0.1:\(server.port)"

        // Desktop: the basemap loads, a layer switched on brings its tiles and enters the address.
        let desktop = try driver.session(width: 1280, height: 800)
        try desktop.navigate(origin + "/map")
        let basemapTiles = try desktop.wait(for: "basemap tiles", Self.tilesLoaded)
        #expect(basemapTiles > 0)
        let initial = try desktop.currentURL()
        #expect(initial.contains("#map="), "the view is in the address: \(initial)")
        #expect(try desktop.wait(for: "a checkbox per layer",
                                 "return document.querySelectorAll('input[name=layer]').length;") >= 4)
        try desktop.click(try desktop.element("input[value='mang-luoi-giao-thong']"))
        #expect(try desktop.wait(for: "road tiles", Self.layerTilesLoaded("mang-luoi-giao-thong")) > 0)
        let withRoads = try desktop.currentURL()
        #expect(withRoads != initial && withRoads.contains("layers=mang-luoi-giao-thong"), "\(withRoads)")
        let legends = try desktop.execute("""
            return Array.from(document.querySelectorAll('img.legend')).filter(function (i) {
              return i.complete && i.naturalWidth > 0; }).length;
            """) as? Int ?? 0
        #expect(legends >= 4, "legend images load")

        // A click identifies in the layers switched on and opens a popup (features or "nothing here").
        try desktop.click(try desktop.element("#map"))
        try desktop.wait(for: "the identify popup", "return document.querySelectorAll('.leaflet-popup-content .identify, .leaflet-popup-content p').length;")
        let desktopShot = folder + "/map-desktop.png"
        try desktop.screenshot().write(to: URL(fileURLWithPath: desktopShot))
        print("map screenshot (1280×800): \(desktopShot)")

        // Phone: the link reopens the same view and layers; the layer list hides behind a toggle.
        let phone = try driver.session(width: 390, height: 844, phonePixelRatio: 2)
        try phone.navigate(withRoads)
        try phone.wait(for: "tiles on the phone", Self.layerTilesLoaded("mang-luoi-giao-thong"))
        #expect(try phone.execute("return window.innerWidth;") as? Int == 390)
        #expect(try phone.execute("return document.querySelectorAll('img.leaflet-tile-loaded[src*=\"@2x.png\"]').length;") as? Int ?? 0 > 0,
                "a high-density screen gets 512 px tiles")
        #expect(try phone.execute("return document.querySelector(\"input[value='mang-luoi-giao-thong']\").checked;") as? Bool == true)
        let hidden = "return getComputedStyle(document.getElementById('layer-panel')).display;"
        #expect(try phone.execute(hidden) as? String == "none", "the list is collapsed on a phone")
        try phone.click(try phone.element("#layers-toggle"))
        #expect(try phone.execute(hidden) as? String == "block", "the toggle opens it")
        let phoneShot = folder + "/map-phone.png"
        try phone.screenshot().write(to: URL(fileURLWithPath: phoneShot))
        print("map screenshot (390×844): \(phoneShot)")

        driver.stop()
        #expect(ChromeDriver.descendants(of: driver.process.processIdentifier).isEmpty)
    }
}
