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
        var stream = stream(to: handle, srid: srid)
        for feature in features { try stream.append(feature) }
        try stream.finish()
    }

    /// A collection to be written to `handle` one feature at a time (see `Stream`).
    public func stream(to handle: FileHandle, srid: Int? = nil) -> Stream {
        Stream(writer: self, handle: handle, srid: srid)
    }

    /// A FeatureCollection written to a file handle feature by feature, as the caller reads its
    /// features, so no more than one chunk of text is held in memory whatever the size of the
    /// collection. The bytes are the same as `data(for:srid:)` gives for the same features.
    public struct Stream {
        /// Text is handed to the file once this many bytes are waiting.
        static let chunkBytes = 1 << 20

        let writer: GeoJSONWriter
        let handle: FileHandle
        var buffer: String
        /// Features appended so far.
        public private(set) var count = 0

        init(writer: GeoJSONWriter, handle: FileHandle, srid: Int?) {
            self.writer = writer
            self.handle = handle
            self.buffer = writer.header(srid: srid)
        }

        /// Adds `feature` to the collection.
        public mutating func append(_ feature: ImportedFeature) throws(FormatError) {
            if count > 0 { buffer += ",\n" }
            buffer += writer.featureText(feature)
            count += 1
            if buffer.utf8.count >= Self.chunkBytes { try flush() }
        }

        /// Closes the collection and writes what is left; append nothing after.
        public mutating func finish() throws(FormatError) {
            buffer += "]}\n"
            try flush()
        }

        private mutating func flush() throws(FormatError) {
            do {
                try handle.write(contentsOf: Data(buffer.utf8))
            } catch {
                throw .cannotWrite(file: "GeoJSON export", reason: error.localizedDescription)
            }
            buffer.removeAll(keepingCapacity: true)
        }
    }
}
