import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HTTP
import Testing
@testable import Portal

/// The WMTS 1.0.0 door: capabilities at both addresses, GetTile from the tile door's cache, and
/// the OWS exception report of each kind of bad request.
@Suite struct WMTSTests {
    let fixture = WMSFixture.shared
    static let tile = "&TILEMATRIXSET=GoogleMapsCompatible&TILEMATRIX=10&TILEROW=449&TILECOL=814"

    @Test func capabilitiesOfferEachLayerInGoogleMapsCompatible() throws {
        let demo = try #require(fixture)
        for target in ["/wmts/1.0.0/WMTSCapabilities.xml", "/ows?SERVICE=WMTS&REQUEST=GetCapabilities"] {
            let response = try demo.respond(target, headers: [("Host", "gis.example:8080")])
            #expect(response.status == 200)
            let xml = try XMLDocumentSummary(response.bytes)
            #expect(xml.root == "Capabilities")
            let identifiers = xml.texts["ows:Identifier"] ?? []
            #expect(identifiers.contains("wms-diem") && identifiers.contains("song-suoi"))
            #expect(!identifiers.contains("quy-hoach-su-dung-dat"), "the public does not see a shared layer")
            #expect(xml.attributes["TileMatrix"]?.count == 21, "zooms 0 to 20")
            #expect((xml.texts["MatrixWidth"] ?? []).last == "1048576")
            let templates = (xml.attributes["ResourceURL"] ?? []).compactMap { $0["template"] }
            #expect(templates.contains("http://gis.example:8080/tiles/wms-diem/{TileMatrix}/{TileCol}/{TileRow}.png"))
        }
    }

    @Test func getTileIsTheTileDoorsTile() throws {
        let demo = try #require(fixture)
        let kvp = try demo.respond("/ows?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=song-suoi&STYLE=default&FORMAT=image/png" + Self.tile)
        #expect(kvp.status == 200 && kvp.headers["Content-Type"] == "image/png")
        let rest = try demo.respond("/tiles/song-suoi/10/814/449.png")
        #expect(kvp.bytes == rest.bytes && kvp.headers["ETag"] == rest.headers["ETag"])
    }

    static let badRequests: [(String, String, String?)] = [
        ("REQUEST=GetTile&LAYER=khong-ton-tai&STYLE=default&FORMAT=image/png" + tile, "InvalidParameterValue", "LAYER"),
        ("REQUEST=GetTile&LAYER=song-suoi&STYLE=default&FORMAT=image/jpeg" + tile, "InvalidParameterValue", "FORMAT"),
        ("REQUEST=GetTile&LAYER=song-suoi&STYLE=dam&FORMAT=image/png" + tile, "InvalidParameterValue", "STYLE"),
        ("REQUEST=GetTile&LAYER=song-suoi&FORMAT=image/png&TILEMATRIXSET=WorldCRS84Quad&TILEMATRIX=1&TILEROW=0&TILECOL=0", "InvalidParameterValue", "TILEMATRIXSET"),
        ("REQUEST=GetTile&LAYER=song-suoi&FORMAT=image/png&TILEMATRIXSET=GoogleMapsCompatible&TILEMATRIX=3&TILEROW=0&TILECOL=8", "TileOutOfRange", "TILECOL"),
        ("REQUEST=GetTile&LAYER=song-suoi&FORMAT=image/png&TILEMATRIXSET=GoogleMapsCompatible&TILEMATRIX=3&TILEROW=9&TILECOL=0", "TileOutOfRange", "TILEROW"),
        ("REQUEST=GetTile&LAYER=song-suoi&FORMAT=image/png&TILEMATRIXSET=GoogleMapsCompatible&TILEMATRIX=-1&TILEROW=0&TILECOL=0", "InvalidParameterValue", "TILEMATRIX"),
        ("REQUEST=GetTile&LAYER=song-suoi&FORMAT=image/png&TILEMATRIXSET=GoogleMapsCompatible&TILEMATRIX=3&TILEROW=0", "MissingParameterValue", "TILECOL"),
        ("REQUEST=GetFeatureInfo&LAYER=song-suoi", "OperationNotSupported", "REQUEST"),
        ("LAYER=song-suoi", "MissingParameterValue", "REQUEST"),
    ]

    @Test(arguments: WMTSTests.badRequests)
    func badRequestsAnswerAnOWSExceptionReport(_ query: String, _ code: String, _ locator: String?) throws {
        let demo = try #require(fixture)
        let response = try demo.respond("/ows?SERVICE=WMTS&VERSION=1.0.0&" + query)
        #expect(response.status == 400)
        let xml = try XMLDocumentSummary(response.bytes)
        #expect(xml.root == "ExceptionReport")
        let exception = try #require(xml.attributes["Exception"]?.first)
        #expect(exception["exceptionCode"] == code, "\(query)")
        #expect(exception["locator"] == locator, "\(query)")
        let message = xml.texts["ExceptionText"]?.first ?? ""
        #expect(message.count > 10)
    }
}
