import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Geometry
import HTTP
import PNGTestSupport
import Testing
@testable import Portal
import Store

/// A demo province with two layers of the WMS tests' own: one point at a known place, and
/// one point whose attribute holds markup.
final class WMSFixture: SeededFixture {
    static let shared: WMSFixture? = try? WMSFixture()
    let seeded: SeededPortal

    /// The test point: a quarter of the way into `box` from its north-west corner.
    static let point = (lon: 106.25, lat: 21.25)
    /// The box every test map shows, lon/lat.
    static let box = (minLon: 106.2, minLat: 21.1, maxLon: 106.4, maxLat: 21.3)

    private init() throws {
        seeded = try SeededPortal(prefix: "bando-wms-", network: "10.14")
        let layers = LayerRepository(database)
        try layers.create(slug: "wms-diem", title: "Điểm <thử> & \"WMS\"", description: "Một điểm", sector: "giao-thong",
                          ownerCode: "sxd", geometryKind: .point, visibility: .public)
        let version = try layers.createVersion(layerSlug: "wms-diem", createdBy: nil, sourceName: "test", sourceSRID: 4326,
                                               encoding: "UTF-8")
        try FeatureRepository(database).insert([
            NewFeature(shape: .wkt("POINT(\(Self.point.lon) \(Self.point.lat))"),
                       propertiesJSON: #"{"ten":"Trạm <b>A</b>","so":7}"#),
        ], versionID: version.id)
        try layers.refreshVersionFigures(versionID: version.id)
        try layers.publish(versionID: version.id, decidedBy: nil)
    }

    /// GetMap of the test box in `crs` (BBOX written as given), decoded.
    func map(_ bbox: String, crs: String, width: Int = 100, height: Int = 100, extra: String = "&TRANSPARENT=TRUE") throws -> DecodedPNG {
        let response = try respond("/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=wms-diem&STYLES=&CRS=\(crs)"
                                   + "&BBOX=\(bbox)&WIDTH=\(width)&HEIGHT=\(height)&FORMAT=image/png\(extra)")
        #expect(response.status == 200, "\(String(decoding: response.bytes, as: UTF8.self))")
        #expect(response.headers["Content-Type"] == "image/png")
        #expect(PNGCheck.problems(response.bytes, name: "getmap") == nil)
        return try DecodedPNG(response.bytes)
    }
}

/// The WMS 1.3.0 door, through the router: capabilities, GetMap's axis orders and systems,
/// GetFeatureInfo, GetLegendGraphic, and the exception report of each kind of bad request.
@Suite struct WMSTests {
    let fixture = WMSFixture.shared
    static let b = WMSFixture.box
    static let lonLat = "\(b.minLon),\(b.minLat),\(b.maxLon),\(b.maxLat)"
    static let latLon = "\(b.minLat),\(b.minLon),\(b.maxLat),\(b.maxLon)"

    /// True when a marker is drawn around pixel (x, y).
    static func inked(_ image: DecodedPNG, _ x: Int, _ y: Int) -> Bool {
        image.alpha(x, y) > 0
    }

    @Test func epsg4326TakesLatitudeFirstAndCRS84LongitudeFirst() throws {
        let demo = try #require(fixture)
        // The point lies a quarter of the way from the north-west corner: pixel (25, 25).
        let geographic = try demo.map(Self.latLon, crs: "EPSG:4326")
        #expect(Self.inked(geographic, 25, 25))
        #expect(!Self.inked(geographic, 75, 75) && !Self.inked(geographic, 25, 75) && !Self.inked(geographic, 75, 25))
        let crs84 = try demo.map(Self.lonLat, crs: "CRS:84")
        #expect(crs84 == geographic, "CRS:84 in lon/lat order draws what EPSG:4326 in lat/lon order draws")
        // The same numbers in the wrong order for EPSG:4326 are a box far outside the world's latitudes.
        let swapped = try demo.map(Self.lonLat, crs: "EPSG:4326")
        #expect(swapped.inkedPixels == 0)
    }

    @Test func webMercatorAndNonSquarePixelsPlaceThePointWhereItIs() throws {
        let demo = try #require(fixture)
        let low = WebMercator.project(lon: Self.b.minLon, lat: Self.b.minLat)
        let high = WebMercator.project(lon: Self.b.maxLon, lat: Self.b.maxLat)
        let point = WebMercator.project(lon: WMSFixture.point.lon, lat: WMSFixture.point.lat)
        let mercator = try demo.map("\(low.x),\(low.y),\(high.x),\(high.y)", crs: "EPSG:3857")
        let px = Int((point.x - low.x) / (high.x - low.x) * 100), py = Int((high.y - point.y) / (high.y - low.y) * 100)
        #expect(Self.inked(mercator, px, py))
        #expect(mercator.inkedPixels < 400, "one marker, nothing else")
        // Twice as wide as high: the point moves to (50, 25) in a 200 × 100 image.
        let wide = try demo.map(Self.latLon, crs: "EPSG:4326", width: 200, height: 100)
        #expect(Self.inked(wide, 50, 25) && !Self.inked(wide, 150, 25))
    }

