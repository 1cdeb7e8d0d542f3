import Foundation
import Formats
import GRDB
@testable import Portal
import Store
import Testing

/// A GeoJSON FeatureCollection is imported as it is read (`StreamedFeatures`): what it stores
/// and refuses must be what reading the whole file would give.
@Suite struct StreamedImportTests {
    static func point(_ index: Int) -> String {
        "{\"type\":\"Point\",\"coordinates\":[\(106.0 + Double(index) * 0.01),21.3]}"
    }

    /// The properties stored for the version, in feature order.
    static func stored(_ db: ImportDatabase, _ outcome: ImportOutcome) throws -> [String] {
        try db.database.read { db in
            try String.fetchAll(db, sql: "SELECT properties FROM features WHERE version_id = ? ORDER BY id",
                                arguments: [outcome.versionID])
        }
    }

    /// What the whole-file reader lays out for the file: each kept feature's properties as JSON.
    static func wholeRead(_ path: String) throws -> [String] {
        let dataset = try DatasetReader.read(path: path, originalName: (path as NSString).lastPathComponent)
        return dataset.features.filter { $0.geometry != nil }.map { ValidatedFeatures.json($0.properties) }
    }

    /// Columns met late, missing, reordered or of several types are laid out again at the end;
    /// columns the same in every feature are stored as written.
    @Test func varyingColumnsAreStoredAsTheWholeFileReadsThem() throws {
        let cases: [(String, [String?])] = [
            ("same", ["{\"a\":1,\"b\":\"x\"}", "{\"a\":2,\"b\":\"y\"}", "{\"a\":3,\"b\":null}"]),
            ("late", ["{\"a\":1}", "{\"a\":2}", "{\"a\":3,\"b\":\"x\"}", "{\"a\":4,\"b\":\"y\"}"]),
            ("missing", ["{\"a\":1,\"b\":\"x\"}", "{\"a\":2}", "{\"a\":3,\"b\":\"z\"}"]),
            ("reordered", ["{\"a\":1,\"b\":\"x\"}", "{\"b\":\"y\",\"a\":2}"]),
            ("real", ["{\"n\":1}", "{\"n\":2.5}", "{\"n\":3}"]),
            ("text", ["{\"c\":\"Xã Yên Đức\"}", "{\"c\":5}", "{\"c\":true}"]),
            ("onlyOnAnEmptyFeature", ["{\"a\":1}", nil, "{\"a\":3}"]),
        ]
        for (name, properties) in cases {
            let db = try ImportDatabase(province: false); defer { db.remove() }
            let features = properties.enumerated().map { index, text in
                (geometry: text == nil ? "null" : Self.point(index), properties: text ?? "{\"a\":2,\"chi_o_day\":\"x\"}")
            }
            let path = db.file("\(name).geojson", featureCollection(features))
            let outcome = try db.run(path)
            #expect(try Self.stored(db, outcome) == Self.wholeRead(path), "\(name)")
        }
    }

    /// A `crs` written after the features decides the source CRS.
    @Test func aCRSWrittenAfterTheFeaturesIsUsed() throws {
        let db = try ImportDatabase(province: false); defer { db.remove() }
        let projected = try db.project([(105.6, 21.3), (105.7, 21.35)], to: 9210)
        let body = projected.map { x, y in
            "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[\(x),\(y)]},\"properties\":{}}"
        }.joined(separator: ",")
        let path = db.file("sau.geojson", """
            {"type":"FeatureCollection","features":[\(body)],
             "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::9210"}}}
            """)
        let outcome = try db.run(path)
        #expect(outcome.sourceSRID == 9210 && outcome.featureCount == 2)
        #expect(within(outcome.bbox.minX, 105.6, 1e-6) && within(outcome.bbox.maxY, 21.35, 1e-6))
    }

    /// Projected coordinates without a `crs` ask for the CRS, wherever in the file they first
    /// appear, and leave nothing behind.
    @Test func projectedCoordinatesWithoutCRSAskForIt() throws {
        let db = try ImportDatabase(province: false); defer { db.remove() }
        var features = (0..<300).map { (geometry: Self.point($0), properties: "{}") }
        features[250].geometry = "{\"type\":\"Point\",\"coordinates\":[416785.43,2353056.38]}"
        let path = db.file("khong-crs.geojson", featureCollection(features))
        let error = importError { _ = try db.run(path) }
        guard case .crsUndecided(let file, nil, _)? = error else {
            Issue.record("expected crsUndecided, got \(String(describing: error))")
            return
        }
        #expect(file == "khong-crs.geojson")
        #expect(try db.counts() == [0, 0, 0, 0])
        // With WGS 84 chosen on the form, the same coordinate is out of range, named by its record.
        let chosen = importError { _ = try db.run(path, srid: 4326) }
        #expect(chosen?.description == "khong-crs.geojson: record 251: latitude 2353056.38 is out of range (−90 to 90)")
    }

    /// A file whose families differ is read to its end and refused with every count, even when
    /// the other family first appears after many features were written.
    @Test func aLateOtherFamilyIsCountedToTheEnd() throws {
        let db = try ImportDatabase(province: false); defer { db.remove() }
        var features = (0..<400).map { (geometry: Self.point($0), properties: "{}") }
        features[350].geometry = "{\"type\":\"LineString\",\"coordinates\":[[106.1,21.3],[106.2,21.4]]}"
        features[399].geometry = "{\"type\":\"LineString\",\"coordinates\":[[106.1,21.3],[106.2,21.4]]}"
        features.append((geometry: "{\"type\":\"GeometryCollection\",\"geometries\":[\(Self.point(1)),{\"type\":\"LineString\",\"coordinates\":[[106.1,21.3],[106.2,21.4]]}]}", properties: "{}"))
        let path = db.file("tron.geojson", featureCollection(features))
        let error = importError { _ = try db.run(path) }
        guard case .mixedKinds(_, let counts)? = error else {
            Issue.record("expected mixedKinds, got \(String(describing: error))")
            return
        }
        #expect(counts.map(\.kind) == ["point", "line", ImportError.mixedCollection] && counts.map(\.count) == [398, 2, 1])
        #expect(try db.counts() == [0, 0, 0, 0])
    }

    /// Text that stops being JSON deep in the file fails the import with its place, after many
    /// features were written in batches, and leaves nothing.
    @Test func brokenTextLateInTheFileLeavesNothing() throws {
        let db = try ImportDatabase(province: false); defer { db.remove() }
        var text = featureCollection((0..<2_000).map { (geometry: Self.point($0 % 50), properties: "{\"so\":\($0)}") })
        text = text.replacingOccurrences(of: "{\"so\":1999}", with: "{\"so\":19 99}")
        let path = db.file("hong.geojson", text)
        let error = importError { _ = try db.run(path) }
        #expect(error?.description.contains("is not valid JSON") == true)
        #expect(error?.description.contains("column") == true)
        #expect(try db.counts() == [0, 0, 0, 0])
    }

    /// Only features without geometry: refused as empty, counting them.
    @Test func noGeometryAtAllIsRefused() throws {
        let db = try ImportDatabase(province: false); defer { db.remove() }
        let path = db.file("rong.geojson", featureCollection([("null", "{}"), ("null", "{}")]))
        let error = importError { _ = try db.run(path) }
        guard case .noFeatures(_, let records)? = error else {
            Issue.record("expected noFeatures, got \(String(describing: error))")
            return
        }
        #expect(records == 2)
    }
}
