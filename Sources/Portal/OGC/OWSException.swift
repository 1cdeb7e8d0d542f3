import HTTP

/// A WMTS request the service cannot answer, as the OWS Common 1.1 `ExceptionReport` that
/// WMTS 1.0.0 uses (§8.6, Table 28 of OGC 07-057r7).
struct OWSException: Error, Equatable {
    enum Code: String {
        case missingParameterValue = "MissingParameterValue"
        case invalidParameterValue = "InvalidParameterValue"
        case operationNotSupported = "OperationNotSupported"
        case tileOutOfRange = "TileOutOfRange"
        case noApplicableCode = "NoApplicableCode"
    }

    var code: Code
    var locator: String?
    var message: String
    var status: Int

    init(_ code: Code, locator: String? = nil, _ message: String, status: Int = 400) {
        self.code = code
        self.locator = locator
        self.message = message
        self.status = status
    }

    static func missing(_ parameter: String) -> OWSException {
        OWSException(.missingParameterValue, locator: parameter, "Parameter \(parameter) is required")
    }

    /// A layer that does not exist and one the requester may not see get this same answer.
    static func unknownLayer(_ name: String) -> OWSException {
        OWSException(.invalidParameterValue, locator: "LAYER",
                     "Layer '\(String(name.prefix(ServiceException.echoLimit)))' is not offered")
    }

    var response: Response {
        var xml = XMLWriter()
        xml.start("ExceptionReport", [
            "xmlns": "http://www.opengis.net/ows/1.1",
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:schemaLocation": "http://www.opengis.net/ows/1.1 http://schemas.opengis.net/ows/1.1.0/owsExceptionReport.xsd",
            "version": "1.1.0",
        ])
        if let locator {
            xml.start("Exception", ["exceptionCode": code.rawValue, "locator": locator])
        } else {
            xml.start("Exception", ["exceptionCode": code.rawValue])
        }
        xml.element("ExceptionText", message)
        return Response(status: status, headers: [
            "Content-Type": "text/xml; charset=utf-8",
            "Cache-Control": "no-store",
        ], body: .bytes(Array(xml.finish().utf8)))
    }
}