    /// The test point in VN-2000 / TM-3 105°45′ (EPSG:9210), as SpatiaLite's ST_Transform gives it.
    static let pointIn9210 = (x: 551_697.513, y: 2_350_712.457)

    @Test func vn2000ZonesAndGeographicVN2000PlaceThePointWhereItIs() throws {
        let demo = try #require(fixture)
        let (x, y) = Self.pointIn9210
        // 4 km by 2 km over 100 × 50 pixels, the point 1 km in from the west and from the north.
        let zone = try demo.map("\(x - 1000),\(y - 1000),\(x + 3000),\(y + 1000)", crs: "EPSG:9210", width: 100, height: 50)
        #expect(Self.inked(zone, 25, 25) && !Self.inked(zone, 75, 25))
        let info = try demo.respond("/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=wms-diem&QUERY_LAYERS=wms-diem"
                                    + "&STYLES=&CRS=EPSG:9210&BBOX=\(x - 1000),\(y - 1000),\(x + 3000),\(y + 1000)&WIDTH=100&HEIGHT=50"
                                    + "&I=25&J=25&INFO_FORMAT=application/json")
        #expect(String(decoding: info.bytes, as: UTF8.self).contains("Trạm <b>A</b>"))
        // Geographic VN-2000 is latitude first, like EPSG:4326; its datum moves the point by metres only.
        let geographic = try demo.map(Self.latLon, crs: "EPSG:4756")
        #expect(Self.inked(geographic, 25, 25) && !Self.inked(geographic, 75, 75))
    }

    @Test func opaqueMapsFillTheBackground() throws {
        let demo = try #require(fixture)
        let white = try demo.map(Self.latLon, crs: "EPSG:4326", extra: "")
        #expect(white.pixel(90, 90) == (255, 255, 255, 255))
        let coloured = try demo.map(Self.latLon, crs: "EPSG:4326", extra: "&TRANSPARENT=FALSE&BGCOLOR=0x112233")
        #expect(coloured.pixel(90, 90) == (0x11, 0x22, 0x33, 255))
        let clear = try demo.map(Self.latLon, crs: "EPSG:4326")
        #expect(clear.alpha(90, 90) == 0)
    }

    @Test func capabilitiesDescribeEachLayerInEverySystem() throws {
        let demo = try #require(fixture)
        let response = try demo.respond("/wms?service=wms&request=GetCapabilities", headers: [("Host", "gis.tinh.gov.vn:8443")])
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "text/xml; charset=utf-8")
        let xml = try XMLDocumentSummary(response.bytes)
        #expect(xml.root == "WMS_Capabilities")
        #expect(xml.layerNames.contains("wms-diem"))
        let titles = xml.texts["Title"] ?? []
        #expect(titles.contains("Điểm <thử> & \"WMS\""), "titles survive escaping")
        let systems = Set(xml.texts["CRS"] ?? [])
        #expect(systems.isSuperset(of: ["CRS:84", "EPSG:4326", "EPSG:3857", "EPSG:4756", "EPSG:9210", "EPSG:3405", "EPSG:5897"]))
        #expect(systems.count == 3 + 1 + 20, "WGS 84 twice, Web Mercator, geographic VN-2000 and its 20 zones")
        #expect(xml.hrefs.allSatisfy { $0.hasPrefix("http://gis.tinh.gov.vn:8443/ows") })
        // The test layer's EPSG:4326 box is latitude first.
        let box = try #require(xml.boxes.first { $0["CRS"] == "EPSG:4326" && $0["minx"] == "21.25" })
        #expect(box["miny"] == "106.25")
        // A Host header that is not a host name is not written into the document.
        let forged = try demo.respond("/ows?SERVICE=WMS&REQUEST=GetCapabilities", headers: [("Host", "x\"><evil a=\"")])
        let forgedXML = try XMLDocumentSummary(forged.bytes)
        #expect(forgedXML.hrefs.allSatisfy { $0.hasPrefix("http://localhost/ows") })
    }

