import Cartography
import Foundation
import Geometry
import HTTP
import Store

extension Portal {
    /// `/ows` (and `/wms`): the OGC services by their `SERVICE` and `REQUEST` parameters (WMS
    /// when `SERVICE` is missing; WMTS in `wmts`). Every
    /// layer named goes through the policy (`mapLayer`, the map's own door); one the requester
    /// may not see answers exactly like one that does not exist (`LayerNotDefined`). Errors are
    /// WMS exception reports; a failure of the server's own is logged and answered without its cause.
    func ows(_ request: Request) -> Response {
        let parameters = OGCParameters(request)
        do {
            let service = parameters.nonEmpty("SERVICE")?.uppercased()
            if service == "WMTS" { return wmts(request, parameters) }
            guard let operation = parameters.nonEmpty("REQUEST") else { throw ServiceException.missing("REQUEST") }
            guard service == nil || service == "WMS" else {
                throw ServiceException(nil, locator: "SERVICE", "SERVICE '\(service?.prefix(16) ?? "")' is not offered here; WMS and WMTS are")
            }
            switch operation.uppercased() {
            case "GETCAPABILITIES": return try wmsCapabilities(request, parameters)
            case "GETMAP": return try wmsMap(request, parameters)
            case "GETFEATUREINFO": return try wmsFeatureInfo(request, parameters)
            case "GETLEGENDGRAPHIC": return try wmsLegend(request, parameters)
            default:
                throw ServiceException(.operationNotSupported, locator: "REQUEST",
                                       "REQUEST '\(operation.prefix(ServiceException.echoLimit))' is not a WMS operation served here")
            }
        } catch let exception as ServiceException {
            return exception.response
        } catch let error as HTTPError where error.status == 503 {
            var response = ServiceException(nil, "The service is busy; try again shortly", status: 503).response
            response.headers["Retry-After"] = "2"
            return response
        } catch {
            logger.error("\(request.method.rawValue) \(request.target): \(error)")
            return ServiceException(nil, "The service could not answer; the failure has been logged", status: 500).response
        }
    }

    /// The drawing of every named layer, in order; `LayerNotDefined` for the first that is
    /// missing, hidden from the requester, or has nothing published.
    func wmsDrawings(_ names: [String], _ request: Request, locator: String) throws -> [(layer: LayerSummary, drawing: LayerDrawing)] {
        try names.map { name in
            guard let layer = try mapLayer(name, request), let state = try layers.mapState(layerID: layer.id),
                  let drawing = map.published.drawing(layer, state: state) else {
                throw ServiceException.layerNotDefined(name, locator: locator)
            }
            return (layer, drawing)
        }
    }

    /// GetMap: the layers drawn in order, the first at the bottom, as PNG.
    func wmsMap(_ request: Request, _ parameters: OGCParameters) throws -> Response {
        let map = try WMSMapRequest(parameters, limits: wmsLimits)
        guard let format = parameters.nonEmpty("FORMAT") else { throw ServiceException.missing("FORMAT") }
        guard format.lowercased().hasPrefix("image/png") else {
            throw ServiceException(.invalidFormat, locator: "FORMAT", "FORMAT '\(format.prefix(64))' is not offered; image/png is")
        }
        let drawings = try wmsDrawings(map.layers, request, locator: "LAYERS")
        let tileLayers = try drawings.map { try self.map.published.tileLayer($0.drawing) }
        let png = try self.map.renderImage(map.frame, layers: tileLayers, background: map.transparent ? nil : map.background)
        let open = drawings.allSatisfy { $0.layer.visibility == .public }
        return Response(status: 200, headers: [
            "Content-Type": "image/png",
            "Cache-Control": MapResponses.cacheControl(public: open),
        ], body: .bytes(png))
    }

    /// GetLegendGraphic (the SLD profile's operation, as QGIS and others ask it): the layer's
    /// swatches as PNG, the image of `/legend/{layer}.png`.
    func wmsLegend(_ request: Request, _ parameters: OGCParameters) throws -> Response {
        guard let name = parameters.nonEmpty("LAYER") else { throw ServiceException.missing("LAYER") }
        if let format = parameters.nonEmpty("FORMAT"), !format.lowercased().hasPrefix("image/png") {
            throw ServiceException(.invalidFormat, locator: "FORMAT", "FORMAT '\(format.prefix(64))' is not offered; image/png is")
        }
        guard let layer = try mapLayer(name, request), let state = try layers.mapState(layerID: layer.id) else {
            throw ServiceException.layerNotDefined(name, locator: "LAYER")
        }
        if let style = parameters.nonEmpty("STYLE"), style != WMSMapRequest.defaultStyle {
            throw ServiceException(.styleNotDefined, locator: "STYLE", "Style '\(style.prefix(ServiceException.echoLimit))' is not defined for layer '\(name.prefix(ServiceException.echoLimit))'")
        }
        let style = map.published.resolvedStyle(state.styleJSON, kind: layer.geometryKind).style
        return Response(status: 200, headers: [
            "Content-Type": "image/png",
            "Cache-Control": MapResponses.cacheControl(public: layer.visibility == .public),
        ], body: .bytes(LegendRenderer.render(style).png))
    }

    /// The address of the service as the client reached it: the scheme (https when the request
    /// came over TLS through a trusted proxy, or cookies are secure) and the Host header, when it
    /// is a plain host name or address with an optional port.
    func serviceBase(_ request: Request) -> String {
        let https = sessionPolicy.secureCookies || request.headers["X-Forwarded-Proto"]?.lowercased() == "https"
        var host = request.headers["Host"] ?? ""
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]".utf8)
        if host.isEmpty || host.utf8.count > 255 || !host.utf8.allSatisfy(allowed.contains) { host = "localhost" }
        return (https ? "https://" : "http://") + host
    }
}
