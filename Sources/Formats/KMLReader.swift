import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Geometry

/// Reads KML placemarks (and KMZ through `DatasetReader`): Point, LineString, Polygon with
/// outer and inner boundaries, and MultiGeometry, with the placemark's name, description
/// and ExtendedData (Data/value and SchemaData/SimpleData) as attributes. Folders and
/// Documents are flattened. KML is always WGS 84 longitude/latitude.
///
/// Design note: Foundation's XMLParser on Linux force-unwraps element, attribute and
/// comment names as UTF-8 and traps on anything else, and it expands internal entities.
/// So the bytes are checked first: they must be valid UTF-8 (as KML requires) and declare
/// no entities (KML never needs a DTD; entity expansion is the "billion laughs" attack).
enum KMLReader {
    /// Whether `bytes` hold `<?` followed by a name, optional white space and `?>`: a
    /// processing instruction without content.
    static func hasEmptyProcessingInstruction(_ bytes: [UInt8]) -> Bool {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        var index = 0
        while index + 1 < bytes.count {
            guard bytes[index] == UInt8(ascii: "<"), bytes[index + 1] == UInt8(ascii: "?") else {
                index += 1
                continue
            }
            var cursor = index + 2
            while cursor < bytes.count, !isSpace(bytes[cursor]), bytes[cursor] != UInt8(ascii: "?") { cursor += 1 }
            while cursor < bytes.count, isSpace(bytes[cursor]) { cursor += 1 }
            if cursor + 1 < bytes.count, bytes[cursor] == UInt8(ascii: "?"), bytes[cursor + 1] == UInt8(ascii: ">") { return true }
            if cursor == bytes.count || (cursor + 1 == bytes.count && bytes[cursor] == UInt8(ascii: "?")) { return true }
            index += 2
        }
        return false
    }

    static func read(bytes: [UInt8], fileName: String, options: ReadOptions, maxRecords: Int? = nil) throws(FormatError) -> ImportedDataset {
        guard utf8Validity(bytes).valid else {
            throw .invalid(file: fileName, location: nil, problem: "is not valid UTF-8 text, which KML requires")
        }
        if contains(bytes, Array("<!ENTITY".utf8)) {
            throw .invalid(file: fileName, location: nil, problem: "declares XML entities, which KML files do not need and uploads may not contain")
        }
        if hasEmptyProcessingInstruction(bytes) {
            // Foundation's XMLParser (swift-corelibs-foundation) dereferences the missing content
            // of `<?name?>` and brings the whole process down; such a file never reaches it.
            throw .invalid(file: fileName, location: nil,
                           problem: "holds an empty XML processing instruction (<?…?>), which KML files do not need and uploads may not contain")
        }
        let handler = KMLHandler(fileName: fileName, maxFeatures: options.limits.maxFeatures, maxRecords: maxRecords)
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.delegate = handler
        let success = parser.parse()
        if let failure = handler.failure { throw failure }
        if !success && !handler.stoppedEarly {
            let reason = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "malformed XML"
            throw .invalid(file: fileName, location: "line \(parser.lineNumber)", problem: "is not well-formed KML (\(reason))")
        }
        if handler.isUnfinished && !handler.stoppedEarly {
            throw .invalid(file: fileName, location: "line \(parser.lineNumber)", problem: "is not well-formed KML (the file ends before its elements are closed)")
        }
        guard handler.sawKML else {
            throw .invalid(file: fileName, location: nil, problem: "is XML but not KML (no <kml> element)")
        }
        var names = [String]()
        var known = Set<String>()
        for placemark in handler.placemarks {
            for (name, _) in placemark.properties where !known.contains(name) {
                guard names.count < options.limits.maxFieldCount else {
                    throw .limitExceeded(file: fileName, problem: "has more than \(options.limits.maxFieldCount) distinct attributes, the limit")
                }
                known.insert(name)
                names.append(name)
            }
        }
        var inference = [String: ColumnTypeInference]()
        for placemark in handler.placemarks {
            for (name, value) in placemark.properties {
                inference[name, default: ColumnTypeInference(commaDecimal: false)].observe(Substring(value))
            }
        }
        var dataset = ImportedDataset(sourceSRID: options.srid ?? 4326)
        dataset.fields = names.map { FieldInfo(name: $0, type: inference[$0]?.type ?? .text) }
        for (index, placemark) in handler.placemarks.enumerated() {
            var values = [String: String]()
            for (name, value) in placemark.properties where values[name] == nil { values[name] = value }
            let properties = dataset.fields.map { field in
                (field.name, ColumnTypeInference.value(Substring(values[field.name] ?? ""), as: field.type, commaDecimal: false))
            }
            dataset.features.append(ImportedFeature(geometry: placemark.geometry, properties: properties, recordNumber: index + 1))
        }
        let empty = handler.placemarks.filter { $0.geometry == nil }.count
        if empty > 0 { dataset.warnings.append("\(fileName): \(empty) placemark(s) have no geometry") }
        return dataset
    }

    /// Whether `needle` occurs in `haystack`.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return false }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }

