import Foundation
import Geometry
import Testing
@testable import Formats

@Suite struct CSVTests {
    static func read(_ bytes: [UInt8], name: String = "diem.csv", options: ReadOptions = ReadOptions()) throws -> ImportedDataset {
        let folder = TempFolder()
        return try DatasetReader.read(path: folder.write(name, bytes), originalName: name, options: options)
    }

    static func read(_ text: String, options: ReadOptions = ReadOptions()) throws -> ImportedDataset {
        try read(Array(text.utf8), options: options)
    }

    @Test func quotedFieldsAndTypes() throws {
        let text = "ten,lon,lat,so,ma,ngay,ngay2,co\r\n"
            + "\"Trạm y tế, xã Yên Đức\",106.5,21.25,12,007,2024-01-31,31/01/2024,true\r\n"
            + "\"Nhà \"\"văn hoá\"\"\nthôn 1\",106.75,21.5,-3,012,2023-12-01,01/12/2023,không\r\n"
            + ",107,21,,,,,\r\n"
        let dataset = try Self.read(text)
        #expect(dataset.fields == [FieldInfo(name: "ten", type: .text), FieldInfo(name: "lon", type: .real), FieldInfo(name: "lat", type: .real),
                                   FieldInfo(name: "so", type: .integer), FieldInfo(name: "ma", type: .text), FieldInfo(name: "ngay", type: .date),
                                   FieldInfo(name: "ngay2", type: .date), FieldInfo(name: "co", type: .boolean)])
        #expect(dataset.features.count == 3)
        #expect(dataset.features[0].values == [.text("Trạm y tế, xã Yên Đức"), .real(106.5), .real(21.25), .integer(12), .text("007"),
                                               .date("2024-01-31"), .date("2024-01-31"), .boolean(true)])
        #expect(dataset.features[1]["ten"] == .text("Nhà \"văn hoá\"\nthôn 1"))
        #expect(dataset.features[1]["co"] == .boolean(false))
        #expect(dataset.features[2].values == [.null, .real(107), .real(21), .null, .null, .null, .null, .null])
        #expect(dataset.features[1].geometry == .point(Point(x: 106.75, y: 21.5)))
        #expect(dataset.features.map(\.recordNumber) == [2, 3, 4])
        #expect(dataset.sourceSRID == 4326)
    }

    @Test func semicolonsCommaDecimalsAndVietnameseHeaders() throws {
        let text = "Tên;Kinh độ;Vĩ độ;Diện tích\nChợ Hạ Long 1;107,0725;20,9533;1250,5\nCầu Bãi Cháy;107,0589;20,9594;80\n"
        let dataset = try Self.read(text)
        #expect(dataset.features.map(\.geometry) == [.point(Point(x: 107.0725, y: 20.9533)), .point(Point(x: 107.0589, y: 20.9594))])
        #expect(dataset.fields.last == FieldInfo(name: "Diện tích", type: .real))
        #expect(dataset.features[0]["Diện tích"] == .real(1250.5))
        let tabs = try Self.read("name\tx\ty\nA\t1.5\t2.5\n")
        #expect(tabs.features[0].geometry == .point(Point(x: 1.5, y: 2.5)))
    }

    @Test func explicitColumns() throws {
        let text = "a,b,c\n1,106,21\n"
        #expect(formatError { _ = try Self.read(text) }?.description == "diem.csv: no longitude column was recognised among a, b, c; choose it on the form")
        let dataset = try Self.read(text, options: ReadOptions(lonColumn: "b", latColumn: "c"))
        #expect(dataset.features[0].geometry == .point(Point(x: 106, y: 21)))
        #expect(formatError { _ = try Self.read(text, options: ReadOptions(lonColumn: "z", latColumn: "c")) }?.description
                == "diem.csv: has no column \"z\" for the longitude; its columns are a, b, c")
    }

    @Test func theCoordinateColumnsAreReported() throws {
        let found = try Self.read("Tên,Kinh độ,Vĩ độ,Ghi chú\nA,106.5,21.25,x\n")
        #expect(found.coordinateColumns == CoordinateColumns(names: ["Tên", "Kinh độ", "Vĩ độ", "Ghi chú"], longitude: "Kinh độ", latitude: "Vĩ độ"))
        let text = "Tên,Toạ độ X (VN2000),Toạ độ Y (VN2000),lon,lat\nMốc A,416785.43,2353056.38,106.2,21.27\n"
        let named = try Self.read(text, options: ReadOptions(lonColumn: "Toạ độ X (VN2000)", latColumn: "Toạ độ Y (VN2000)"))
        #expect(named.coordinateColumns?.longitude == "Toạ độ X (VN2000)" && named.coordinateColumns?.latitude == "Toạ độ Y (VN2000)")
        #expect(named.features[0].geometry == .point(Point(x: 416785.43, y: 2353056.38)))
        #expect(named.sourceSRID == nil, "values beyond degrees in columns not named as degrees leave the CRS open")
        let detected = try Self.read(text)
        #expect(detected.coordinateColumns?.longitude == "lon" && detected.features[0].geometry == .point(Point(x: 106.2, y: 21.27)))
        #expect(try Self.read(Array(#"{"type":"FeatureCollection","features":[]}"#.utf8), name: "a.geojson").coordinateColumns == nil)
    }

    @Test func aPreviewReadsOnWhenTheCoordinateColumnsCannotBeUsed() throws {
        let folder = TempFolder()
        let path = folder.write("diem.csv", "a,b,c\nx,106,21\ny,107,22\n")
        let previews = try DatasetReader.preview(path: path, originalName: "diem.csv")
        let dataset = try #require(previews.first?.dataset)
        #expect(dataset.features.count == 2 && dataset.features.allSatisfy { $0.geometry == nil })
        #expect(dataset.features[1].values == [.text("y"), .integer(107), .integer(22)])
        #expect(dataset.coordinateColumns?.names == ["a", "b", "c"])
        #expect(dataset.coordinateColumns?.longitude == nil && dataset.coordinateColumns?.latitude == nil)
        #expect(dataset.coordinateColumns?.problem?.description == "diem.csv: no longitude column was recognised among a, b, c; choose it on the form")
        #expect(formatError { _ = try DatasetReader.read(path: path, originalName: "diem.csv") }?.description
                == "diem.csv: no longitude column was recognised among a, b, c; choose it on the form", "an import still stops")

        let words = try DatasetReader.preview(path: path, originalName: "diem.csv", options: ReadOptions(lonColumn: "a", latColumn: "c"))
        #expect(words.first?.dataset.coordinateColumns?.longitude == "a")
        #expect(words.first?.dataset.coordinateColumns?.problem?.description
                == "diem.csv: row 2: column a holds \"x\", which is not a number (and 1 more problem in other rows)")
        #expect(words.first?.dataset.features.allSatisfy { $0.geometry == nil } == true)

        let same = try DatasetReader.preview(path: path, originalName: "diem.csv", options: ReadOptions(lonColumn: "b", latColumn: "b"))
        #expect(same.first?.dataset.coordinateColumns?.problem?.description
                == "diem.csv: the same column \"b\" was chosen for longitude and latitude")

        let chosen = try DatasetReader.preview(path: path, originalName: "diem.csv", options: ReadOptions(lonColumn: "b", latColumn: "c"))
        #expect(chosen.first?.dataset.coordinateColumns == CoordinateColumns(names: ["a", "b", "c"], longitude: "b", latitude: "c"))
        #expect(chosen.first?.dataset.features.map(\.geometry) == [.point(Point(x: 106, y: 21)), .point(Point(x: 107, y: 22))])
    }

    @Test func badRowsAreReportedByRowAndColumn() {
        var rows = ["ten,kinh_do,vi_do"]
        for index in 2...20 { rows.append("p\(index),106.\(index),21") }
        rows[16] = "p17,190,21"
        #expect(formatError { _ = try Self.read(rows.joined(separator: "\n")) }?.description
                == "diem.csv: row 17: longitude 190 is out of range (−180 to 180)")
        let empty = "Tên;Kinh độ;Vĩ độ\nA;106;21\nB;106;21\nC;106;21\nD;106;\n"
        #expect(formatError { _ = try Self.read(empty) }?.description == "diem.csv: row 5: column Vĩ độ is empty")
        let words = "x,y\n1,2\nabc,2\n3,def\n"
        #expect(formatError { _ = try Self.read(words) }?.description
                == "diem.csv: row 3: column x holds \"abc\", which is not a number (and 1 more problem in other rows)")
        let unclosed = "lon,lat\n1,2\n\"3,4\n"
        #expect(formatError { _ = try Self.read(unclosed) }?.description == "diem.csv: row 3: a quoted field is never closed")
    }

    @Test func projectedXYLeavesTheCRSOpen() throws {
        let dataset = try Self.read("x,y,ten\n416785.43,2353056.38,A\n")
        #expect(dataset.sourceSRID == nil)
        #expect(dataset.warnings.contains { $0.contains("not degrees") })
        let chosen = try Self.read("x,y,ten\n416785.43,2353056.38,A\n", options: ReadOptions(srid: 9214))
        #expect(chosen.sourceSRID == 9214)
        #expect(formatError { _ = try Self.read("lon,lat\n416785.43,2353056.38\n") }?.description
                == "diem.csv: row 2: longitude 416785.43 is out of range (−180 to 180)")
    }

    @Test(arguments: [TextEncoding.windows1258, .tcvn3, .vniWindows])
    func legacyEncodingsAreDetected(_ encoding: TextEncoding) throws {
        let text = "ten,dia_chi,lon,lat\nTrạm y tế xã Yên Đức,thị xã Đông Triều,106.5,21.1\nChợ Hạ Long,phường Bạch Đằng,107.07,20.95\n"
        let dataset = try Self.read(encoding.encode(text))
        #expect(dataset.encoding == encoding)
        #expect(dataset.features[0]["ten"] == .text("Trạm y tế xã Yên Đức"))
        #expect(dataset.features[1]["dia_chi"] == .text("phường Bạch Đằng"))
    }

    @Test func byteOrderMarks() throws {
        let text = "Tên,Kinh độ,Vĩ độ\nĐường Nguyễn Huệ,106.7,10.77\n"
        let bom = try Self.read([0xEF, 0xBB, 0xBF] + Array(text.utf8))
        #expect(bom.fields.first?.name == "Tên")
        #expect(bom.encoding == .utf8)
        let utf16 = try Self.read([0xFF, 0xFE] + Array(text.replacingOccurrences(of: ",", with: "\t").utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        #expect(utf16.features[0]["Tên"] == .text("Đường Nguyễn Huệ"))
    }

    @Test func mixedEncodingsPreferTheMajority() throws {
        // A file assembled from two sources: most rows in TCVN3, one pasted in Windows-1258.
        var bytes = TextEncoding.tcvn3.encode("ten,lon,lat\nĐường Nguyễn Huệ,106,21\nSông Kinh Thầy,106,21\nChợ Hạ Long,106,21\n")
        bytes += TextEncoding.windows1258.encode("Cầu Bãi Cháy,106,21\n")
        let previews = try DatasetReader.preview(path: TempFolder().write("mix.csv", bytes), originalName: "mix.csv")
        #expect(previews.first?.encoding == .tcvn3)
        #expect(previews.first.map { $0.score < 1 } == true)
        #expect(previews.first?.dataset.features[0]["ten"] == .text("Đường Nguyễn Huệ"))
        let alternative = previews.first { $0.encoding == .windows1258 }
        #expect(alternative?.dataset.features[3]["ten"] == .text("Cầu Bãi Cháy"))
    }
}