    @Test func featureInfoFindsThePointUnderThePixel() throws {
        let demo = try #require(fixture)
        let base = "/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=wms-diem&QUERY_LAYERS=wms-diem&STYLES="
            + "&CRS=EPSG:4326&BBOX=\(Self.latLon)&WIDTH=100&HEIGHT=100&FORMAT=image/png"
        let json = try demo.respond(base + "&I=25&J=25&INFO_FORMAT=application/json")
        #expect(json.status == 200)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any])
        let features = try #require(object["features"] as? [[String: Any]])
        #expect(features.count == 1)
        let properties = try #require(features.first?["properties"] as? [String: Any])
        #expect(properties["ten"] as? String == "Trạm <b>A</b>")
        #expect(features.first?["layer"] as? String == "wms-diem")
        let far = try demo.respond(base + "&I=80&J=80&INFO_FORMAT=application/json")
        #expect(String(decoding: far.bytes, as: UTF8.self).contains("\"features\":[]"))
        let html = String(decoding: try demo.respond(base + "&I=25&J=25&INFO_FORMAT=text/html").bytes, as: UTF8.self)
        #expect(html.contains("Trạm &lt;b&gt;A&lt;/b&gt;") && !html.contains("<b>A"))
        #expect(html.contains("Điểm &lt;thử&gt; &amp; &quot;WMS&quot;"))
        let text = String(decoding: try demo.respond(base + "&I=25&J=25&INFO_FORMAT=text/plain").bytes, as: UTF8.self)
        #expect(text.contains("so = 7"))
        // Properties keep the layer's field order (ten, then so), as the attribute table shows them.
        let ten = try #require(text.range(of: "ten = ")), so = try #require(text.range(of: "so = 7"))
        #expect(ten.lowerBound < so.lowerBound, "\(text)")
        let tenCell = try #require(html.range(of: "<th>ten</th>")), soCell = try #require(html.range(of: "<th>so</th>"))
        #expect(tenCell.lowerBound < soCell.lowerBound)
    }

    @Test func legendGraphicIsTheLayersLegend() throws {
        let demo = try #require(fixture)
        let wms = try demo.respond("/ows?SERVICE=WMS&REQUEST=GetLegendGraphic&VERSION=1.3.0&FORMAT=image/png&LAYER=wms-diem")
        #expect(wms.status == 200 && wms.headers["Content-Type"] == "image/png")
        #expect(wms.bytes == (try demo.respond("/legend/wms-diem.png")).bytes)
    }

    /// (query after `/ows?SERVICE=WMS&VERSION=1.3.0&`, expected code, expected locator).
    static let badRequests: [(String, String?, String?)] = [
        ("REQUEST=GetMap&LAYERS=khong-ton-tai&STYLES=&CRS=CRS:84&BBOX=\(lonLat)&WIDTH=10&HEIGHT=10&FORMAT=image/png", "LayerNotDefined", "LAYERS"),
        ("REQUEST=GetMap&LAYERS=wms-diem&STYLES=dam&CRS=CRS:84&BBOX=\(lonLat)&WIDTH=10&HEIGHT=10&FORMAT=image/png", "StyleNotDefined", "STYLES"),
        ("REQUEST=GetMap&LAYERS=wms-diem&STYLES=&CRS=EPSG:32648&BBOX=\(lonLat)&WIDTH=10&HEIGHT=10&FORMAT=image/png", "InvalidCRS", "CRS"),
        ("REQUEST=GetMap&LAYERS=wms-diem&STYLES=&CRS=CRS:84&BBOX=\(lonLat)&WIDTH=10&HEIGHT=10&FORMAT=image/gif", "InvalidFormat", "FORMAT"),
        ("REQUEST=GetMap&LAYERS=wms-diem&STYLES=&CRS=CRS:84&BBOX=\(lonLat)&WIDTH=10&HEIGHT=10", nil, "FORMAT"),
        ("REQUEST=GetMap&LAYERS=wms-diem&STYLES=&CRS=CRS:84&BBOX=1,2,3&WIDTH=10&HEIGHT=10&FORMAT=image/png", nil, "BBOX"),
        ("REQUEST=GetMap&LAYERS=wms-diem&STYLES=&CRS=CRS:84&BBOX=3,2,1,4&WIDTH=10&HEIGHT=10&FORMAT=image/png", nil, "BBOX"),
        ("REQUEST=GetMap&LAYERS=wms-diem&STYLES=&CRS=CRS:84&BBOX=nan,2,3,4&WIDTH=10&HEIGHT=10&FORMAT=image/png", nil, "BBOX"),
        ("REQUEST=GetMap&LAYERS=wms-diem&STYLES=&CRS=CRS:84&BBOX=\(lonLat)&WIDTH=5000&HEIGHT=10&FORMAT=image/png", nil, "WIDTH"),
        ("REQUEST=GetMap&LAYERS=wms-diem&STYLES=&CRS=CRS:84&BBOX=\(lonLat)&WIDTH=10&HEIGHT=-1&FORMAT=image/png", nil, "HEIGHT"),
        ("REQUEST=GetMap&STYLES=&CRS=CRS:84&BBOX=\(lonLat)&WIDTH=10&HEIGHT=10&FORMAT=image/png", nil, "LAYERS"),
        ("REQUEST=GetFeatureInfo&LAYERS=wms-diem&QUERY_LAYERS=wms-diem&STYLES=&CRS=CRS:84&BBOX=\(lonLat)&WIDTH=10&HEIGHT=10&I=10&J=0&INFO_FORMAT=text/html", "InvalidPoint", "I"),
        ("REQUEST=GetFeatureInfo&LAYERS=wms-diem&QUERY_LAYERS=wms-diem&STYLES=&CRS=CRS:84&BBOX=\(lonLat)&WIDTH=10&HEIGHT=10&I=1&J=1&INFO_FORMAT=image/png", "InvalidFormat", "INFO_FORMAT"),
        ("REQUEST=GetFeatureInfo&LAYERS=wms-diem&QUERY_LAYERS=song-suoi&STYLES=&CRS=CRS:84&BBOX=\(lonLat)&WIDTH=10&HEIGHT=10&I=1&J=1", "LayerNotDefined", "QUERY_LAYERS"),
        ("REQUEST=GetLegendGraphic&LAYER=khong-ton-tai&FORMAT=image/png", "LayerNotDefined", "LAYER"),
        ("REQUEST=DescribeLayer&LAYERS=wms-diem", "OperationNotSupported", "REQUEST"),
    ]