    /// Geometries in a MultiGeometry (or a placemark) folded into one.
    static func combine(_ members: [Geometry]) -> Geometry? {
        guard members.count > 1 else { return members.first }
        var points = [Point](), lines = [[Point]](), polygons = [[[Point]]]()
        for member in members {
            switch member {
            case .point(let point): points.append(point)
            case .lineString(let line): lines.append(line)
            case .polygon(let rings): polygons.append(rings)
            default: return .geometryCollection(members)
            }
        }
        if points.count == members.count { return .multiPoint(points) }
        if lines.count == members.count { return .multiLineString(lines) }
        if polygons.count == members.count { return .multiPolygon(polygons) }
        return .geometryCollection(members)
    }
}

/// The XMLParser delegate that collects placemarks.
private final class KMLHandler: NSObject, XMLParserDelegate {
    struct Placemark {
        var properties: [(String, String)] = []
        var geometry: Geometry?
    }

    /// A geometry being built: the members of a MultiGeometry or placemark, or a polygon's rings.
    final class Container {
        var members: [Geometry] = []
        var rings: [[Point]] = []
        var inner = false
    }

    let fileName: String
    let maxFeatures: Int
    let maxRecords: Int?
    var placemarks: [Placemark] = []
    var failure: FormatError?
    var stoppedEarly = false
    var sawKML = false

    private var path: [String] = []
    /// Whether the document ended with elements still open (a truncated file).
    var isUnfinished: Bool { !path.isEmpty }
    private var text = ""
    private var current: Placemark?
    private var containers: [Container] = []
    private var dataName: String?

    init(fileName: String, maxFeatures: Int, maxRecords: Int?) {
        self.fileName = fileName
        self.maxFeatures = maxFeatures
        self.maxRecords = maxRecords
    }

    static func localName(_ name: String) -> String {
        name.split(separator: ":").last.map(String.init) ?? name
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        let name = Self.localName(elementName)
        path.append(name)
        text = ""
        switch name {
        case "kml":
            sawKML = true
        case "Placemark":
            if let maxRecords, placemarks.count >= maxRecords {
                stoppedEarly = true
                parser.abortParsing()
                return
            }
            guard placemarks.count < maxFeatures else {
                failure = .limitExceeded(file: fileName, problem: "has more than \(maxFeatures) placemarks, the limit")
                parser.abortParsing()
                return
            }
            current = Placemark()
            containers = [Container()]
        case "MultiGeometry", "Polygon":
            if current != nil { containers.append(Container()) }
        case "outerBoundaryIs":
            containers.last?.inner = false
        case "innerBoundaryIs":
            containers.last?.inner = true
        case "Data", "SimpleData":
            dataName = attributes["name"]
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        let name = Self.localName(elementName)
        defer {
            if !path.isEmpty { path.removeLast() }
            text = ""
        }
        guard current != nil else { return }
        let parent = path.count >= 2 ? path[path.count - 2] : ""
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
        switch name {
        case "name" where parent == "Placemark", "description" where parent == "Placemark":
            current?.properties.append((name, value))
        case "value" where parent == "Data":
            if let dataName { current?.properties.append((dataName.precomposedStringWithCanonicalMapping, value)) }
        case "SimpleData":
            if let dataName { current?.properties.append((dataName.precomposedStringWithCanonicalMapping, value)) }
        case "coordinates":
            guard let points = coordinates(value, parser: parser) else { return }
            switch parent {
            case "Point":
                guard let point = points.first else { return }
                containers.last?.members.append(.point(point))
            case "LineString":
                if points.count >= 2 { containers.last?.members.append(.lineString(points)) }
            case "LinearRing":
                var ring = points
                if let first = ring.first, ring.last != first { ring.append(first) }
                guard ring.count >= 4, let polygon = containers.last else { return }
                if polygon.inner || polygon.rings.isEmpty {
                    polygon.rings.append(ring)
                } else {
                    polygon.rings.insert(ring, at: 0)
                }
            default:
                break
            }
        case "Polygon":
            guard containers.count > 1, let polygon = containers.popLast() else { return }
            if !polygon.rings.isEmpty { containers.last?.members.append(.polygon(polygon.rings)) }
        case "MultiGeometry":
            guard containers.count > 1, let multi = containers.popLast() else { return }
            if let combined = KMLReader.combine(multi.members) { containers.last?.members.append(combined) }
        case "Placemark":
            current?.geometry = KMLReader.combine(containers.first?.members ?? [])
            if let current { placemarks.append(current) }
            current = nil
            containers = []
        default:
            break
        }
    }

    /// The positions of a <coordinates> element: "lon,lat[,alt]" tuples separated by spaces.
    func coordinates(_ text: String, parser: XMLParser) -> [Point]? {
        var points = [Point]()
        for tuple in text.split(whereSeparator: { $0.isWhitespace }) {
            let parts = tuple.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count >= 2, let x = Double(parts[0]), let y = Double(parts[1]), x.isFinite, y.isFinite else {
                failure = .invalid(file: fileName, location: "placemark \(placemarks.count + 1)",
                                   problem: "coordinates \"\(tuple.prefix(60))\" are not longitude,latitude")
                parser.abortParsing()
                return nil
            }
            points.append(Point(x: x, y: y))
        }
        return points
    }
}
