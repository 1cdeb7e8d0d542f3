import Foundation
import Geometry

/// Writes features as a GeoJSON FeatureCollection, for export.
///
/// Properties keep their order; coordinates are rounded to `decimals` places (7 is about a
/// centimetre in degrees; use fewer for projected metres). A CRS other than 4326 is
/// declared with the 2008 `crs` member, which GDAL and QGIS still honour. Output can go to
/// memory or be streamed to a file handle feature by feature.
public struct GeoJSONWriter: Sendable {
    public var decimals: Int

    public init(decimals: Int = 7) {
        self.decimals = decimals
    }

    /// One Feature object as compact JSON text.
    public func featureText(_ feature: ImportedFeature) -> String {
        var text = "{\"type\":\"Feature\",\"geometry\":"
        if let geometry = feature.geometry {
            text += GeoJSON.string(for: geometry, decimals: decimals)
        } else {
            text += "null"
        }
        text += ",\"properties\":"
        JSONText.appendObject(feature.properties, to: &text)
        text += "}"
        return text
    }

    /// The opening of the collection, up to the features array.
    func header(srid: Int?) -> String {
        var text = "{\"type\":\"FeatureCollection\","
        if let srid, srid != 4326 {
            text += "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::\(srid)\"}},"
        }
        return text + "\"features\":["
    }

    /// The whole collection in memory.
    public func data<S: Sequence>(for features: S, srid: Int? = nil) -> Data where S.Element == ImportedFeature {
        var text = header(srid: srid)
        for (index, feature) in features.enumerated() {
            if index > 0 { text += ",\n" }
            text += featureText(feature)
        }
        text += "]}\n"
        return Data(text.utf8)
    }

    /// The collection written to `handle` as it is produced, in chunks of about 1 MB.
    public func write<S: Sequence>(_ features: S, srid: Int? = nil, to handle: FileHandle) throws(FormatError)
        where S.Element == ImportedFeature {
        var buffer = header(srid: srid)
        func flush() throws(FormatError) {
            do {
                try handle.write(contentsOf: Data(buffer.utf8))
            } catch {
                throw .cannotWrite(file: "GeoJSON export", reason: error.localizedDescription)
            }
            buffer = ""
        }
        for (index, feature) in features.enumerated() {
            if index > 0 { buffer += ",\n" }
            buffer += featureText(feature)
            if buffer.utf8.count >= 1 << 20 { try flush() }
        }
        buffer += "]}\n"
        try flush()
    }
}