    @Test(arguments: WMSTests.badRequests)
    func badRequestsAnswerAnExceptionReport(_ query: String, _ code: String?, _ locator: String?) throws {
        let demo = try #require(fixture)
        let response = try demo.respond("/ows?SERVICE=WMS&VERSION=1.3.0&" + query)
        #expect(response.status == 400)
        #expect(response.headers["Content-Type"] == "text/xml; charset=utf-8")
        let xml = try XMLDocumentSummary(response.bytes)
        #expect(xml.root == "ServiceExceptionReport")
        let exception = try #require(xml.attributes["ServiceException"]?.first)
        #expect(exception["code"] == code, "\(query)")
        #expect(exception["locator"] == locator, "\(query)")
        let message = xml.texts["ServiceException"]?.first ?? ""
        #expect(message.count > 10, "the report says what is wrong")
    }

    @Test func echoedNamesAreEscapedAndCut() throws {
        let demo = try #require(fixture)
        let name = "%3Cscript%3E%22%CC%81" + String(repeating: "x", count: 500)
        let response = try demo.respond("/ows?SERVICE=WMS&REQUEST=GetLegendGraphic&LAYER=\(name)")
        let text = String(decoding: response.bytes, as: UTF8.self)
        #expect(!text.contains("<script>") && text.contains("&lt;script&gt;&quot;\u{301}"))
        #expect(text.utf8.count < 900, "a long name is cut")
        #expect(XMLWriter.escape("a\u{1}b\u{FFFE}c'\"\u{301}") == "abc&apos;&quot;\u{301}")
    }
}

/// What the tests read of an XML document, parsed by Foundation's XMLParser (which fails on
/// anything not well-formed).
struct XMLDocumentSummary {
    var root = ""
    var texts: [String: [String]] = [:]
    var attributes: [String: [[String: String]]] = [:]

    init(_ bytes: [UInt8]) throws {
        let delegate = Collector()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = delegate
        guard parser.parse() else {
            throw RawFailure(description: "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")\n"
                             + String(decoding: bytes.prefix(400), as: UTF8.self))
        }
        root = delegate.root ?? ""
        texts = delegate.texts
        attributes = delegate.attributes
    }

    /// The Name of every Layer element.
    var layerNames: [String] { texts["Name"] ?? [] }
    /// Every xlink:href.
    var hrefs: [String] { (attributes["OnlineResource"] ?? []).compactMap { $0["xlink:href"] } }
    var boxes: [[String: String]] { attributes["BoundingBox"] ?? [] }

    struct RawFailure: Error, CustomStringConvertible { let description: String }

    private final class Collector: NSObject, XMLParserDelegate {
        var root: String?
        var texts: [String: [String]] = [:]
        var attributes: [String: [[String: String]]] = [:]
        private var stack: [(name: String, text: String)] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String]) {
            if root == nil { root = name }
            self.attributes[name, default: []].append(attributes)
            stack.append((name, ""))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if !stack.isEmpty { stack[stack.count - 1].text += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            guard let top = stack.popLast() else { return }
            texts[top.name, default: []].append(top.text)
        }
    }
}
