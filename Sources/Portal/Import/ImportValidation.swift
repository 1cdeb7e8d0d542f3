import Foundation
import Formats
import Geometry
import Store

/// The features of a dataset made ready to write: one geometry family, empty geometries
/// left out (and reported), coordinates checked, attributes as JSON in the file's order.
struct ValidatedFeatures {
    var kind: Store.GeometryKind
    var features: [VersionImportRequest.Feature]
    var warnings: [String]
    /// Up to `sampleSize` source coordinates spread over the file, for the area check.
    var sample: [Point]

    /// How many coordinates the area check transforms per candidate CRS.
    static let sampleSize = 200

    /// Checks and converts `dataset`, read in `srid`, or refuses naming the record at fault.
    init(_ dataset: consuming ImportedDataset, srid: Int, file: String, limits: ImportLimits) throws(ImportError) {
        var families: [Store.GeometryKind: Int] = [:]
        var mixedCollections = 0
        var empty: [Int] = []
        var keptCount = 0
        for feature in dataset.features {
            guard let geometry = feature.geometry, !geometry.isEmpty else {
                empty.append(feature.recordNumber)
                continue
            }
            guard let family = Self.family(geometry) else {
                mixedCollections += 1
                continue
            }
            families[family, default: 0] += 1
            keptCount += 1
        }
        if families.count + (mixedCollections > 0 ? 1 : 0) > 1 || (mixedCollections > 0 && families.isEmpty) {
            throw Self.mixedKinds(file: file, families: families, mixedCollections: mixedCollections)
        }
        guard let kind = families.keys.first, keptCount > 0 else {
            throw .noFeatures(file: file, records: dataset.features.count)
        }
        guard keptCount <= limits.maxFeatures else {
            throw .tooManyFeatures(file: file, count: keptCount, limit: limits.maxFeatures)
        }
        let geographic = ImportDecisions.geographicSRIDs.contains(srid)
        var features: [VersionImportRequest.Feature] = []
        features.reserveCapacity(keptCount)
        var sample: [Point] = []
        let stride = max(1, keptCount / Self.sampleSize)
        // Each feature as read is let go once it is converted, so the two forms of the whole
        // file never exist at once.
        for position in dataset.features.indices {
            guard let read = dataset.features[position].geometry, !read.isEmpty else { continue }
            let record = dataset.features[position].recordNumber
            let geometry = Self.flattened(read, kind)
            if let problem = Self.coordinateProblem(geometry, geographic: geographic) {
                throw .record(file: file, number: record, problem: problem)
            }
            if features.count % stride == 0, sample.count < Self.sampleSize, let first = Self.firstPoint(geometry) {
                sample.append(first)
            }
            features.append(VersionImportRequest.Feature(wkb: WKB.encode(geometry),
                                                         propertiesJSON: Self.json(dataset.features[position].properties),
                                                         recordNumber: record))
            dataset.features[position].geometry = nil
            dataset.features[position].properties = []
        }
        var warnings = dataset.warnings
        if let skipped = Self.skippedWarning(empty, file: file) { warnings.append(skipped) }
        self.kind = kind
        self.features = features
        self.warnings = warnings
        self.sample = sample
    }

    /// The warning that the records `empty` were left out for having no geometry; nil when none was.
    static func skippedWarning(_ empty: [Int], file: String) -> String? {
        guard !empty.isEmpty else { return nil }
        let named = empty.prefix(10).map(String.init).joined(separator: ", ")
        let more = empty.count > 10 ? " and \(empty.count - 10) more" : ""
        return "\(file): \(empty.count) record(s) without geometry were skipped (record\(empty.count == 1 ? "" : "s") \(named)\(more))"
    }

    /// The refusal of a file mixing geometry families, with the count of each.
    static func mixedKinds(file: String, families: [Store.GeometryKind: Int], mixedCollections: Int) -> ImportError {
        var counts: [(kind: String, count: Int)] = []
        for family in [Store.GeometryKind.point, .line, .polygon] {
            if let count = families[family] { counts.append((family.rawValue, count)) }
        }
        if mixedCollections > 0 {
            counts.append((ImportError.mixedCollection, mixedCollections))
        }
        return .mixedKinds(file: file, counts: counts)
    }

    /// The layer family of a geometry; nil for a collection that mixes families.
    static func family(_ geometry: Geometry) -> Store.GeometryKind? {
        switch geometry.kind {
        case .point: return .point
        case .line: return .line
        case .polygon: return .polygon
        case .mixed: return nil
        }
    }

    /// A collection of one family as the matching multi-geometry; others unchanged.
    static func flattened(_ geometry: Geometry, _ family: Store.GeometryKind) -> Geometry {
        guard case .geometryCollection = geometry else { return geometry }
        var points: [Point] = [], lines: [[Point]] = [], polygons: [[[Point]]] = []
        func collect(_ member: Geometry) {
            switch member {
            case .point(let point): points.append(point)
            case .multiPoint(let more): points += more
            case .lineString(let line): lines.append(line)
            case .multiLineString(let more): lines += more
            case .polygon(let rings): polygons.append(rings)
            case .multiPolygon(let more): polygons += more
            case .geometryCollection(let members): members.forEach(collect)
            }
        }
        collect(geometry)
        switch family {
        case .point: return .multiPoint(points)
        case .line: return .multiLineString(lines)
        case .polygon: return .multiPolygon(polygons)
        }
    }

    /// How far past ±180/±90 a degree value may stray: rounding noise in real files
    /// (180.00000000000006) is not an error.
    static let degreeTolerance = 1e-6

    /// What is wrong with the coordinates, worded for the record: a value that is not a
    /// number, or degrees out of range in a geographic CRS.
    static func coordinateProblem(_ geometry: Geometry, geographic: Bool) -> String? {
        var problem: String?
        geometry.forEachPart { part in
            guard problem == nil else { return }
            for point in part {
                if !point.x.isFinite || !point.y.isFinite {
                    problem = "a coordinate (\(point.x), \(point.y)) is not a finite number"
                } else if geographic && abs(point.y) > 90 + degreeTolerance {
                    problem = "latitude \(point.y) is out of range (−90 to 90)"
                } else if geographic && abs(point.x) > 180 + degreeTolerance {
                    problem = "longitude \(point.x) is out of range (−180 to 180)"
                }
                if problem != nil { return }
            }
        }
        return problem
    }

    /// The first vertex of a geometry.
    static func firstPoint(_ geometry: Geometry) -> Point? {
        var first: Point?
        geometry.forEachPart { part in
            if first == nil { first = part.first }
        }
        return first
    }

    /// The attributes as a JSON object text, in the file's order, names as written.
    static func json(_ properties: [(String, AttributeValue)]) -> String {
        var text = ""
        JSONText.appendObject(properties, to: &text)
        return text
    }
}
