import Foundation
import Geometry
import HTTP
import Store

/// The WMTS 1.0.0 capabilities (OGC 07-057r7): one layer per layer the requester may see, each
/// in the `GoogleMapsCompatible` tile matrix set of the tile door, with a KVP GetTile and a
/// RESTful resource URL — the portal's own XYZ tile address, so both reach one tile cache.
struct WMTSCapabilities {
    let base: String
    let title: String
    let abstract: String
    let styleTitle: String
    let layers: [LayerSummary]

    /// The deepest zoom listed (the renderer goes to `TileID.maxZoom`; no map needs more than this).
    static let maxZoom = 20
    static let matrixSet = "GoogleMapsCompatible"
    /// The scale denominator of zoom 0 in GoogleMapsCompatible (OGC 07-057r7 Annex E.4).
    static let scaleAtZoom0 = 559_082_264.028_717_8

    var xml: String {
        var x = XMLWriter()
        let service = base + "/ows"
        x.start("Capabilities", [
            "xmlns": "http://www.opengis.net/wmts/1.0",
            "xmlns:ows": "http://www.opengis.net/ows/1.1",
            "xmlns:xlink": "http://www.w3.org/1999/xlink",
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:schemaLocation": "http://www.opengis.net/wmts/1.0 http://schemas.opengis.net/wmts/1.0/wmtsGetCapabilities_response.xsd",
            "version": "1.0.0",
        ])
        x.start("ows:ServiceIdentification")
        x.element("ows:Title", title)
        x.element("ows:Abstract", abstract)
        x.element("ows:ServiceType", "OGC WMTS")
        x.element("ows:ServiceTypeVersion", "1.0.0")
        x.element("ows:Fees", "none")
        x.element("ows:AccessConstraints", "none")
        x.end()
        x.start("ows:OperationsMetadata")
        for operation in ["GetCapabilities", "GetTile"] {
            x.start("ows:Operation", ["name": operation])
            x.start("ows:DCP")
            x.start("ows:HTTP")
            x.start("ows:Get", ["xlink:href": service + "?"])
            x.start("ows:Constraint", ["name": "GetEncoding"])
            x.start("ows:AllowedValues")
            x.element("ows:Value", "KVP")
            x.end()
            x.end()
            x.end()
            x.end()
            x.end()
            x.end()
        }
        x.end()

        x.start("Contents")
        for layer in layers {
            x.start("Layer")
            x.element("ows:Title", layer.title)
            if !layer.description.isEmpty { x.element("ows:Abstract", layer.description) }
            let box = layer.extent.map(WMSCapabilities.box) ?? WebMercator.lonLatWorldBounds
            x.start("ows:WGS84BoundingBox")
            x.element("ows:LowerCorner", "\(WMSCapabilities.number(box.minX)) \(WMSCapabilities.number(box.minY))")
            x.element("ows:UpperCorner", "\(WMSCapabilities.number(box.maxX)) \(WMSCapabilities.number(box.maxY))")
            x.end()
            x.element("ows:Identifier", layer.slug)
            x.start("Style", ["isDefault": "true"])
            x.element("ows:Title", styleTitle)
            x.element("ows:Identifier", WMSMapRequest.defaultStyle)
            x.element("LegendURL", nil, ["format": "image/png",
                                         "xlink:href": base + "/legend/" + WMSCapabilities.percentEncoded(layer.slug) + ".png"])
            x.end()
            x.element("Format", "image/png")
            x.start("TileMatrixSetLink")
            x.element("TileMatrixSet", Self.matrixSet)
            x.end()
            x.element("ResourceURL", nil, [
                "format": "image/png", "resourceType": "tile",
                "template": base + "/tiles/" + WMSCapabilities.percentEncoded(layer.slug) + "/{TileMatrix}/{TileCol}/{TileRow}.png",
            ])
            x.end()
        }
        x.start("TileMatrixSet")
        x.element("ows:Identifier", Self.matrixSet)
        x.element("ows:SupportedCRS", "urn:ogc:def:crs:EPSG::3857")
        x.element("WellKnownScaleSet", "urn:ogc:def:wkss:OGC:1.0:GoogleMapsCompatible")
        let corner = WMSCapabilities.number(WebMercator.halfWorld)
        for zoom in 0...Self.maxZoom {
            x.start("TileMatrix")
            x.element("ows:Identifier", String(zoom))
            x.element("ScaleDenominator", String(format: "%.10g", Self.scaleAtZoom0 / Double(1 << zoom)))
            x.element("TopLeftCorner", "-\(corner) \(corner)")
            x.element("TileWidth", "256")
            x.element("TileHeight", "256")
            x.element("MatrixWidth", String(1 << zoom))
            x.element("MatrixHeight", String(1 << zoom))
            x.end()
        }
        x.end()
        x.end()
        x.element("ServiceMetadataURL", nil, ["xlink:href": base + "/wmts/1.0.0/WMTSCapabilities.xml"])
        return x.finish()
    }
}

