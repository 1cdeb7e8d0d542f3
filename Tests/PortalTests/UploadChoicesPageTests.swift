import Foundation
import Formats
import FormatsTestSupport
import HTTP
@testable import Portal
import Store
import Testing

/// The preview's choices beyond the encoding — a CSV's coordinate columns and the layer of a file
/// holding several — and import refusals shown in the visitor's language.
@Suite(.enabled(if: UploadFixture.shared != nil, "the upload fixture could not be seeded"))
struct UploadChoicesPageTests {
    var fixture: UploadFixture { UploadFixture.shared! }

    /// The options of the select with `id` on `page`.
    func select(_ id: String, in page: Response) -> String {
        guard let start = page.text.range(of: "id=\"\(id)\"") else { return "" }
        let rest = page.text[start.upperBound...]
        return String(rest[..<(rest.range(of: "</select>")?.lowerBound ?? rest.endIndex)])
    }

    /// The HTML of the form with `id` on `page`.
    func form(_ id: String, in page: Response) -> String {
        guard let start = page.text.range(of: "id=\"\(id)\"") else { return "" }
        let rest = page.text[start.upperBound...]
        return String(rest[..<(rest.range(of: "</form>")?.lowerBound ?? rest.endIndex)])
    }

    func query(_ value: String) -> String { value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value }

    @Test func detectedCoordinateColumnsAreSelectedAndCarriedToTheImport() throws {
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        let csv = Array("ten,lon,lat,ghi_chu\nTrạm A,106.2,21.3,x\nTrạm B,106.3,21.35,y\n".utf8)
        let token = try #require(try editor.stage((name: "tram.csv", bytes: csv)))
        let preview = try editor.get("/uploads/\(token)")
        #expect(preview.status == 200)
        let lon = select("lon-column-choice", in: preview), lat = select("lat-column-choice", in: preview)
        #expect(lon.contains("<option value=\"lon\" selected>lon</option>") && lon.contains("<option value=\"ghi_chu\">ghi_chu</option>"))
        #expect(lat.contains("<option value=\"lat\" selected>lat</option>") && lat.contains("<option value=\"ten\">ten</option>"))
        #expect(!lon.contains("value=\"\""), "no empty choice when a column was recognised")
        let importForm = form("import-form", in: preview)
        #expect(importForm.contains("<input type=\"hidden\" name=\"lon_column\" value=\"lon\">"))
        #expect(importForm.contains("<input type=\"hidden\" name=\"lat_column\" value=\"lat\">"))
        #expect(preview.text.contains("<td>Điểm</td>"))
    }

    @Test func unrecognisedColumnsAreChosenOnThePreviewAndTheImportUsesThem() throws {
        let lonLat = [(106.2, 21.27), (106.05, 21.2), (106.9, 21.55)]
        let projected = try fixture.project(lonLat, to: 9210)
        let (x, y) = ("Toạ độ X (VN2000)", "Toạ độ Y (VN2000)")
        let rows = projected.enumerated().map { "Mốc \($0.offset + 1),\($0.element.0),\($0.element.1)" }
        let csv = Array("Tên mốc,\(x),\(y)\n\(rows.joined(separator: "\n"))\n".utf8)
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        let (title, slug) = UploadFiles.title("Mốc VN2000")
        let token = try #require(try editor.stage((name: "moc.csv", bytes: csv), title: title))

        // Nothing recognised: the records show without geometry, the selects offer every column.
        let first = try editor.get("/uploads/\(token)")
        #expect(first.status == 200)
        #expect(first.text.contains("id=\"columns-problem\""))
        #expect(first.text.contains("Tệp moc.csv: no longitude column was recognised among Tên mốc, \(x), \(y); choose it on the form"))
        let lonChoices = select("lon-column-choice", in: first)
        #expect(lonChoices.contains("<option value=\"\" selected>— Chọn cột —</option>"))
        #expect(lonChoices.contains("<option value=\"\(x)\">\(x)</option>") && lonChoices.contains("<option value=\"Tên mốc\">Tên mốc</option>"))
        #expect(first.text.contains("Mốc 3") && first.text.contains("<td>—</td>") && !first.text.contains("<td>Điểm</td>"))
        #expect(!first.text.contains("id=\"import-form\""), "no import before the coordinates read")

        // Chosen: the preview has points, and every form carries the choice.
        let chosen = try editor.get("/uploads/\(token)?lon_column=\(query(x))&lat_column=\(query(y))")
        #expect(chosen.status == 200)
        #expect(!chosen.text.contains("id=\"columns-problem\""))
        #expect(select("lon-column-choice", in: chosen).contains("<option value=\"\(x)\" selected>\(x)</option>"))
        #expect(select("lat-column-choice", in: chosen).contains("<option value=\"\(y)\" selected>\(y)</option>"))
        #expect(chosen.text.contains("<td>Điểm</td>") && chosen.text.contains("upload-crs-unknown"))
        let importForm = form("import-form", in: chosen)
        #expect(importForm.contains("name=\"lon_column\" value=\"\(x)\"") && importForm.contains("name=\"lat_column\" value=\"\(y)\""))
        #expect(form("encoding-form", in: chosen).contains("name=\"lon_column\" value=\"\(x)\""))

        let started = try editor.startImport(token, [("srid", "9210"), ("title", title), ("lon_column", x), ("lat_column", y)])
        #expect(started.status == 303)
        let status = try editor.waitForImport(token)
        #expect(status["state"] as? String == "done", "\(status)")
        #expect(status["layer"] as? String == slug && status["features"] as? Int == 3)
        let page = try editor.get("/uploads/\(token)/status")
        #expect(page.text.contains("EPSG:9210") && page.text.contains("106.05000") && page.text.contains("21.55000"))
    }

