import HTTP

/// A WMS or WMTS request the service cannot answer, rendered as the OGC exception report the
/// standard names (WMS 1.3.0 §6.11, Annex E), with its code and the parameter at fault.
struct ServiceException: Error, Equatable {
    /// The codes WMS 1.3.0 defines (Table E.1); nil for an error it gives no code (a missing
    /// parameter, a malformed value, a map larger than allowed).
    enum Code: String {
        case invalidFormat = "InvalidFormat"
        case invalidCRS = "InvalidCRS"
        case layerNotDefined = "LayerNotDefined"
        case styleNotDefined = "StyleNotDefined"
        case layerNotQueryable = "LayerNotQueryable"
        case invalidPoint = "InvalidPoint"
        case currentUpdateSequence = "CurrentUpdateSequence"
        case invalidUpdateSequence = "InvalidUpdateSequence"
        case missingDimensionValue = "MissingDimensionValue"
        case invalidDimensionValue = "InvalidDimensionValue"
        case operationNotSupported = "OperationNotSupported"
    }

    var code: Code?
    /// The parameter the error is about (`LAYERS`, `CRS`, `BBOX`…), when one is.
    var locator: String?
    var message: String
    /// 400 for a request at fault, 500 for the server's own failure (its cause is logged).
    var status = 400

    init(_ code: Code?, locator: String? = nil, _ message: String, status: Int = 400) {
        self.code = code
        self.locator = locator
        self.message = message
        self.status = status
    }

    /// The longest part of a request echoed back in a message.
    static let echoLimit = 120

    /// A layer that does not exist and one the requester may not see get this same answer.
    static func layerNotDefined(_ name: String, locator: String = "LAYERS") -> ServiceException {
        ServiceException(.layerNotDefined, locator: locator, "Layer '\(String(name.prefix(echoLimit)))' is not defined")
    }

    static func missing(_ parameter: String) -> ServiceException {
        ServiceException(nil, locator: parameter, "Parameter \(parameter) is required")
    }

    /// The `ServiceExceptionReport` of WMS 1.3.0.
    var response: Response {
        var xml = XMLWriter()
        xml.start("ServiceExceptionReport", [
            "version": "1.3.0",
            "xmlns": "http://www.opengis.net/ogc",
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:schemaLocation": "http://www.opengis.net/ogc http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd",
        ])
        switch (code, locator) {
        case let (code?, locator?): xml.element("ServiceException", message, ["code": code.rawValue, "locator": locator])
        case let (code?, nil): xml.element("ServiceException", message, ["code": code.rawValue])
        case let (nil, locator?): xml.element("ServiceException", message, ["locator": locator])
        case (nil, nil): xml.element("ServiceException", message)
        }
        return Response(status: status, headers: [
            "Content-Type": "text/xml; charset=utf-8",
            "Cache-Control": "no-store",
        ], body: .bytes(Array(xml.finish().utf8)))
    }
}