extension Portal {
    /// `SERVICE=WMTS` at `/ows`: GetCapabilities and GetTile (KVP). Errors are OWS exception
    /// reports; a layer the requester may not see answers like one that does not exist.
    func wmts(_ request: Request, _ parameters: OGCParameters) -> Response {
        answeringOWS(request) {
            guard let operation = parameters.nonEmpty("REQUEST") else { throw OWSException.missing("REQUEST") }
            switch operation.uppercased() {
            case "GETCAPABILITIES": return try wmtsCapabilities(request)
            case "GETTILE": return try wmtsTile(request, parameters)
            default:
                throw OWSException(.operationNotSupported, locator: "REQUEST",
                                   "REQUEST '\(operation.prefix(ServiceException.echoLimit))' is not a WMTS operation served here")
            }
        }
    }

    /// The answer of `body`, or its error as an OWS exception report (a failure of the
    /// server's own logged, and answered without its cause).
    func answeringOWS(_ request: Request, _ body: () throws -> Response) -> Response {
        do {
            return try body()
        } catch let exception as OWSException {
            return exception.response
        } catch let error as HTTPError where error.status == 503 {
            var response = OWSException(.noApplicableCode, "The service is busy; try again shortly", status: 503).response
            response.headers["Retry-After"] = "2"
            return response
        } catch {
            logger.error("\(request.method.rawValue) \(request.target): \(error)")
            return OWSException(.noApplicableCode, "The service could not answer; the failure has been logged", status: 500).response
        }
    }

    /// The WMTS capabilities, also at `/wmts/1.0.0/WMTSCapabilities.xml` (the RESTful address).
    func wmtsCapabilities(_ request: Request) throws -> Response {
        let language = Localizer.language(for: request)
        let visible = try layers.listVisible(to: scope(for: request)).filter { $0.publishedVersion != nil }
        let document = WMTSCapabilities(base: serviceBase(request), title: localizer.text("ogc_wmts_title", language),
                                        abstract: localizer.text("ogc_wmts_abstract", language),
                                        styleTitle: localizer.text("ogc_style_default", language), layers: visible)
        return Response(status: 200, headers: [
            "Content-Type": "text/xml; charset=utf-8",
            "Cache-Control": "no-cache",
        ], body: .bytes(Array(document.xml.utf8)))
    }

    /// GetTile: the tile of the tile door (`/tiles/{layer}/{z}/{x}/{y}.png`), from the same cache.
    func wmtsTile(_ request: Request, _ parameters: OGCParameters) throws -> Response {
        if let version = parameters.nonEmpty("VERSION"), version != "1.0.0" {
            throw OWSException(.invalidParameterValue, locator: "VERSION", "Only WMTS version 1.0.0 is served")
        }
        guard let name = parameters.nonEmpty("LAYER") else { throw OWSException.missing("LAYER") }
        let style = parameters.nonEmpty("STYLE") ?? WMSMapRequest.defaultStyle
        guard style == WMSMapRequest.defaultStyle else {
            throw OWSException(.invalidParameterValue, locator: "STYLE", "Style '\(style.prefix(ServiceException.echoLimit))' is not offered")
        }
        guard let format = parameters.nonEmpty("FORMAT") else { throw OWSException.missing("FORMAT") }
        guard format.lowercased() == "image/png" else {
            throw OWSException(.invalidParameterValue, locator: "FORMAT", "FORMAT '\(format.prefix(64))' is not offered; image/png is")
        }
        guard let set = parameters.nonEmpty("TILEMATRIXSET") else { throw OWSException.missing("TILEMATRIXSET") }
        guard set == WMTSCapabilities.matrixSet else {
            throw OWSException(.invalidParameterValue, locator: "TILEMATRIXSET", "TILEMATRIXSET '\(set.prefix(64))' is not offered; \(WMTSCapabilities.matrixSet) is")
        }
        var numbers: [Int] = []
        for parameter in ["TILEMATRIX", "TILECOL", "TILEROW"] {
            guard let text = parameters.nonEmpty(parameter) else { throw OWSException.missing(parameter) }
            guard text.utf8.count <= 8, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = Int(text) else {
                throw OWSException(.invalidParameterValue, locator: parameter, "\(parameter) must be a whole number, not '\(text.prefix(16))'")
            }
            numbers.append(value)
        }
        let (zoom, column, row) = (numbers[0], numbers[1], numbers[2])
        guard zoom <= WMTSCapabilities.maxZoom else {
            throw OWSException(.invalidParameterValue, locator: "TILEMATRIX", "TILEMATRIX \(zoom) is not in \(WMTSCapabilities.matrixSet)")
        }
        guard let layer = try mapLayer(name, request), let state = try layers.mapState(layerID: layer.id),
              let drawing = map.published.drawing(layer, state: state) else { throw OWSException.unknownLayer(name) }
        guard let tile = TileID(z: zoom, x: column, y: row) else {
            throw OWSException(.tileOutOfRange, locator: column >= 1 << zoom ? "TILECOL" : "TILEROW",
                               "Tile \(column), \(row) is outside tile matrix \(zoom)")
        }
        let address = TileAddress(tile: tile, scale: 1)
        let key = TileKey(subject: drawing.subject, z: zoom, x: column, y: row, scale: 1)
        return try tileResponse(request, key: key, address: address,
                                cacheControl: MapResponses.cacheControl(public: layer.visibility == .public)) {
            [try map.published.tileLayer(drawing)]
        }
    }
}
