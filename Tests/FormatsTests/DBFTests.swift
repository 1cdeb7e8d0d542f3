import Foundation
import Geometry
import FormatsTestSupport
import Testing
@testable import Formats

@Suite struct DBFTests {
    static let fields: [DBFBuilder.Field] = [
        .init(name: "TEN", type: "C", length: 40),
        .init(name: "DAN_SO", type: "N", length: 10),
        .init(name: "DIEN_TICH", type: "N", length: 12, decimals: 3),
        .init(name: "MAT_DO", type: "F", length: 10, decimals: 2),
        .init(name: "NGAY", type: "D", length: 8),
        .init(name: "CONG_LAP", type: "L", length: 1),
        .init(name: "GHI_CHU", type: "M", length: 10),
    ]

    /// A point shapefile with the given DBF, written beside it, read through DatasetReader.
    static func read(_ dbf: [UInt8], cpg: String? = nil, points: Int, options: ReadOptions = ReadOptions()) throws(FormatError) -> ImportedDataset {
        let folder = TempFolder()
        let shapes = (0..<points).map { ShapefileBuilder.Shape.point(Point(x: 106 + Double($0), y: 21)) }
        let (shp, shx) = ShapefileBuilder(shapeType: 1, shapes: shapes).build()
        folder.write("diem.shp", shp)
        folder.write("diem.shx", shx)
        folder.write("diem.dbf", dbf)
        if let cpg { folder.write("diem.cpg", cpg) }
        return try DatasetReader.read(path: folder.path("diem.shp"), originalName: "diem.shp", options: options)
    }

