import Foundation
import Formats
import Geometry
import GRDB
@testable import Portal
import Store
import Testing
import FormatsTestSupport
import ZIPFoundation

/// A fresh migrated database with one agency ("stnmt": an editor and a viewer) and another
/// ("sxd": an editor), with or without the demo province's box as its province boundary.
struct ImportDatabase {
    /// The demo province's extent (see DemoProvince).
    static let provinceWKT = "POLYGON((105.92 21.12, 106.98 21.12, 106.98 21.58, 105.92 21.58, 105.92 21.12))"

    let folder: String
    let database: SpatialDatabase

    init(province: Bool) throws {
        folder = NSTemporaryDirectory() + "bando-import-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        database = try SpatialDatabase(path: folder + "/bando.sqlite")
        try Migrator(directory: try Resources(root: repositoryRoot).migrations).migrate(database)
        let agencies = AgencyRepository(database), users = UserRepository(database)
        try agencies.create(code: "stnmt", name: "Sở Tài nguyên và Môi trường", kind: .department, parentCode: nil)
        try agencies.create(code: "sxd", name: "Sở Xây dựng", kind: .department, parentCode: nil)
        try users.create(username: "bien", displayName: "Biên tập", agencyCode: "stnmt", role: .editor, passwordHash: "x")
        try users.create(username: "xem", displayName: "Người xem", agencyCode: "stnmt", role: .viewer, passwordHash: "x")
        try users.create(username: "xaydung", displayName: "Xây dựng", agencyCode: "sxd", role: .editor, passwordHash: "x")
        if province {
            try AdminUnitRepository(database).insert(code: "22", name: "Tỉnh thử", level: "province", parentCode: nil,
                                                     wkt: Self.provinceWKT)
        }
    }

    var pipeline: ImportPipeline { ImportPipeline(database: database) }

