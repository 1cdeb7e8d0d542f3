import Foundation
import Geometry

/// Reads GeoJSON (RFC 7946, and the 2008 draft's `crs` member): a FeatureCollection, a
/// single Feature, or a bare geometry.
///
/// Properties keep their order and JSON types; nested objects and arrays are kept as
/// compact JSON text. Coordinates are assumed to be WGS 84 longitude/latitude unless a
/// `crs` member names another EPSG code; when they fall outside the degree ranges and no
/// `crs` says otherwise, the CRS is left unknown with a warning, as such files are usually
/// projected data exported without a declaration.
enum GeoJSONReader {
    static func read(bytes: consuming [UInt8], fileName: String, options: ReadOptions, maxRecords: Int? = nil) throws(FormatError) -> ImportedDataset {
        // The features of a FeatureCollection are converted one by one as they are parsed, so
        // that the parsed JSON of the whole array never exists at once.
        var parser = JSONParser(bytes)
        var reading = FeatureReading(fileName: fileName, options: options, maxRecords: maxRecords)
        let root: JSONValue
        do throws(JSONParseError) {
            root = try parser.parseObject(streaming: "features") { value in reading.add(value) }
            parser.skipSpace()
            guard parser.index == parser.bytes.count else { throw parser.failure("unexpected text after the end of the JSON value") }
        } catch {
            throw .invalid(file: fileName, location: nil, problem: "is not valid JSON: \(error.message)")
        }
        // The text is no longer needed: let it go before the features are normalised.
        parser = JSONParser([])
        guard case .object = root, let type = root["type"]?.string else {
            throw .invalid(file: fileName, location: nil, problem: "is not GeoJSON: the top-level object has no \"type\"")
        }
        switch type {
        case "FeatureCollection":
            guard case .array? = root["features"] else {
                throw .invalid(file: fileName, location: nil, problem: "the FeatureCollection has no \"features\" array")
            }
            if let problem = reading.firstProblem { throw problem }
        case "Feature":
            reading = FeatureReading(fileName: fileName, options: options, maxRecords: maxRecords)
            try reading.addOrThrow(root)
        default:
            reading = FeatureReading(fileName: fileName, options: options, maxRecords: maxRecords)
            try reading.addOrThrow(.object([("type", .string("Feature")), ("geometry", root), ("properties", .null)]))
        }
        guard reading.count <= options.limits.maxFeatures else {
            throw .limitExceeded(file: fileName, problem: "has \(reading.count) features; the limit is \(options.limits.maxFeatures)")
        }
        var dataset = ImportedDataset()
        dataset.fields = reading.collector.fields
        // Moved, not copied, and each feature's properties replaced in place: the features exist
        // once, however large the file.
        dataset.features = reading.features
        reading.features = []
        var nullGeometries = 0
        for index in dataset.features.indices {
            if dataset.features[index].geometry == nil { nullGeometries += 1 }
            dataset.features[index].properties = FieldCollector.normalise(dataset.features[index].properties,
                                                                          to: dataset.fields)
        }
        if nullGeometries > 0 {
            dataset.warnings.append("\(fileName): \(nullGeometries) feature(s) have no geometry")
        }
        try resolveCRS(root["crs"], fileName: fileName, options: options, dataset: &dataset)
        return dataset
    }

    /// The features read so far: each one's geometry and properties, the columns seen, and how
    /// many there were (counted past the limits too, for the message).
    struct FeatureReading {
        let fileName: String
        let options: ReadOptions
        let maxRecords: Int?
        var collector = FieldCollector()
        var features = [ImportedFeature]()
        var count = 0
        /// The first feature refused while streaming: thrown once the document turns out to be a
        /// FeatureCollection (a "features" member of anything else is not its features).
        var firstProblem: FormatError?

        init(fileName: String, options: ReadOptions, maxRecords: Int?) {
            self.fileName = fileName
            self.options = options
            self.maxRecords = maxRecords
        }

        mutating func add(_ value: JSONValue) {
            guard firstProblem == nil else {
                count += 1
                return
            }
            do {
                try addOrThrow(value)
            } catch {
                firstProblem = error
            }
        }

        mutating func addOrThrow(_ value: JSONValue) throws(FormatError) {
            if let feature = try read(value) { features.append(feature) }
        }

