import Foundation
import Geometry
import Testing
import ZIPFoundation
@testable import Formats

/// The download writers, each read back by this portal's own readers (GDAL reads them in the
/// end-to-end tests): features, Vietnamese text, types and geometries survive; what a format
/// cannot hold is counted and said.
@Suite struct ExportWritersTests {
    static let long = String(repeating: "Ủy ban nhân dân ", count: 20)
    static let schema = ExportSchema(
        name: "tram-y-te", title: "Trạm y tế", fields: [
            ExportField(name: "tên_cơ_sở_y_tế", type: .text, maxBytes: 40),
            ExportField(name: "tên_cơ_sở_y_tế_cũ", type: .text, maxBytes: Self.long.utf8.count),
            ExportField(name: "số giường", type: .integer, maxBytes: 3),
            ExportField(name: "diện_tích", type: .real, maxBytes: 6),
            ExportField(name: "hoạt_động", type: .boolean, maxBytes: 5),
        ], geometryTypes: ["Point"])

    static func features() -> [ImportedFeature] {
        [
            ImportedFeature(geometry: .point(Point(x: 106.5123, y: 21.0456)), properties: [
                ("tên_cơ_sở_y_tế", .text("Trạm y tế xã Yên Đức")), ("tên_cơ_sở_y_tế_cũ", .text(Self.long)),
                ("số giường", .integer(12)), ("diện_tích", .real(148.03)), ("hoạt_động", .boolean(true)),
            ], recordNumber: 1),
            ImportedFeature(geometry: .point(Point(x: 106.7, y: 21.1)), properties: [
                ("tên_cơ_sở_y_tế", .text("=HYPERLINK(\"http://evil.example\")")), ("tên_cơ_sở_y_tế_cũ", .null),
                ("số giường", .null), ("diện_tích", .real(-0.5)), ("hoạt_động", .boolean(false)),
            ], recordNumber: 2),
        ]
    }

    @Test func dbfNamesAreShortASCIIAndUnique() {
        let names = DBFNames.names(for: ["tên_cơ_sở_y_tế", "tên_cơ_sở_y_tế_cũ", "Đường", "1 số", "ĐƯỜNG", "?"])
        #expect(names == ["ten_co_so_", "ten_co_s_1", "Duong", "f1_so", "DUONG_1", "field"])
        #expect(names.allSatisfy { $0.utf8.count <= 10 && $0.utf8.allSatisfy { $0 < 0x80 } })
    }

    @Test func wktOfEveryType() {
        #expect(Geometry.point(Point(x: 106.5, y: 21)).wkt() == "POINT (106.5 21)")
        #expect(Geometry.multiPoint([Point(x: 1, y: 2), Point(x: 3, y: 4)]).wkt() == "MULTIPOINT ((1 2), (3 4))")
        let ring = [Point(x: 0, y: 0), Point(x: 1, y: 0), Point(x: 1, y: 1), Point(x: 0, y: 0)]
        #expect(Geometry.multiPolygon([[ring]]).wkt() == "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)))")
        #expect(Geometry.lineString([]).wkt() == "LINESTRING EMPTY")
        #expect(Geometry.geometryCollection([.point(Point(x: 1, y: 1))]).wkt() == "GEOMETRYCOLLECTION (POINT (1 1))")
    }

