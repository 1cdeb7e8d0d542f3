import Foundation
import Geometry

/// A GeoJSON FeatureCollection read one feature at a time, for imports whose memory must not
/// grow with the file: the file is mapped, not read into memory, and the pages already read
/// are given back as reading goes on.
///
/// Opening it passes over the `features` array once without building anything (checking only
/// that brackets pair up) to learn what must be known before the first feature is written:
/// the document's other members (its `crs`, wherever it is written) and how many features
/// there are. `next()` then parses the features in order. Their properties come as written —
/// in each feature's own order and type; the columns and their types are known only at the end
/// (`fields`), where `normalise` lays a feature's properties out as `DatasetReader.read` would.
public struct GeoJSONStream {
    public let fileName: String
    /// How many items the `features` array holds.
    public let total: Int
    /// The source CRS: chosen in the options, else declared by `crs`, else EPSG:4326 (then
    /// `crsAssumed`); nil when a declared one was not recognised (see `warnings`).
    public let sourceSRID: Int?
    /// The CRS as the file declares it.
    public let sourceCRSDescription: String?
    /// Whether EPSG:4326 is only assumed (nothing chosen or declared): coordinates outside the
    /// degree ranges then mean the CRS is unknown (`outsideDegreesWarning`).
    public let crsAssumed: Bool
    /// What was noticed while opening (an unrecognised `crs`).
    public let warnings: [String]
    /// How many features so far had a null geometry.
    public private(set) var nullGeometries = 0

    private var parser: JSONParser
    private var reading: GeoJSONReader.FeatureReading
    private var started = false
    private var finished = false
    private var releasedTo: Int

    /// How many bytes are read between two releases of the pages read.
    static let releaseInterval = 4 << 20

    /// Opens the GeoJSON file at `path` when it holds a FeatureCollection; nil when it holds
    /// another GeoJSON document (a Feature, a bare geometry), which `DatasetReader.read` reads
    /// whole. Throws when the file cannot be read, is not JSON, or has more features than the
    /// limit.
    public static func open(path: String, fileName: String, options: ReadOptions) throws(FormatError) -> GeoJSONStream? {
        guard let storage = ByteBuffer.mapping(path: path) else {
            throw .cannotRead(file: fileName, reason: "the file cannot be opened")
        }
        var parser = JSONParser(storage)
        let root: (value: JSONValue, arrayAt: Int?, items: Int)
        do throws(JSONParseError) {
            root = try parser.parseObject(skipping: "features")
            parser.skipSpace()
            guard parser.index == parser.bytes.count else { throw parser.failure("unexpected text after the end of the JSON value") }
        } catch {
            throw .invalid(file: fileName, location: nil, problem: "is not valid JSON: \(error.message)")
        }
        guard case .object = root.value, root.value["type"]?.string == "FeatureCollection", let arrayAt = root.arrayAt else {
            return nil
        }
        guard root.items <= options.limits.maxFeatures else {
            throw .limitExceeded(file: fileName, problem: "has \(root.items) features; the limit is \(options.limits.maxFeatures)")
        }
        storage.release(0..<storage.bytes.count)
        parser.index = arrayAt + 1
        return GeoJSONStream(fileName: fileName, options: options, parser: parser, total: root.items,
                             crs: GeoJSONReader.CRSDecision(root.value["crs"], fileName: fileName, options: options))
    }

    private init(fileName: String, options: ReadOptions, parser: JSONParser, total: Int, crs: GeoJSONReader.CRSDecision) {
        self.fileName = fileName
        self.total = total
        self.parser = parser
        releasedTo = parser.index
        reading = GeoJSONReader.FeatureReading(fileName: fileName, options: options, maxRecords: nil)
        sourceSRID = crs.srid
        sourceCRSDescription = crs.description
        crsAssumed = crs.isAssumed
        warnings = crs.warnings
    }

    /// The next feature, its properties as written; nil after the last. Throws naming the
    /// feature ("feature 17") or the place in the text at fault.
    public mutating func next() throws(FormatError) -> ImportedFeature? {
        guard !finished else { return nil }
        let value: JSONValue?
        do throws(JSONParseError) {
            value = try parser.nextItem(first: !started, depth: 1)
        } catch {
            throw .invalid(file: fileName, location: nil, problem: "is not valid JSON: \(error.message)")
        }
        started = true
        if parser.index - releasedTo >= Self.releaseInterval {
            parser.storage.release(releasedTo..<parser.index)
            releasedTo = parser.index
        }
        guard let value else {
            finished = true
            return nil
        }
        guard let feature = try reading.read(value) else { return nil }
        if feature.geometry == nil { nullGeometries += 1 }
        return feature
    }

    /// The columns met so far, in the order first met, each with the type of its values (one
    /// type, integers and reals as real, anything else mixed as text).
    public var fields: [FieldInfo] { reading.collector.fields }

    /// The names of the columns met so far, in that order.
    public var fieldNames: [String] { reading.collector.names }

    /// Whether some column so far held values of more than one type: its values then change
    /// when laid out to `fields`.
    public var hasMixedTypes: Bool { reading.collector.hasMixedTypes }

    /// The warnings `DatasetReader.read` would give, now that every feature has been read.
    public var closingWarnings: [String] {
        (nullGeometries > 0 ? ["\(fileName): \(nullGeometries) feature(s) have no geometry"] : []) + warnings
    }

    /// The warning that coordinates reaching `box` cannot be longitude/latitude, or nil.
    public static func outsideDegreesWarning(_ box: BoundingBox, fileName: String) -> String? {
        GeoJSONReader.CRSDecision.outsideDegrees(box, fileName: fileName)
    }

    /// `properties` laid out as `DatasetReader.read` lays out a feature's: in `fields`' order,
    /// missing ones null, each converted to its field's type.
    public static func normalise(_ properties: [(String, AttributeValue)], to fields: [FieldInfo]) -> [(String, AttributeValue)] {
        FieldCollector.normalise(properties, to: fields)
    }

    /// A feature's properties as a JSON object holds them (as the store keeps them), for laying
    /// out again with `normalise`; nil when `text` is not a JSON object.
    public static func properties(fromJSON text: String) -> [(String, AttributeValue)]? {
        var parser = JSONParser(Array(text.utf8))
        guard case .object(let members)? = try? parser.parseDocument() else { return nil }
        return members.map { ($0.0, GeoJSONReader.attributeValue($0.1)) }
    }
}
