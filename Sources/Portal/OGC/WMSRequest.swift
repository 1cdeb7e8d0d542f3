import Foundation
import Geometry
import Raster

/// The limits of the map service: `BANDO_WMS_MAX_SIZE` caps the width and height of an image
/// (default 4096, within 256…8192); at most `layerLimit` layers go into one image.
struct WMSLimits: Sendable {
    static let defaultMaxSize = 4096
    var maxSize: Int
    var layerLimit = 32

    init(maxSize: Int = WMSLimits.defaultMaxSize) {
        self.maxSize = min(max(maxSize, 256), 8192)
    }

    static func configured(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> WMSLimits {
        guard let text = environment["BANDO_WMS_MAX_SIZE"], let size = Int(text) else { return WMSLimits() }
        return WMSLimits(maxSize: size)
    }
}

/// The map part shared by GetMap and GetFeatureInfo (WMS 1.3.0 §7.3.2, §7.4.3): layers,
/// styles, CRS, BBOX in the CRS's own axis order, size, transparency and background.
struct WMSMapRequest {
    var layers: [String]
    var frame: MapFrame
    var transparent: Bool
    var background: Color

    /// The name every layer's one style is known by.
    static let defaultStyle = "default"

    init(_ parameters: OGCParameters, limits: WMSLimits, layersParameter: String = "LAYERS") throws(ServiceException) {
        if let version = parameters.nonEmpty("VERSION"), version != "1.3.0" {
            throw ServiceException(nil, locator: "VERSION", "Only WMS version 1.3.0 is served; asked for \(version.prefix(16))")
        }
        guard let names = parameters.list(layersParameter), !names.allSatisfy(\.isEmpty) else {
            throw .missing(layersParameter)
        }
        if let empty = names.firstIndex(where: \.isEmpty) {
            throw ServiceException(.layerNotDefined, locator: layersParameter, "Layer \(empty + 1) of \(layersParameter) has no name")
        }
        guard names.count <= limits.layerLimit else {
            throw ServiceException(nil, locator: layersParameter, "At most \(limits.layerLimit) layers go into one map; asked for \(names.count)")
        }
        layers = names
        if let styles = parameters.list("STYLES"), !(styles.count == 1 && styles[0].isEmpty) {
            guard styles.count == names.count else {
                throw ServiceException(nil, locator: "STYLES", "STYLES names \(styles.count) styles for \(names.count) layers")
            }
            for (i, style) in styles.enumerated() where !style.isEmpty && style != Self.defaultStyle {
                throw ServiceException(.styleNotDefined, locator: "STYLES",
                                       "Style '\(style.prefix(ServiceException.echoLimit))' is not defined for layer '\(names[i].prefix(ServiceException.echoLimit))'")
            }
        }
        guard let crsName = parameters.nonEmpty("CRS") else { throw .missing("CRS") }
        guard let crs = MapCRS(identifier: crsName) else {
            throw ServiceException(.invalidCRS, locator: "CRS", "CRS '\(crsName.prefix(ServiceException.echoLimit))' is not offered")
        }
        let box = try Self.boundingBox(parameters, crs: crs)
        let width = try Self.size(parameters, "WIDTH", limits: limits)
        let height = try Self.size(parameters, "HEIGHT", limits: limits)
        frame = MapFrame(crs: crs, box: box, width: width, height: height)
        switch parameters.nonEmpty("TRANSPARENT")?.uppercased() {
        case nil, "FALSE": transparent = false
        case "TRUE": transparent = true
        case let other?:
            throw ServiceException(nil, locator: "TRANSPARENT", "TRANSPARENT must be TRUE or FALSE, not '\(other.prefix(16))'")
        }
        background = Color(r: 255, g: 255, b: 255)
        if let text = parameters.nonEmpty("BGCOLOR") {
            guard text.count == 8, text.uppercased().hasPrefix("0X"), let color = Color(hex: String(text.dropFirst(2))) else {
                throw ServiceException(nil, locator: "BGCOLOR", "BGCOLOR must be 0xRRGGBB, not '\(text.prefix(16))'")
            }
            background = color
        }
    }

    /// BBOX as four finite numbers, minimum before maximum on both axes, turned to easting,
    /// northing order.
    static func boundingBox(_ parameters: OGCParameters, crs: MapCRS) throws(ServiceException) -> BoundingBox {
        guard let text = parameters.nonEmpty("BBOX") else { throw .missing("BBOX") }
        let numbers = text.split(separator: ",", omittingEmptySubsequences: false).map {
            Double($0.trimmingCharacters(in: .whitespaces))
        }
        guard numbers.count == 4, let a = numbers[0], let b = numbers[1], let c = numbers[2], let d = numbers[3],
              [a, b, c, d].allSatisfy(\.isFinite) else {
            throw ServiceException(nil, locator: "BBOX", "BBOX must be four numbers minx,miny,maxx,maxy; got '\(text.prefix(64))'")
        }
        guard a < c, b < d else {
            throw ServiceException(nil, locator: "BBOX", "BBOX '\(text.prefix(64))' has a minimum not below its maximum")
        }
        return crs.northingFirst ? BoundingBox(minX: b, minY: a, maxX: d, maxY: c)
                                 : BoundingBox(minX: a, minY: b, maxX: c, maxY: d)
    }

    static func size(_ parameters: OGCParameters, _ name: String, limits: WMSLimits) throws(ServiceException) -> Int {
        guard let text = parameters.nonEmpty(name) else { throw .missing(name) }
        guard text.utf8.count <= 6, let value = Int(text), value > 0 else {
            throw ServiceException(nil, locator: name, "\(name) must be a whole number of pixels, not '\(text.prefix(16))'")
        }
        guard value <= limits.maxSize else {
            throw ServiceException(nil, locator: name, "\(name) \(value) is larger than this service's \(limits.maxSize) pixels")
        }
        return value
    }
}
