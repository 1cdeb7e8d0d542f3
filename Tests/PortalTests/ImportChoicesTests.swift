import Foundation
import Formats
import FormatsTestSupport
import Geometry
@testable import Portal
import Store
import Testing

/// The pipeline with the choices a person makes for a file the readers cannot settle alone: a
/// CSV's coordinate columns, the layer of a file holding several, and refusals worded in Vietnamese.
@Suite struct ImportChoicesTests {
    @Test func unusualCoordinateColumnsAreNamedAndLandInTheProvince() throws {
        let db = try ImportDatabase(province: true); defer { db.remove() }
        let lonLat = [(106.2, 21.27), (106.05, 21.2), (106.9, 21.55)]
        let projected = try db.project(lonLat, to: 9210)
        let rows = projected.enumerated().map { "Mốc \($0.offset + 1);\($0.element.0);\($0.element.1)" }
        let path = db.file("moc.csv", "Tên mốc;Toạ độ X (VN2000);Toạ độ Y (VN2000)\n" + rows.joined(separator: "\n") + "\n")

        let refused = importError { _ = try db.run(path, srid: 9210) }
        guard case .read(.invalid(_, _, let problem))? = refused else {
            Issue.record("expected a read error, got \(String(describing: refused))")
            return
        }
        #expect(problem == "no longitude column was recognised among Tên mốc, Toạ độ X (VN2000), Toạ độ Y (VN2000); choose it on the form")

        let outcome = try db.run(path, srid: 9210, lonColumn: "Toạ độ X (VN2000)", latColumn: "Toạ độ Y (VN2000)")
        #expect(outcome.featureCount == 3 && outcome.sourceSRID == 9210)
        #expect(within(outcome.bbox.minX, 106.05, 1e-5) && within(outcome.bbox.minY, 21.2, 1e-5))
        #expect(within(outcome.bbox.maxX, 106.9, 1e-5) && within(outcome.bbox.maxY, 21.55, 1e-5))
        let features = try db.features(outcome.layerSlug, version: 1)
        #expect(features.first?["Tên mốc"] == .text("Mốc 1"))
        #expect(features.first?["Toạ độ X (VN2000)"] == .real(projected[0].0), "the coordinate columns stay as attributes")

        let missing = importError { _ = try db.run(path, srid: 9210, lonColumn: "X", latColumn: "Toạ độ Y (VN2000)") }
        #expect(missing?.description == "moc.csv: has no column \"X\" for the longitude; its columns are Tên mốc, Toạ độ X (VN2000), Toạ độ Y (VN2000)")
    }

    @Test func theChosenShapefileOfAZipIsImported() throws {
        let db = try ImportDatabase(province: true); defer { db.remove() }
        let path = db.folder + "/hai_lop.zip"
        try Self.twoShapefiles(at: path)
        let refused = importError { _ = try db.run(path, srid: 4326) }
        guard case .read(.layerChoice(let file, nil, let available))? = refused else {
            Issue.record("expected a layer choice, got \(String(describing: refused))")
            return
        }
        #expect(file == "hai_lop.zip" && available == ["duong.shp", "cau.shp"])
        #expect(try db.counts() == [0, 0, 0, 0])

        let cau = try db.run(path, title: "Cầu", srid: 4326, sourceLayer: "cau.shp")
        #expect(cau.featureCount == 3 && cau.kind == .point)
        #expect(try db.features(cau.layerSlug, version: 1).map { $0["TEN"] } == [.text("Cầu 1"), .text("Cầu 2"), .text("Cầu 3")])
        let duong = try db.run(path, title: "Đường", srid: 4326, sourceLayer: "duong")
        #expect(duong.featureCount == 1 && duong.kind == .line)

        let unknown = importError { _ = try db.run(path, srid: 4326, sourceLayer: "song.shp") }
        #expect(unknown?.description == "hai_lop.zip: has no layer named \"song.shp\"; it holds duong.shp, cau.shp")
    }