        /// The next feature, `value` converted; nil past the limits (counted all the same).
        mutating func read(_ value: JSONValue) throws(FormatError) -> ImportedFeature? {
            count += 1
            guard count <= options.limits.maxFeatures, maxRecords.map({ count <= $0 }) ?? true else { return nil }
            let location = "feature \(count)"
            guard case .object = value, value["type"]?.string == "Feature" else {
                throw .invalid(file: fileName, location: location, problem: "is not an object with \"type\": \"Feature\"")
            }
            var geometry: Geometry?
            switch value["geometry"] {
            case nil, .null?:
                geometry = nil
            case let member?:
                do {
                    geometry = try GeoJSON.geometry(fromObject: member.foundationObject)
                } catch let error as GeometryError {
                    if case .geoJSON(let message) = error {
                        throw .invalid(file: fileName, location: location, problem: "geometry: \(message)")
                    }
                    throw .invalid(file: fileName, location: location, problem: "geometry: \(error.description)")
                } catch {
                    throw .invalid(file: fileName, location: location, problem: "geometry cannot be read")
                }
            }
            var properties = [(String, AttributeValue)]()
            switch value["properties"] {
            case nil, .null?:
                break
            case .object(let members)?:
                for (key, member) in members {
                    let attribute = GeoJSONReader.attributeValue(member)
                    guard collector.observe(key, attribute, limit: options.limits.maxFieldCount) else {
                        throw .limitExceeded(file: fileName, problem: "has more than \(options.limits.maxFieldCount) distinct properties, the limit")
                    }
                    properties.append((key, attribute))
                }
            default:
                throw .invalid(file: fileName, location: location, problem: "\"properties\" is neither an object nor null")
            }
            return ImportedFeature(geometry: geometry, properties: properties, recordNumber: count)
        }
    }

    static func resolveCRS(_ crs: JSONValue?, fileName: String, options: ReadOptions,
                           dataset: inout ImportedDataset) throws(FormatError) {
        let decision = CRSDecision(crs, fileName: fileName, options: options)
        dataset.sourceSRID = decision.srid
        dataset.sourceCRSDescription = decision.description
        dataset.warnings += decision.warnings
        guard decision.isAssumed else { return }
        let box = dataset.features.reduce(BoundingBox.empty) { $0.union($1.geometry?.bbox ?? .empty) }
        if let warning = CRSDecision.outsideDegrees(box, fileName: fileName) {
            dataset.sourceSRID = nil
            dataset.warnings.append(warning)
        }
    }

    /// The source CRS as the options choose it or the `crs` member declares it; without
    /// either, EPSG:4326 is assumed — until a coordinate falls outside the degree ranges.
    struct CRSDecision {
        var srid: Int?
        var description: String?
        var warnings: [String] = []
        /// Neither chosen nor declared: EPSG:4326 by RFC 7946, unless the coordinates say otherwise.
        var isAssumed = false

        init(_ crs: JSONValue?, fileName: String, options: ReadOptions) {
            if let chosen = options.srid {
                srid = chosen
                return
            }
            guard let crs, case .object = crs else {
                srid = 4326
                isAssumed = true
                return
            }
            let properties = crs["properties"]
            let description = properties?["name"]?.string
                ?? (properties?["code"]).map { "EPSG:\($0.jsonText)" }
                ?? crs.jsonText
            self.description = description
            srid = GeoJSONReader.epsgCode(fromCRSName: description)
            if srid == nil {
                warnings.append("\(fileName): the declared coordinate system \"\(description)\" was not recognised; choose it on the form")
            }
        }

        /// The warning that coordinates reaching `box` are not longitude/latitude, or nil when they may be.
        static func outsideDegrees(_ box: BoundingBox, fileName: String) -> String? {
            guard !box.isEmpty && (box.minX < -180 || box.maxX > 180 || box.minY < -90 || box.maxY > 90) else { return nil }
            return "\(fileName): coordinates reach \(box.description), outside longitude/latitude degrees, and no \"crs\" is declared; choose the coordinate system on the form"
        }
    }

    /// The EPSG code in a CRS name: "urn:ogc:def:crs:EPSG::3405", "urn:ogc:def:crs:EPSG:6.6:3405",
    /// "EPSG:3405", and CRS84 as 4326.
    static func epsgCode(fromCRSName name: String) -> Int? {
        let upper = name.uppercased().trimmingCharacters(in: .whitespaces)
        if upper.hasSuffix("CRS84") || upper.hasSuffix("CRS:84") { return 4326 }
        guard upper.contains("EPSG") else { return nil }
        let digits = upper.reversed().prefix { $0.isNumber }
        guard !digits.isEmpty, let code = Int(String(digits.reversed())) else { return nil }
        return code
    }

    static func attributeValue(_ value: JSONValue) -> AttributeValue {
        switch value {
        case .null: return .null
        case .bool(let flag): return .boolean(flag)
        case .integer(let number): return .integer(number)
        case .number(let number): return .real(number)
        case .string(let text): return .text(text)
        case .array, .object: return .text(value.jsonText)
        }
    }
}