    @Test func readsEveryFieldType() throws {
        var builder = DBFBuilder(fields: Self.fields)
        builder.records = [
            ["Trạm y tế xã Yên Đức", "1234", "12.500", "3.25", "20240131", "T", "1"],
            ["Đã xoá", "1", "1", "1", "20240101", "F", "1"],
            ["Đường Nguyễn Huệ", "", "  0,750", "*****", "", "N", nil],
            [nil, "-7", "abc", "1e3", "20241341", "?", nil],
        ]
        builder.deleted = [1]
        let dataset = try Self.read(builder.build(), cpg: "UTF-8", points: 4)
        #expect(dataset.fields == [FieldInfo(name: "TEN", type: .text), FieldInfo(name: "DAN_SO", type: .integer),
                                   FieldInfo(name: "DIEN_TICH", type: .real), FieldInfo(name: "MAT_DO", type: .real),
                                   FieldInfo(name: "NGAY", type: .date), FieldInfo(name: "CONG_LAP", type: .boolean)])
        #expect(dataset.features.count == 3)
        #expect(dataset.features.map(\.recordNumber) == [1, 3, 4])
        #expect(dataset.features[0].values == [.text("Trạm y tế xã Yên Đức"), .integer(1234), .real(12.5), .real(3.25),
                                               .date("2024-01-31"), .boolean(true)])
        #expect(dataset.features[1].values == [.text("Đường Nguyễn Huệ"), .null, .real(0.75), .null, .null, .boolean(false)])
        #expect(dataset.features[2].values == [.null, .integer(-7), .null, .real(1000), .null, .null])
        #expect(dataset.features[1].geometry == .point(Point(x: 108, y: 21)))
        #expect(dataset.warnings.contains { $0.contains("GHI_CHU") && $0.contains("memo") })
        #expect(dataset.warnings.contains { $0.contains("DIEN_TICH") && $0.contains("record 4") })
        #expect(dataset.warnings.contains { $0.contains("NGAY") && $0.contains("20241341") })
        #expect(dataset.warnings.contains { $0.contains("1 deleted record") })
        #expect(dataset.encoding == .utf8)
    }

    static let placeNames = ["Trạm y tế xã Yên Đức", "Đường Nguyễn Huệ", "Ủy ban nhân dân phường Mạo Khê",
                             "Sông Kinh Thầy", "Chợ Hạ Long 1", "Trường tiểu học Hùng Vương"]

    static func namesDBF(_ encoding: TextEncoding, names: [String] = placeNames) -> [UInt8] {
        var builder = DBFBuilder(fields: [.init(name: "TEN", type: "C", length: 80)])
        builder.encoding = encoding
        builder.records = names.map { [$0] }
        return builder.build()
    }

    @Test(arguments: [TextEncoding.utf8, .windows1258, .tcvn3, .vniWindows])
    func detectsTheEncodingWithoutACpg(_ encoding: TextEncoding) throws {
        let dataset = try Self.read(Self.namesDBF(encoding), points: Self.placeNames.count)
        #expect(dataset.encoding == encoding)
        #expect(dataset.encodingCandidates.first?.encoding == encoding)
        let decoded = dataset.features.map { $0.values[0] }
        let expected = Self.placeNames.map { name in
            encoding == .tcvn3 ? name.replacingOccurrences(of: "Ủ", with: "ủ") : name
        }
        #expect(decoded == expected.map(AttributeValue.text))
    }

    @Test func cpgOverridesDetection() throws {
        let tcvn = Self.namesDBF(.tcvn3)
        let asDeclared = try Self.read(tcvn, cpg: "1258", points: Self.placeNames.count)
        #expect(asDeclared.encoding == .windows1258)
        #expect(asDeclared.encodingCandidates.first?.encoding == .tcvn3)
        let cp1258 = try Self.read(Self.namesDBF(.windows1258), cpg: "ANSI 1258", points: Self.placeNames.count)
        #expect(cp1258.features[2].values == [.text("Ủy ban nhân dân phường Mạo Khê")])
    }

    @Test func explicitEncodingOverridesCpg() throws {
        let dataset = try Self.read(Self.namesDBF(.vniWindows), cpg: "UTF-8", points: Self.placeNames.count,
                                    options: ReadOptions(encoding: .vniWindows))
        #expect(dataset.encoding == .vniWindows)
        #expect(dataset.features[0].values == [.text("Trạm y tế xã Yên Đức")])
    }

    @Test func vietnameseFieldNamesAreKept() throws {
        var builder = DBFBuilder(fields: [.init(name: "Tên xã", type: "C", length: 20), .init(name: "Tên xã", type: "C", length: 5)])
        builder.encoding = .windows1258
        builder.records = [["Yên Đức", "a"]]
        let dataset = try Self.read(builder.build(), cpg: "1258", points: 1)
        #expect(dataset.fields.map(\.name) == ["Tên xã", "Tên xã_2"])
    }

    @Test func zeroLengthFieldIsNamed() {
        var builder = DBFBuilder(fields: [.init(name: "MA", type: "C", length: 4), .init(name: "LOAI", type: "N", length: 3),
                                          .init(name: "TEN_DUONG", type: "C", length: 0)])
        builder.records = [["A", "1", ""]]
        let error = formatError { _ = try DBFTable(bytes: builder.build(), fileName: "roads.dbf", limits: ImportLimits()) }
        #expect(error?.description == "roads.dbf: field 3 (TEN_DUONG) declares length 0")
    }

    @Test func recordCountThatLiesIsAnError() {
        var builder = DBFBuilder(fields: [.init(name: "TEN", type: "C", length: 10)])
        builder.records = [["a"], ["b"], ["c"]]
        builder.declaredCount = 10
        let error = formatError { _ = try Self.read(builder.build(), points: 3) }
        #expect(error?.description == "diem.dbf: the header declares 10 records of 11 bytes, but the file holds only 3")
    }

    @Test func shapeAndRecordCountsMustAgree() {
        let error = formatError { _ = try Self.read(Self.namesDBF(.utf8), points: 4) }
        #expect(error?.description.contains("holds 4 shapes but diem.dbf holds 6 records") == true)
    }

    @Test func truncatedDBFIsAnError() {
        let bytes = Self.namesDBF(.utf8)
        for cut in [10, 40, 70] {
            let error = formatError { _ = try DBFTable(bytes: Array(bytes.prefix(cut)), fileName: "x.dbf", limits: ImportLimits()) }
            #expect(error != nil, "cut at \(cut)")
        }
        let error = formatError { _ = try Self.read(Array(bytes.prefix(bytes.count - 50)), points: 6) }
        #expect(error?.description.contains("file holds only") == true)
    }

    @Test func fieldCountLimit() {
        let fields = (0..<12).map { DBFBuilder.Field(name: "F\($0)", type: "C", length: 2) }
        var limits = ImportLimits()
        limits.maxFieldCount = 10
        let error = formatError { _ = try DBFTable(bytes: DBFBuilder(fields: fields).build(), fileName: "x.dbf", limits: limits) }
        #expect(error == .limitExceeded(file: "x.dbf", problem: "has more than 10 fields, the limit"))
    }

    @Test func standaloneDBFAndPreview() throws {
        let folder = TempFolder()
        let path = folder.write("bang.dbf", Self.namesDBF(.tcvn3))
        let dataset = try DatasetReader.read(path: path, originalName: "bang.dbf")
        #expect(dataset.features.count == 6)
        #expect(dataset.features.allSatisfy { $0.geometry == nil })
        let previews = try DatasetReader.preview(path: path, originalName: "bang.dbf", maxRecords: 2)
        #expect(previews.map(\.encoding) .first == .tcvn3)
        #expect(previews.count == 4)
        #expect(previews.allSatisfy { $0.dataset.features.count == 2 })
        #expect(previews[0].dataset.features[1].values == [.text("Đường Nguyễn Huệ")])
        #expect(previews[0].score > previews[1].score)
    }
}