    @Test func refusalsReadNaturallyInVietnameseAndEnglish() throws {
        let localizer = try Localizer(directory: repositoryRoot + "/locales")
        func both(_ error: ImportError) -> (vi: String, en: String) {
            (Portal.message(error, localizer, .vi), Portal.message(error, localizer, .en))
        }
        let zone = ImportDecisions.crs(9214), right = ImportDecisions.crs(9209)
        let outside = both(.outsideProvince(inside: 0, total: 12, bbox: BoundingBox(minX: 107.1, minY: 21.2, maxX: 108, maxY: 21.5),
                                            source: zone, suggestion: right))
        #expect(outside.vi.hasPrefix("Chỉ 0/12 đối tượng nằm trong phạm vi tỉnh khi đọc theo hệ toạ độ VN-2000 múi 3° KTT 107°00′ (EPSG:9214)"))
        #expect(outside.vi.contains("Có vẻ đây là toạ độ VN-2000 múi chiếu kinh tuyến trục 105°30′ nhưng đang bị đọc theo kinh tuyến trục 107°00′"))
        #expect(outside.vi.contains("Hãy chọn hệ toạ độ VN-2000 múi 3° KTT 105°30′ (EPSG:9209)"))
        #expect(outside.en.contains("These look like VN-2000 zone 105°30′ coordinates read as 107°00′: choose VN-2000 múi 3° KTT 105°30′ (EPSG:9209)"))

        let crs = both(.crsUndecided(file: "moc.csv", declared: nil, choices: ImportPipeline.crsChoices))
        #expect(crs.vi.hasPrefix("Không xác định được hệ toạ độ của tệp moc.csv. Hãy chọn hệ toạ độ trên trang xem trước, một trong: WGS 84 (kinh độ, vĩ độ) (EPSG:4326); "))
        #expect(crs.vi.contains("VN-2000 múi 3° KTT 105°45′ (EPSG:9210)"))

        let mixed = both(.mixedKinds(file: "tron.geojson", counts: [("point", 2), ("line", 1), (ImportError.mixedCollection, 1)]))
        #expect(mixed.vi.hasPrefix("Tệp tron.geojson có lẫn nhiều loại hình học (2 điểm, 1 đường, 1 tập hợp hình hỗn hợp)"))
        #expect(mixed.en.hasPrefix("tron.geojson mixes geometry kinds (2 points, 1 line, 1 mixed collection)"))

        #expect(both(.noFeatures(file: "rong.geojson", records: 3)).vi
                == "Tệp rong.geojson có 3 bản ghi nhưng không bản ghi nào có hình học; không có gì để nhập.")
        #expect(both(.tooManyFeatures(file: "lon.geojson", count: 2_500_000, limit: 2_000_000)).vi
                == "Tệp lon.geojson có 2.500.000 đối tượng, vượt giới hạn 2.000.000 đối tượng cho một lần tải lên.")
        #expect(both(.record(file: "x.zip", number: 17, problem: "latitude 123.4 is out of range (−90 to 90)")).vi
                == "Tệp x.zip, bản ghi 17: latitude 123.4 is out of range (−90 to 90)")
        let encodings = [EncodingOption(value: "tcvn3", name: "TCVN3 (ABC)", score: 0.82), EncodingOption(value: "vniWindows", name: "VNI-Windows", score: 0.79)]
        #expect(both(.encodingUndecided(file: "truong.zip", candidates: encodings)).vi
                .hasPrefix("Không xác định được bảng mã tiếng Việt của tệp truong.zip: các cách đọc tốt nhất có độ tin cậy gần bằng nhau (TCVN3 (ABC) (82 %), VNI-Windows (79 %))"))
        let kinds = both(.kindMismatch(slug: "truong-hoc", layer: .point, data: .polygon))
        #expect(kinds.vi == "Lớp truong-hoc chứa dữ liệu dạng điểm nhưng tệp chứa dạng vùng; hãy nhập tệp này thành một lớp mới.")
        #expect(kinds.en == "Layer truong-hoc holds points but the file holds polygons; import it as a new layer.")

        let row = both(.read(.invalid(file: "moc.csv", location: "row 17", problem: "longitude 190 is out of range (−180 to 180)")))
        #expect(row.vi == "Tệp moc.csv, dòng 17: longitude 190 is out of range (−180 to 180)")
        #expect(row.en == "moc.csv, row 17: longitude 190 is out of range (−180 to 180)")
        #expect(both(.read(.invalid(file: "a.gpkg", location: "table lop_a, row 3", problem: "geometry: truncated"))).vi
                == "Tệp a.gpkg, bảng lop_a, dòng 3: geometry: truncated")
        #expect(both(.read(.layerChoice(file: "hai_lop.zip", requested: nil, available: ["duong.shp", "cau.shp"]))).vi
                == "Tệp hai_lop.zip chứa nhiều lớp (duong.shp, cau.shp); hãy chọn một lớp để nhập.")
    }

    @Test func everyImportStringHasBothLanguagesAndNoPlaceholderIsLeft() throws {
        let localizer = try Localizer(directory: repositoryRoot + "/locales")
        let keys = localizer.strings(.vi).keys.filter { $0.hasPrefix("import_") }
        #expect(keys.count >= 40)
        for key in keys { #expect(localizer.strings(.en)[key] != nil, "\(key)") }
        let errors: [ImportError] = [
            .unknownUser("an"), .userDisabled("an"), .unknownAgency("x"), .notInAgency(username: "an", agency: "a", userAgency: "b"),
            .notAllowed(username: "an", role: .viewer, agency: "a"), .unknownLayer("l"), .layerOwnedElsewhere(slug: "l", owner: "a", agency: "b"),
            .invalidSlug("L"), .unknownEncoding("klingon", choices: ImportPipeline.encodingChoices),
            .crsUndecided(file: "f", declared: "LOCAL_CS", choices: ImportPipeline.crsChoices), .unknownCRS(1),
            .outsideProvince(inside: 1, total: 2, bbox: .empty, source: ImportDecisions.crs(4326), suggestion: nil),
            .outsideProvince(inside: 1, total: 2, bbox: .empty, source: ImportDecisions.crs(4326), suggestion: ImportDecisions.crs(4756)),
            .noPublishedVersion(slug: "l", available: []), .noSuchVersion(slug: "l", number: 3, available: [1, 2]),
            .cannotWrite(path: "/x", reason: "full"), .store(.invalid("locked")),
            .read(.cannotRead(file: "f", reason: "r")), .read(.cannotWrite(file: "f", reason: "r")), .read(.unsupported(file: "f", reason: "r")),
            .read(.invalid(file: "f", location: nil, problem: "p")), .read(.limitExceeded(file: "f", problem: "p")),
            .read(.unsafeArchive(file: "f", entry: "../e", problem: "p")), .read(.layerChoice(file: "f", requested: "r", available: ["a"])),
        ]
        for error in errors {
            for language in Language.allCases {
                let text = Portal.message(error, localizer, language)
                #expect(!text.contains("import_") && text.range(of: #"\{[a-z_]+\}"#, options: .regularExpression) == nil, "\(language): \(text)")
            }
        }
    }

    /// A zip of two shapefiles: "duong" (one line) and "cau" (three points named "Cầu 1"…).
    static func twoShapefiles(at path: String) throws {
        let line = ShapefileBuilder(shapeType: 3, shapes: [.parts([[Point(x: 106.1, y: 21.3), Point(x: 106.3, y: 21.4)]])]).build()
        let points = ShapefileBuilder(shapeType: 1, shapes: (0..<3).map { .point(Point(x: 106.2 + Double($0) * 0.1, y: 21.3)) }).build()
        let lineTable = DBFBuilder(fields: [.init(name: "TEN", type: "C", length: 20)], records: [["Quốc lộ 18"]])
        let pointTable = DBFBuilder(fields: [.init(name: "TEN", type: "C", length: 20)], records: (1...3).map { ["Cầu \($0)"] })
        let utf8 = Array("UTF-8".utf8)
        try makeZip(at: path, entries: [("duong.shp", line.shp), ("duong.shx", line.shx), ("duong.dbf", lineTable.build()), ("duong.cpg", utf8),
                                        ("cau.shp", points.shp), ("cau.shx", points.shx), ("cau.dbf", pointTable.build()), ("cau.cpg", utf8)])
    }
}