    @Test func csvHasPointColumnsTypesAndDefusedFormulas() throws {
        let folder = TempFolder()
        let path = folder.path("out.csv")
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var writer = try CSVWriter(handle: handle, name: "out.csv", schema: Self.schema)
        for feature in Self.features() { try writer.append(feature) }
        try writer.finish()
        try handle.close()
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "a byte-order mark for spreadsheets")
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines[0] == "longitude,latitude,tên_cơ_sở_y_tế,tên_cơ_sở_y_tế_cũ,số giường,diện_tích,hoạt_động")
        #expect(lines[2].hasPrefix("106.7,21.1,\"'=HYPERLINK(\"\"http://evil.example\"\")\",,,-0.5,false"))
        let dataset = try DatasetReader.read(path: path, originalName: "out.csv")
        #expect(dataset.features.count == 2)
        guard case .point(let point)? = dataset.features.first?.geometry else {
            Issue.record("no point read back")
            return
        }
        #expect(point == Point(x: 106.5123, y: 21.0456))
        #expect(dataset.features[0]["tên_cơ_sở_y_tế"] == .text("Trạm y tế xã Yên Đức"))
        #expect(dataset.features[0]["tên_cơ_sở_y_tế_cũ"] == .text(Self.long.trimmingCharacters(in: .whitespaces)))
    }

    @Test func csvOfPolygonsCarriesWKT() throws {
        let folder = TempFolder()
        let path = folder.path("p.csv")
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let schema = ExportSchema(name: "p", title: "P", fields: [ExportField(name: "ten", type: .text, maxBytes: 5)],
                                  geometryTypes: ["Polygon"])
        var writer = try CSVWriter(handle: handle, name: "p.csv", schema: schema)
        let ring = [Point(x: 0, y: 0), Point(x: 1, y: 0), Point(x: 1, y: 1), Point(x: 0, y: 0)]
        try writer.append(ImportedFeature(geometry: .polygon([ring]), properties: [("ten", .text("a, b"))], recordNumber: 1))
        try writer.finish()
        try handle.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("WKT,ten\r\n\"POLYGON ((0 0, 1 0, 1 1, 0 0))\",\"a, b\"\r\n"))
    }

    @Test func kmlReadsBackWithEscapedText() throws {
        let folder = TempFolder()
        let path = folder.path("out.kml")
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var features = Self.features()
        features[1].properties[0].1 = .text("a <b> & \"c\"\u{0301} \u{0007}bell")
        var writer = try KMLWriter(handle: handle, name: "out.kml", schema: Self.schema)
        for feature in features { try writer.append(feature) }
        try writer.finish()
        try handle.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("<name>Trạm y tế xã Yên Đức</name>"), "the name field names the Placemark")
        #expect(text.contains("a &lt;b&gt; &amp; &quot;c&quot;\u{0301} \u{FFFD}bell"))
        let dataset = try DatasetReader.read(path: path, originalName: "out.kml")
        #expect(dataset.features.count == 2)
        #expect(dataset.features[0]["số giường"] == .integer(12))
        #expect(dataset.features[0]["tên_cơ_sở_y_tế_cũ"] == .text(Self.long.trimmingCharacters(in: .whitespaces)))
        #expect(dataset.features[1]["tên_cơ_sở_y_tế"] == .text("a <b> & \"c\"\u{0301} \u{FFFD}bell"))
    }

    @Test func shapefileZipHasItsCompanionsAndSaysWhatWasCut() throws {
        let folder = TempFolder()
        let work = folder.url.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let writer = ShapefileWriter(directory: work, schema: Self.schema)
        for feature in Self.features() { try writer.append(feature) }
        let files = try writer.finish()
        #expect(files.map(\.lastPathComponent) == ["tram-y-te.shp", "tram-y-te.shx", "tram-y-te.dbf", "tram-y-te.prj",
                                                   "tram-y-te.cpg", "tram-y-te_fields.csv", "README.txt"])
        #expect(try String(contentsOf: work.appendingPathComponent("tram-y-te.cpg"), encoding: .utf8) == "UTF-8")
        let map = try String(contentsOf: work.appendingPathComponent("tram-y-te_fields.csv"), encoding: .utf8)
        #expect(map.contains("ten_co_s_1,tên_cơ_sở_y_tế_cũ,text,1\r\n"), "the long value was cut once")
        let readme = try String(contentsOf: work.appendingPathComponent("README.txt"), encoding: .utf8)
        #expect(readme.contains("1 values longer than 254 bytes were cut"))
        let zip = folder.url.appendingPathComponent("out.zip")
        try ZipPackage.write(files, to: zip)
        let dataset = try DatasetReader.read(path: zip.path, originalName: "out.zip")
        #expect(dataset.features.count == 2)
        #expect(dataset.fields.map(\.name).prefix(3) == ["ten_co_so_", "ten_co_s_1", "so_giuong"])
        #expect(dataset.features[0]["ten_co_so_"] == .text("Trạm y tế xã Yên Đức"))
        guard case .text(let cut)? = dataset.features[0]["ten_co_s_1"] else {
            Issue.record("the long value is missing")
            return
        }
        #expect(cut.utf8.count <= 254 && Self.long.hasPrefix(cut.trimmingCharacters(in: .whitespaces)), "cut on a character")
        #expect(dataset.features[1]["so_giuong"] == .null)
        #expect(dataset.features[1]["hoat_dong"] == .boolean(false))
        #expect(dataset.features[0]["dien_tich"] == .real(148.03))
        #expect(dataset.sourceSRID == 4326)
    }

    @Test func shapefilePolygonRingsTurnAsTheFormatAsks() throws {
        let folder = TempFolder()
        // Outer ring counter-clockwise and hole clockwise (as GeoJSON has them): both must turn.
        let outer = [Point(x: 0, y: 0), Point(x: 10, y: 0), Point(x: 10, y: 10), Point(x: 0, y: 10), Point(x: 0, y: 0)]
        let hole = [Point(x: 2, y: 2), Point(x: 2, y: 4), Point(x: 4, y: 4), Point(x: 4, y: 2), Point(x: 2, y: 2)]
        let schema = ExportSchema(name: "vung", title: "Vùng", fields: [ExportField(name: "ten", type: .text, maxBytes: 4)],
                                  geometryTypes: ["Polygon", "LineString"])
        let writer = ShapefileWriter(directory: folder.url, schema: schema)
        try writer.append(ImportedFeature(geometry: .polygon([outer, hole]), properties: [("ten", .text("Vùng"))], recordNumber: 1))
        try writer.append(ImportedFeature(geometry: .lineString([Point(x: 0, y: 0), Point(x: 1, y: 1)]),
                                          properties: [("ten", .text("Đường"))], recordNumber: 2))
        try writer.append(ImportedFeature(geometry: .geometryCollection([.point(Point(x: 1, y: 1)), .lineString(outer)]),
                                          properties: [], recordNumber: 3))
        let files = try writer.finish().map(\.lastPathComponent)
        #expect(files.contains("vung_polygons.shp") && files.contains("vung_lines.shp"), "one set per family")
        #expect(writer.skipped == 1)
        let readme = try String(contentsOf: folder.url.appendingPathComponent("README.txt"), encoding: .utf8)
        #expect(readme.contains("1 features are collections of mixed geometry types"))
        let dataset = try DatasetReader.read(path: folder.path("vung_polygons.shp"), originalName: "vung_polygons.shp")
        guard case .polygon(let rings)? = dataset.features.first?.geometry, rings.count == 2 else {
            Issue.record("the polygon and its hole did not come back: \(String(describing: dataset.features.first?.geometry))")
            return
        }
        #expect(abs(Measure.signedArea(ofRing: rings[0])) == 100)
        #expect(abs(Measure.signedArea(ofRing: rings[1])) == 4)
        let bytes = try [UInt8](Data(contentsOf: folder.url.appendingPathComponent("vung_polygons.shp")))
        #expect(bytes.count == 100 + 8 + 4 + 32 + 8 + 8 + 10 * 16, "header, record header, type, box, counts, parts, points")
        let x1 = bytes[100 + 8 + 44 + 8 + 16 ..< 100 + 8 + 44 + 8 + 24].withUnsafeBytes { $0.loadUnaligned(as: Double.self) }
        #expect(x1 == 0, "the outer ring was reversed to run clockwise: (0,0) then (0,10)")
    }

    @Test func geoPackageReadsBackTypedWithFullNames() throws {
        let folder = TempFolder()
        let url = folder.url.appendingPathComponent("out.gpkg")
        let writer = try GeoPackageWriter(url: url, schema: Self.schema)
        for feature in Self.features() { try writer.append(feature) }
        try writer.finish()
        let dataset = try DatasetReader.read(path: url.path, originalName: "out.gpkg")
        #expect(dataset.features.count == 2)
        #expect(dataset.fields.map(\.name) == Self.schema.fields.map(\.name))
        #expect(dataset.features[0]["tên_cơ_sở_y_tế_cũ"] == .text(Self.long), "no truncation")
        #expect(dataset.features[0]["số giường"] == .integer(12))
        #expect(dataset.features[0]["diện_tích"] == .real(148.03))
        #expect(dataset.features[1]["số giường"] == .null)
        guard case .point(let point)? = dataset.features[0].geometry else {
            Issue.record("no point read back")
            return
        }
        #expect(point == Point(x: 106.5123, y: 21.0456))
        #expect(dataset.sourceSRID == 4326)
    }
}