    @Test func aZipOfTwoShapefilesOffersItsLayersAndImportsTheChosenOne() throws {
        let zip = NSTemporaryDirectory() + "bando-upload-layers-\(UUID().uuidString).zip"
        defer { try? FileManager.default.removeItem(atPath: zip) }
        try ImportChoicesTests.twoShapefiles(at: zip)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: zip)))
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        let (title, slug) = UploadFiles.title("Lớp cầu")
        let token = try #require(try editor.stage((name: "hai_lop.zip", bytes: bytes), title: title))

        let first = try editor.get("/uploads/\(token)")
        #expect(first.status == 200 && !first.text.contains("id=\"read-error\""))
        let layers = select("layer-choice", in: first)
        #expect(layers.contains("<option value=\"duong.shp\" selected>duong.shp</option>") && layers.contains("<option value=\"cau.shp\">cau.shp</option>"))
        #expect(first.text.contains("<td>Quốc lộ 18</td>") && !first.text.contains("<td>Cầu 3</td>"))
        #expect(form("import-form", in: first).contains("<input type=\"hidden\" name=\"layer\" value=\"duong.shp\">"))

        let cau = try editor.get("/uploads/\(token)?layer=cau.shp")
        #expect(select("layer-choice", in: cau).contains("<option value=\"cau.shp\" selected>cau.shp</option>"))
        #expect(cau.text.contains("<td>Cầu 3</td>") && !cau.text.contains("<td>Quốc lộ 18</td>"))
        #expect(form("import-form", in: cau).contains("<input type=\"hidden\" name=\"layer\" value=\"cau.shp\">"))
        #expect(form("encoding-form", in: cau).contains("<input type=\"hidden\" name=\"layer\" value=\"cau.shp\">"))

        let unknown = try editor.get("/uploads/\(token)?layer=song.shp")
        #expect(unknown.status == 200 && unknown.text.contains("song.shp") && unknown.text.contains("Quốc lộ 18"))

        #expect(try editor.startImport(token, [("srid", "4326"), ("title", title), ("layer", "cau.shp")]).status == 303)
        let status = try editor.waitForImport(token)
        #expect(status["state"] as? String == "done", "\(status)")
        #expect(status["layer"] as? String == slug && status["features"] as? Int == 3)
        #expect(try editor.get("/uploads/\(token)/status").text.contains("3 điểm"))
    }

    @Test func anOutsideProvinceRefusalIsShownInTheVisitorsLanguage() throws {
        var lonLat: [(Double, Double)] = []
        for index in 0..<12 { lonLat.append((105.97 + Double(index) * 0.085, 21.2 + Double(index % 4) * 0.08)) }
        let projected = try fixture.project(lonLat, to: 9209)
        let rows = projected.enumerated().map { "\($0.offset + 1),\($0.element.0),\($0.element.1)" }
        let csv = Array(("stt,x,y\n" + rows.joined(separator: "\n") + "\n").utf8)
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        let (title, slug) = UploadFiles.title("Sai múi")
        let token = try #require(try editor.stage((name: "toado.csv", bytes: csv), title: title))
        #expect(try editor.startImport(token, [("srid", "9214"), ("title", title)]).status == 303)
        let status = try editor.waitForImport(token)
        #expect(status["state"] as? String == "failed")
        let json = status["message"] as? String ?? ""
        #expect(json.contains("Có vẻ đây là toạ độ VN-2000 múi chiếu kinh tuyến trục 105°30′ nhưng đang bị đọc theo kinh tuyến trục 107°00′"), "\(json)")
        #expect(try fixture.layerCount(prefix: slug) == 0)

        let vietnamese = try editor.get("/uploads/\(token)/status")
        #expect(vietnamese.text.contains("khi đọc theo hệ toạ độ VN-2000 múi 3° KTT 107°00′ (EPSG:9214)"))
        #expect(vietnamese.text.contains("Có vẻ đây là toạ độ VN-2000 múi chiếu kinh tuyến trục 105°30′ nhưng đang bị đọc theo kinh tuyến trục 107°00′"))
        #expect(vietnamese.text.contains("Hãy chọn hệ toạ độ VN-2000 múi 3° KTT 105°30′ (EPSG:9209)"))
        #expect(!vietnamese.text.contains("these look like"), "not the command line's English")

        editor.cookies["lang"] = "en"
        let english = try editor.get("/uploads/\(token)/status")
        #expect(english.text.contains("These look like VN-2000 zone 105°30′ coordinates read as 107°00′: choose VN-2000 múi 3° KTT 105°30′ (EPSG:9209)"))
        #expect(!english.text.contains("Có vẻ đây là"))
        let englishJSON = try JSONSerialization.jsonObject(with: Data(try editor.get("/uploads/\(token)/status.json").text.utf8)) as? [String: Any]
        #expect((englishJSON?["message"] as? String)?.hasPrefix("Only 0 of 12 features land inside the province") == true, "\(String(describing: englishJSON))")
    }

    @Test func aReadErrorOnThePreviewIsFramedInTheVisitorsLanguage() throws {
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        let token = try #require(try editor.stage((name: "hong.geojson", bytes: Array(#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":"x"},"properties":{}}]}"#.utf8))))
        let page = try editor.get("/uploads/\(token)")
        #expect(page.text.contains("id=\"read-error\">Tệp hong.geojson, đối tượng 1: geometry"))
        editor.cookies["lang"] = "en"
        #expect(try editor.get("/uploads/\(token)").text.contains("id=\"read-error\">hong.geojson, feature 1: geometry"))
    }
}