    /// Writes `text` to a file of the folder and returns its path.
    func file(_ name: String, _ text: String) -> String {
        let path = folder + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    /// Imports `path` as user "bien" of "stnmt".
    func run(_ path: String, layer: String? = nil, title: String? = nil, srid: Int? = nil, encoding: String? = nil,
             lonColumn: String? = nil, latColumn: String? = nil, sourceLayer: String? = nil,
             user: String = "bien", agency: String = "stnmt") throws(ImportError) -> ImportOutcome {
        try pipeline.run(ImportRequest(path: path, agencyCode: agency, username: user, layerSlug: layer, title: title,
                                       srid: srid, encoding: encoding, lonColumn: lonColumn, latColumn: latColumn,
                                       layerName: sourceLayer))
    }

    /// (layers, versions, features, audit entries) now in the database.
    func counts() throws -> [Int] {
        try database.read { db in
            try ["layers", "layer_versions", "features", "audit_log"].map {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? -1
            }
        }
    }

    /// The features of a layer version as export reads them.
    func features(_ slug: String, version: Int) throws -> [ImportedFeature] {
        let export = LayerExport(database: database)
        return try export.features(of: try export.version(slug: slug, number: version))
    }

    /// `points` (lon, lat) transformed by PROJ to EPSG:`srid`, through SpatiaLite.
    func project(_ points: [(Double, Double)], to srid: Int) throws -> [(Double, Double)] {
        try database.read { db in
            try points.map { lon, lat in
                let row = try Row.fetchOne(db, sql: "SELECT X(t), Y(t) FROM (SELECT ST_Transform(MakePoint(?, ?, 4326), ?) AS t)",
                                           arguments: [lon, lat, srid])
                return (row?[0] ?? .nan, row?[1] ?? .nan)
            }
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }
}

/// The error a pipeline call threw, or nil.
func importError(_ body: () throws -> Void) -> ImportError? {
    do {
        try body()
        return nil
    } catch let error as ImportError {
        return error
    } catch {
        return .store(.database("unexpected error \(error)"))
    }
}

/// A GeoJSON FeatureCollection from geometry texts and property texts.
func featureCollection(_ features: [(geometry: String, properties: String)], crs: Int? = nil) -> String {
    let crsMember = crs.map { "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::\($0)\"}}," } ?? ""
    let body = features.map { "{\"type\":\"Feature\",\"geometry\":\($0.geometry),\"properties\":\($0.properties)}" }
    return "{\"type\":\"FeatureCollection\",\(crsMember)\"features\":[\(body.joined(separator: ","))]}"
}

func within(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool { abs(a - b) <= tolerance }

/// The import pipeline against real files and files built here.
@Suite struct ImportPipelineTests {
    static let folder = "/work/shared/bench/data/src/geopandas/datasets"
    static let boroughs = "\(folder)/nybb_16a.zip"
    static let countries = "\(folder)/naturalearth_lowres/naturalearth_lowres.shp"
    static let cities = "\(folder)/naturalearth_cities/naturalearth_cities.shp"

    // MARK: Real files

    @Test(.enabled(if: FileManager.default.fileExists(atPath: boroughs), "nybb_16a.zip is not present"))
    func newYorkBoroughsFromStatePlaneFeet() throws {
        let db = try ImportDatabase(province: false); defer { db.remove() }
        let outcome = try db.run(Self.boroughs)
        #expect(outcome.featureCount == 5 && outcome.sourceSRID == 2263 && outcome.status == "pending")
        #expect(outcome.layerSlug == "nybb-16a" && outcome.versionNumber == 1 && outcome.kind == .polygon)
        // PROJ's answer through the spatialite CLI: -74.25559, 40.49612, -73.70001, 40.91553.
        #expect(within(outcome.bbox.minX, -74.2556, 0.01) && within(outcome.bbox.maxX, -73.7000, 0.01))
        #expect(within(outcome.bbox.minY, 40.4961, 0.01) && within(outcome.bbox.maxY, 40.9155, 0.01))
        let names = try db.features("nybb-16a", version: 1).compactMap { feature -> String? in
            if case .text(let name)? = feature["BoroName"] { return name }
            return nil
        }
        #expect(Set(names) == ["Bronx", "Brooklyn", "Manhattan", "Queens", "Staten Island"])
        let audit = try AuditRepository(db.database).entries(AuditFilter(action: "layer.import"), limit: 5)
        #expect(audit.first?.detail == "version 1, 5 features, EPSG:2263, encoding UTF-8")
        #expect(audit.first?.target == "nybb-16a" && audit.first?.username == "bien")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: boroughs), "nybb_16a.zip is not present"))
    func newYorkIsRefusedOutsideTheProvinceAndLeavesNothing() throws {
        let db = try ImportDatabase(province: true); defer { db.remove() }
        let before = try db.counts()
        let error = importError { _ = try db.run(Self.boroughs) }
        guard case .outsideProvince(let inside, let total, _, let source, let suggestion)? = error else {
            Issue.record("expected outsideProvince, got \(String(describing: error))")
            return
        }
        #expect(inside == 0 && total == 5 && source.code == 2263 && suggestion == nil)
        #expect(error?.description.contains("nothing was imported") == true)
        #expect(try db.counts() == before)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: countries), "naturalearth_lowres is not present"))
    func naturalEarthCountries() throws {
        let db = try ImportDatabase(province: false); defer { db.remove() }
        let outcome = try db.run(Self.countries, title: "Các quốc gia")
        #expect(outcome.featureCount == 177 && outcome.sourceSRID == 4326 && outcome.layerSlug == "cac-quoc-gia")
        let features = try db.features("cac-quoc-gia", version: 1)
        let vietnam = try #require(features.first { $0["name"] == .text("Vietnam") })
        let box = try #require(vietnam.geometry?.bbox)
        #expect(within(box.minX, 102.1704, 0.01) && within(box.maxX, 109.3353, 0.01))
        #expect(within(box.minY, 8.5998, 0.01) && within(box.maxY, 23.3521, 0.01))
        #expect(features.first?.properties.map(\.0) == ["pop_est", "continent", "name", "iso_a3", "gdp_md_est"])
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: cities), "naturalearth_cities is not present"))
    func naturalEarthCities() throws {
        let db = try ImportDatabase(province: false); defer { db.remove() }
        let outcome = try db.run(Self.cities)
        #expect(outcome.featureCount == 243 && outcome.kind == .point && outcome.layerSlug == "naturalearth-cities")
    }

    // MARK: Coordinate systems

    @Test func vn2000Zone107PointsMatchPROJ() throws {
        let db = try ImportDatabase(province: true); defer { db.remove() }
        let lonLat = [(106.2, 21.27), (106.05, 21.2), (106.9, 21.55)]
        let projected = try db.project(lonLat, to: 9214)
        // The RECIPES control point, PROJ's own answer (cs2cs and SpatiaLite agree).
        #expect(within(projected[0].0, 416785.4281, 0.01) && within(projected[0].1, 2353056.3814, 0.01))
        let features = projected.enumerated().map { index, point in
            (geometry: "{\"type\":\"Point\",\"coordinates\":[\(point.0),\(point.1)]}", properties: "{\"stt\":\(index + 1)}")
        }
        let outcome = try db.run(db.file("diem.geojson", featureCollection(features, crs: 9214)))
        #expect(outcome.sourceSRID == 9214 && outcome.featureCount == 3)
        let stored = try db.features(outcome.layerSlug, version: 1)
        for (feature, expected) in zip(stored, lonLat) {
            guard case .point(let point)? = feature.geometry else { Issue.record("not a point"); continue }
            // 1 m is about 1e-5 degrees.
            #expect(within(point.x, expected.0, 1e-5) && within(point.y, expected.1, 1e-5))
        }
    }

    @Test func utm48NorthFromCSVMatchesPROJ() throws {
        let db = try ImportDatabase(province: true); defer { db.remove() }
        // PROJ 9.1.1 (spatialite CLI): lon 106.2, lat 21.27 is 624299.2699, 2352610.7164 in EPSG:3405.
        let csv = "ten,x,y\nMốc A,624299.2699,2352610.7164\nMốc B,624299.2699,2352610.7164\n"
        let outcome = try db.run(db.file("moc.csv", csv), srid: 3405)
        #expect(outcome.sourceSRID == 3405 && outcome.featureCount == 2)
        #expect(within(outcome.bbox.minX, 106.2, 1e-5) && within(outcome.bbox.minY, 21.27, 1e-5))
        #expect(try db.features(outcome.layerSlug, version: 1).first?["ten"] == .text("Mốc A"))
    }

    @Test func wrongVN2000ZoneIsNamed() throws {
        let db = try ImportDatabase(province: true); defer { db.remove() }
        var lonLat: [(Double, Double)] = []
        for index in 0..<12 {
            let step = Double(index)
            let row = Double(index % 4)
            lonLat.append((105.97 + step * 0.085, 21.2 + row * 0.08))
        }
        let projected: [(Double, Double)] = try db.project(lonLat, to: 9209)
        var rows: [String] = []
        for (index, point) in projected.enumerated() { rows.append("\(index + 1),\(point.0),\(point.1)") }
        let path = db.file("toado.csv", "stt,x,y\n" + rows.joined(separator: "\n") + "\n")
        let before = try db.counts()
        let error = importError { _ = try db.run(path, srid: 9214) }
        guard case .outsideProvince(_, let total, _, let source, let suggestion)? = error else {
            Issue.record("expected outsideProvince, got \(String(describing: error))")
            return
        }
        #expect(total == 12 && source.code == 9214 && suggestion?.code == 9209)
        let message = error?.description ?? ""
        #expect(message.contains("these look like VN-2000 zone 105°30′ coordinates read as 107°00′ — try --srid 9209"))
        #expect(try db.counts() == before)
        let outcome = try db.run(path, srid: 9209)
        #expect(outcome.featureCount == 12 && outcome.bbox.minX > 105.9 && outcome.bbox.maxX < 107)
    }

    @Test func undecidableCRSListsTheChoices() throws {
        let db = try ImportDatabase(province: false); defer { db.remove() }
        let path = db.file("toado.csv", "stt,x,y\n1,416785.43,2353056.38\n")
        let error = importError { _ = try db.run(path) }
        guard case .crsUndecided(_, _, let choices)? = error else {
            Issue.record("expected crsUndecided, got \(String(describing: error))")
            return
        }
        #expect(choices.map(\.code).contains(9214) && choices.map(\.code).contains(4326))
        #expect(error?.description.contains("9209  VN-2000 múi 3° KTT 105°30′") == true)
    }

    @Test func latitudeOutOfRangeNamesTheRecord() throws {
        let db = try ImportDatabase(province: false); defer { db.remove() }
        let path = db.file("sai.geojson", featureCollection([
            ("{\"type\":\"Point\",\"coordinates\":[106.1,21.3]}", "{}"),
            ("{\"type\":\"Point\",\"coordinates\":[106.1,123.4]}", "{}"),
        ]))
        let error = importError { _ = try db.run(path, srid: 4326) }
        #expect(error?.description == "sai.geojson: record 2: latitude 123.4 is out of range (−90 to 90)")
        #expect(try db.counts() == [0, 0, 0, 0])
    }

    // MARK: Geometry checks

    @Test func bowTieIsRepairedAndCounted() throws {
        let db = try ImportDatabase(province: true); defer { db.remove() }
        let path = db.file("thua.geojson", featureCollection([
            ("{\"type\":\"Polygon\",\"coordinates\":[[[106.1,21.3],[106.2,21.3],[106.2,21.4],[106.1,21.4],[106.1,21.3]]]}", "{\"so\":1}"),
            ("{\"type\":\"Polygon\",\"coordinates\":[[[106.3,21.3],[106.4,21.4],[106.3,21.4],[106.4,21.3],[106.3,21.3]]]}", "{\"so\":2}"),
        ]))
        let outcome = try db.run(path)
        #expect(outcome.featureCount == 2 && outcome.repairedCount == 1)
        #expect(outcome.warnings.contains { $0.contains("repaired with MakeValid (record 2)") })
        let repaired = try db.features(outcome.layerSlug, version: 1)[1].geometry
        guard case .multiPolygon(let parts)? = repaired else {
            Issue.record("the bow-tie should become a multipolygon, got \(String(describing: repaired))")
            return
        }
        #expect(parts.count == 2)
    }

    @Test func mixedKindsAreRefusedWithCounts() throws {
        let db = try ImportDatabase(province: false); defer { db.remove() }
        let path = db.file("tron.geojson", featureCollection([
            ("{\"type\":\"Point\",\"coordinates\":[106.1,21.3]}", "{}"),
            ("{\"type\":\"MultiPoint\",\"coordinates\":[[106.1,21.3]]}", "{}"),
            ("{\"type\":\"LineString\",\"coordinates\":[[106.1,21.3],[106.2,21.4]]}", "{}"),
        ]))
        let error = importError { _ = try db.run(path) }
        let message = error?.description ?? ""
        #expect(message.contains("2 points, 1 line") && message.contains("split"))
        #expect(try db.counts() == [0, 0, 0, 0])
    }

    @Test func emptyGeometriesAreSkippedWithAWarning() throws {
        let db = try ImportDatabase(province: false); defer { db.remove() }
        let path = db.file("rong.geojson", featureCollection([
            ("{\"type\":\"Point\",\"coordinates\":[106.1,21.3]}", "{}"),
            ("null", "{}"),
            ("{\"type\":\"Point\",\"coordinates\":[106.2,21.3]}", "{}"),
        ]))
        let outcome = try db.run(path)
        #expect(outcome.featureCount == 2)
        #expect(outcome.warnings.contains { $0.contains("1 record(s) without geometry were skipped (record 2)") })
    }

    @Test func aFailureHalfwayLeavesNoVersionAndNoFeatures() throws {
        let db = try ImportDatabase(province: false); defer { db.remove() }
        var features: [(geometry: String, properties: String)] = (0..<5).map { index in
            let x = 106.0 + Double(index) * 0.1
            return ("{\"type\":\"Polygon\",\"coordinates\":[[[\(x),21.3],[\(x + 0.05),21.3],[\(x + 0.05),21.35],[\(x),21.3]]]}", "{}")
        }
        // Record 4 is a polygon collapsed to a line: MakeValid leaves no area to keep.
        features[3].geometry = "{\"type\":\"Polygon\",\"coordinates\":[[[106.25,21.25],[106.5,21.5],[106.75,21.75],[106.25,21.25]]]}"
        let path = db.file("hong.geojson", featureCollection(features))
        let error = importError { _ = try db.run(path) }
        guard case .record(_, let number, _)? = error else {
            Issue.record("expected a record error, got \(String(describing: error))")
            return
        }
        #expect(number == 4)
        #expect(error?.description.contains("hong.geojson: record 4:") == true)
        #expect(try db.counts() == [0, 0, 0, 0])
    }

    @Test func aStoreFailureMidImportLeavesTheDatabaseAsBefore() throws {
        let db = try ImportDatabase(province: false); defer { db.remove() }
        let points = (0..<5).map { index in
            (geometry: "{\"type\":\"Point\",\"coordinates\":[\(106.0 + Double(index) * 0.1),21.3]}", properties: "{}")
        }
        let path = db.file("diem.geojson", featureCollection(points))
        try db.database.write { db in
            try db.execute(sql: """
                CREATE TRIGGER injected_failure BEFORE INSERT ON features WHEN (SELECT count(*) FROM features) >= 2
                BEGIN SELECT RAISE(ABORT, 'database or disk is full (injected)'); END
                """)
        }
        let before = try db.counts()
        let error = importError { _ = try db.run(path, title: "Điểm") }
        #expect(error?.description.contains("disk is full (injected)") == true)
        #expect(try db.counts() == before)
    }

    // MARK: Layers, versions and rights

    @Test func newVersionsOfALayerAndTheirRules() throws {
        let db = try ImportDatabase(province: false); defer { db.remove() }
        let points = db.file("truong.geojson", featureCollection([("{\"type\":\"Point\",\"coordinates\":[106.1,21.3]}", "{}")]))
        let first = try db.run(points, title: "Trường học")
        #expect(first.layerSlug == "truong-hoc-stnmt" && first.layerCreated)
        let again = try db.run(points, title: "Trường học")
        #expect(again.layerSlug == "truong-hoc-stnmt-2")
        let second = try db.run(points, layer: "truong-hoc-stnmt")
        #expect(second.layerSlug == "truong-hoc-stnmt" && second.versionNumber == 2 && !second.layerCreated && second.status == "pending")
        let line = db.file("duong.geojson", featureCollection([("{\"type\":\"LineString\",\"coordinates\":[[106.1,21.3],[106.2,21.4]]}", "{}")]))
        #expect(importError { _ = try db.run(line, layer: "truong-hoc-stnmt") }?.description
            == "layer truong-hoc-stnmt holds points but the file holds lines; import it as a new layer")
        #expect(importError { _ = try db.run(points, layer: "truong-hoc-stnmt", user: "xaydung", agency: "sxd") }?.description
            == "layer truong-hoc-stnmt belongs to agency stnmt, not sxd")
        #expect(importError { _ = try db.run(points, user: "xem") }?.description.contains("only editors and admins") == true)
        #expect(importError { _ = try db.run(points, user: "xaydung") }?.description.contains("belongs to agency sxd, not stnmt") == true)
        #expect(importError { _ = try db.run(points, layer: "Trường") } == .invalidSlug("Trường"))
        let versions = try db.database.read { db in
            try String.fetchAll(db, sql: "SELECT status FROM layer_versions ORDER BY id")
        }
        #expect(versions == ["pending", "pending", "pending"])
    }

    @Test func slugsDropVietnameseDiacritics() {
        #expect(ImportDecisions.slug(from: "Trường học") == "truong-hoc")
        #expect(ImportDecisions.slug(from: "Đường giao thông — cấp huyện (2025)") == "duong-giao-thong-cap-huyen-2025")
        #expect(ImportDecisions.slug(from: "___") == "lop")
    }

    @Test func closeEncodingReadingsAreRefusedWithScores() {
        let dataset = ImportedDataset(
            features: [ImportedFeature(geometry: .point(Point(x: 106, y: 21)), properties: [("ten", .text("Trường"))], recordNumber: 1)],
            fields: [FieldInfo(name: "ten", type: .text)], sourceSRID: 4326, encoding: .tcvn3,
            encodingCandidates: [EncodingCandidate(encoding: .tcvn3, score: 0.82), EncodingCandidate(encoding: .vniWindows, score: 0.78)])
        let error = importError { try ImportDecisions.checkEncoding(explicit: nil, dataset: dataset, file: "a.dbf") }
        #expect(error?.description.contains("tcvn3  TCVN3 (ABC)  score 0.82") == true)
        #expect(error?.description.contains("vniWindows  VNI-Windows  score 0.78") == true)
        #expect(importError { try ImportDecisions.checkEncoding(explicit: .tcvn3, dataset: dataset, file: "a.dbf") } == nil)
    }

    // MARK: A zipped shapefile and export

    @Test func zippedShapefileInVN2000KeepsVietnameseText() throws {
        let db = try ImportDatabase(province: true); defer { db.remove() }
        let projected = try db.project([(106.2, 21.27), (106.5, 21.4)], to: 9214)
        let shapes = ShapefileBuilder(shapeType: 1, shapes: projected.map { .point(Point(x: $0.0, y: $0.1)) }).build()
        let dbf = DBFBuilder(fields: [.init(name: "TEN", type: "C", length: 40)],
                             records: [["Trường Tiểu học Kim Sơn"], ["Trạm y tế xã Hồng Thái"]])
        let zip = db.folder + "/truong.zip"
        try makeZip(at: zip, entries: [("truong.shp", shapes.shp), ("truong.shx", shapes.shx),
                                                 ("truong.dbf", dbf.build()), ("truong.cpg", Array("UTF-8".utf8))])
        let outcome = try db.run(zip, srid: 9214)
        #expect(outcome.featureCount == 2 && outcome.encoding == "UTF-8" && outcome.sourceSRID == 9214)
        #expect(within(outcome.bbox.minX, 106.2, 1e-5) && within(outcome.bbox.minY, 21.27, 1e-5))
        #expect(try db.features(outcome.layerSlug, version: 1).first?["TEN"] == .text("Trường Tiểu học Kim Sơn"))
    }

    @Test func exportRoundTripKeepsFeaturesAndFieldOrder() throws {
        let db = try ImportDatabase(province: false); defer { db.remove() }
        let properties = "{\"Tên trường\":\"Trường THCS Lê Lợi\",\"số học sinh\":512,\"diện tích\":1234.5,\"công lập\":true,\"ghi chú\":null}"
        let path = db.file("truong.geojson", featureCollection([
            ("{\"type\":\"Point\",\"coordinates\":[106.1234567,21.3456789]}", properties),
            ("{\"type\":\"Point\",\"coordinates\":[106.2,21.4]}", "{\"Tên trường\":\"Trường Tiểu học\",\"số học sinh\":200,\"diện tích\":99.0,\"công lập\":false,\"ghi chú\":\"mới\"}"),
        ]))
        let outcome = try db.run(path)
        let export = LayerExport(database: db.database)
        #expect(importError { _ = try export.version(slug: outcome.layerSlug, number: nil) }?.description
            == "layer truong-stnmt has no published version; name one with --version N (its versions are 1)")
        try LayerRepository(db.database).publish(versionID: outcome.versionID, decidedBy: nil)
        let output = db.folder + "/out/truong.geojson"
        try FileManager.default.createDirectory(atPath: db.folder + "/out", withIntermediateDirectories: true)
        #expect(try export.write(try export.version(slug: "truong-stnmt", number: nil), to: output) == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: db.folder + "/out") == ["truong.geojson"])
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains(#""properties":{"Tên trường":"Trường THCS Lê Lợi","số học sinh":512,"diện tích":1234.5,"công lập":true,"ghi chú":null}"#))
        let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let features = json?["features"] as? [[String: Any]] ?? []
        #expect(features.count == 2)
        let geometry = features.first?["geometry"] as? [String: Any]
        let coordinates = geometry?["coordinates"] as? [Double] ?? []
        #expect(coordinates.count == 2 && within(coordinates[0], 106.1234567, 1e-7) && within(coordinates[1], 21.3456789, 1e-7))
        let second = features.last?["properties"] as? [String: Any]
        #expect(second?["ghi chú"] as? String == "mới" && second?["công lập"] as? Bool == false)
        #expect(importError { _ = try export.version(slug: "truong-stnmt", number: 7) }?.description
            == "layer truong-stnmt has no version 7 (its versions are 1)")
        #expect(importError { _ = try export.version(slug: "khong-co", number: nil) } == .unknownLayer("khong-co"))
    }
}
