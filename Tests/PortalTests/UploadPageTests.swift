import Foundation
import Formats
import FormatsTestSupport
import Geometry
import HTTP
@testable import Portal
import Store
import Testing

/// The browser doors to the import pipeline: form, preview, background import and status, with
/// the access rules and the clean-up of staged files.
@Suite(.enabled(if: UploadFixture.shared != nil, "the upload fixture could not be seeded"))
struct UploadPageTests {
    var fixture: UploadFixture { UploadFixture.shared! }

    // MARK: A new layer, end to end

    @Test func editorUploadsGeoJSONAndGetsAPendingInvisibleLayer() throws {
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        let form = try editor.get("/upload")
        #expect(form.status == 200)
        #expect(form.text.contains("enctype=\"multipart/form-data\"") && form.text.contains("/static/upload.js"))
        #expect(form.text.contains("data-max-bytes=\"\(fixture.portal.maxUploadMegabytes << 20)\""))

        let (title, slug) = UploadFiles.title("Trạm quan trắc")
        let token = try #require(try editor.stage((name: "tram.geojson", bytes: UploadFiles.points(["Trạm Đông Hưng", "Trạm Kim Sơn"])),
                                                 title: title))
        #expect(FileManager.default.fileExists(atPath: fixture.uploads + "/\(token)/tram.geojson"))
        #expect(try fixture.auditEntries("stnmt.editor").contains { $0 == ("layer.upload", "tram.geojson") })

        let preview = try editor.get("/uploads/\(token)")
        #expect(preview.status == 200)
        #expect(preview.text.contains("GeoJSON") && preview.text.contains("EPSG:4326"))
        #expect(preview.text.contains("Trạm Đông Hưng") && preview.text.contains("Trạm Kim Sơn"))
        #expect(preview.text.contains("value=\"\(title)\""))

        let started = try editor.startImport(token, [("srid", "4326"), ("title", title)])
        #expect(started.status == 303 && started.headers["Location"] == "/uploads/\(token)/status")
        let status = try editor.waitForImport(token)
        #expect(status["state"] as? String == "done", "\(status)")
        #expect(status["layer"] as? String == slug && status["version"] as? Int == 1 && status["features"] as? Int == 2)

        let page = try editor.get("/uploads/\(token)/status")
        #expect(page.status == 200)
        #expect(page.text.contains("/layers/\(slug)/versions/1"))
        #expect(!FileManager.default.fileExists(atPath: fixture.uploads + "/\(token)"), "the staged folder is removed")
        #expect(try fixture.versionStatuses(slug) == ["pending"])

        // The agency sees its pending layer; the public and another agency do not.
        #expect(try editor.get("/layers/\(slug)").status == 200)
        var visitor = Browser(fixture)
        #expect(try visitor.get("/layers/\(slug)").status == 404)
        #expect(!(try visitor.get("/").text.contains(slug)))
        var other = try Browser.signedIn(fixture, "syt.editor")
        #expect(try other.get("/layers/\(slug)").status == 404)
        #expect(!(try other.get("/").text.contains(slug)))
    }

    @Test func theScriptedFormGetsJSONBack() throws {
        var editor = try Browser.signedIn(fixture, "stnmt.admin")
        let csrf = Browser.csrf(in: try editor.get("/upload")) ?? ""
        let reply = try editor.upload("/upload", fields: [("csrf", csrf)],
                                      file: (name: "diem.geojson", bytes: UploadFiles.points(["A"])), accept: "application/json")
        #expect(reply.status == 200)
        let object = try JSONSerialization.jsonObject(with: Data(reply.text.utf8)) as? [String: String]
        let location = try #require(object?["location"])
        #expect(location.hasPrefix("/uploads/"))
        #expect(try editor.get(location).status == 200)
        let empty = try editor.upload("/upload", fields: [("csrf", csrf)], file: (name: "", bytes: []), accept: "application/json")
        #expect(empty.status == 400 && empty.text.contains("\"error\""))
    }

    // MARK: Text encodings

    @Test func tcvn3TextIsDecodedInThePreviewAndAnotherEncodingChangesIt() throws {
        let names = ["Trường Tiểu học Kim Sơn", "Trạm y tế xã Hồng Thái", "UBND phường Đông Hưng", "Nhà văn hóa thôn Bắc"]
        let shapes = ShapefileBuilder(shapeType: 1, shapes: names.indices.map { .point(Point(x: 106.2 + Double($0) * 0.01, y: 21.3)) }).build()
        let dbf = DBFBuilder(fields: [.init(name: "TEN", type: "C", length: 60)], records: names.map { [$0] }, encoding: .tcvn3)
        let zip = NSTemporaryDirectory() + "bando-upload-tcvn3-\(UUID().uuidString).zip"
        defer { try? FileManager.default.removeItem(atPath: zip) }
        try makeZip(at: zip, entries: [("truong.shp", shapes.shp), ("truong.shx", shapes.shx), ("truong.dbf", dbf.build())])

        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: zip)))
        let token = try #require(try editor.stage((name: "truong.zip", bytes: bytes)))
        let preview = try editor.get("/uploads/\(token)")
        #expect(preview.status == 200)
        #expect(preview.text.contains("Shapefile"))
        for name in names { #expect(preview.text.contains(name), "\(name) is decoded from TCVN3") }
        #expect(preview.text.contains("<option value=\"tcvn3\" selected>"))
        #expect(preview.text.contains("name=\"encoding\" value=\"tcvn3\""))
        #expect(preview.text.contains(" %</td>"), "the candidates show their scores")

        let other = try editor.get("/uploads/\(token)?encoding=vniWindows")
        #expect(other.status == 200)
        #expect(other.text.contains("<option value=\"vniWindows\" selected>"))
        #expect(!other.text.contains(names[0]), "read as VNI-Windows, the text differs")
        #expect(other.text.contains("name=\"encoding\" value=\"vniWindows\""))

        let unknown = try editor.get("/uploads/\(token)?encoding=klingon")
        #expect(unknown.text.contains("klingon") && unknown.text.contains(names[0]))
    }

    // MARK: Coordinate systems

    @Test func anUnknownCRSIsChosenFromTheListAndVN2000Works() throws {
        let projected = try fixture.project([(106.2, 21.27), (106.5, 21.4)], to: 9214)
        let shapes = ShapefileBuilder(shapeType: 1, shapes: projected.map { .point(Point(x: $0.0, y: $0.1)) }).build()
        let dbf = DBFBuilder(fields: [.init(name: "TEN", type: "C", length: 40)], records: [["Điểm một"], ["Điểm hai"]])
        let zip = NSTemporaryDirectory() + "bando-upload-vn2000-\(UUID().uuidString).zip"
        defer { try? FileManager.default.removeItem(atPath: zip) }
        try makeZip(at: zip, entries: [("diem.shp", shapes.shp), ("diem.shx", shapes.shx), ("diem.dbf", dbf.build()),
                                       ("diem.cpg", Array("UTF-8".utf8))])
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: zip)))
        var editor = try Browser.signedIn(fixture, "stnmt.editor")

        // Without a CRS the import fails, naming the choices; the staged file is removed.
        let first = try #require(try editor.stage((name: "diem.zip", bytes: bytes)))
        let preview = try editor.get("/uploads/\(first)")
        #expect(preview.text.contains("upload-crs-unknown"))
        #expect(preview.text.contains("<select name=\"srid\" required>"))
        #expect(preview.text.contains("<option value=\"9214\">EPSG:9214 — VN-2000 múi 3° KTT 107°00′</option>"))
        #expect(try editor.startImport(first, [("srid", "")]).status == 303)
        let failed = try editor.waitForImport(first)
        #expect(failed["state"] as? String == "failed")
        #expect((failed["message"] as? String)?.contains("Không xác định được hệ toạ độ của tệp diem.zip") == true, "\(failed)")
        let failedPage = try editor.get("/uploads/\(first)/status")
        #expect(failedPage.text.contains("import-failure") && failedPage.text.contains("9214"))
        #expect(!FileManager.default.fileExists(atPath: fixture.uploads + "/\(first)"))

        // Chosen from the list, VN-2000 zone 107°00′ lands where the points were.
        let (title, slug) = UploadFiles.title("Điểm VN2000")
        let second = try #require(try editor.stage((name: "diem.zip", bytes: bytes), title: title))
        #expect(try editor.startImport(second, [("srid", "9214"), ("title", title)]).status == 303)
        let done = try editor.waitForImport(second)
        #expect(done["state"] as? String == "done", "\(done)")
        let page = try editor.get("/uploads/\(second)/status")
        #expect(page.text.contains("EPSG:9214") && page.text.contains("106.20000") && page.text.contains("21.27000"))
        #expect(try fixture.versionStatuses(slug) == ["pending"])
    }

    // MARK: Refusals

    @Test func aMissingCSRFTokenIsRefused() throws {
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        let refused = try editor.upload("/upload", fields: [], file: (name: "x.geojson", bytes: UploadFiles.points(["X"])))
        #expect(refused.status == 403 && refused.headers["Location"] == nil)
        let forged = try editor.upload("/upload", fields: [("csrf", "forged-token-forged-token")],
                                       file: (name: "x.geojson", bytes: UploadFiles.points(["X"])))
        #expect(forged.status == 403)

        let token = try #require(try editor.stage((name: "x.geojson", bytes: UploadFiles.points(["X"]))))
        let noToken = try editor.post("/uploads/\(token)/import", [("srid", "4326")])
        #expect(noToken.status == 403)
        #expect(try editor.get("/uploads/\(token)/status.json").text.contains("\"state\":\"staged\""), "no import started")
        #expect(try editor.post("/uploads/\(token)/cancel", []).status == 403)
        let cancelled = try editor.send("/uploads/\(token)/cancel")
        #expect(cancelled.status == 303 && cancelled.headers["Location"] == "/upload")
        #expect(!FileManager.default.fileExists(atPath: fixture.uploads + "/\(token)"))
        #expect(try editor.get("/uploads/\(token)").status == 404)
    }

    @Test func anotherUserGetsNotFoundOnTheTokenPages() throws {
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        let token = try #require(try editor.stage((name: "rieng.geojson", bytes: UploadFiles.points(["Riêng"]))))
        var colleague = try Browser.signedIn(fixture, "stnmt.admin")
        var stranger = try Browser.signedIn(fixture, "syt.editor")
        var visitor = Browser(fixture)
        for target in ["/uploads/\(token)", "/uploads/\(token)/status", "/uploads/\(token)/status.json"] {
            #expect(try colleague.get(target).status == 404, "\(target)")
            #expect(try stranger.get(target).status == 404, "\(target)")
            #expect(try visitor.get(target).status == 404, "\(target)")
        }
        #expect(try colleague.send("/uploads/\(token)/import", [("srid", "4326")]).status == 404)
        #expect(try colleague.send("/uploads/\(token)/cancel").status == 404)
        #expect(try editor.get("/uploads/\(token)").status == 200, "the owner still has it")
        #expect(try editor.get("/uploads/not-a-token").status == 404)
        #expect(try editor.get("/uploads/\(String(repeating: "a", count: 32))").status == 404)
    }

    @Test func onlyEditorsAndAgencyAdminsReachTheForm() throws {
        let slug = try fixture.publishedLayer(owner: "stnmt", title: "Lớp của sở")
        for username in ["stnmt.viewer", "stnmt.approver", "syt.editor", "sysadmin"] {
            var browser = try Browser.signedIn(fixture, username)
            #expect(try browser.get("/upload").status == (username == "syt.editor" ? 200 : 404), "\(username)")
            #expect(try browser.get("/layers/\(slug)/upload").status == 404, "\(username)")
        }
        var visitor = Browser(fixture)
        let signInFirst = try visitor.get("/upload")
        #expect(signInFirst.status == 303 && signInFirst.headers["Location"] == "/login?next=/upload",
                "a signed-out visitor is asked to sign in")
        #expect(try visitor.get("/layers/\(slug)/upload").headers["Location"] == "/login?next=/layers/\(slug)/upload")
        #expect(try visitor.get("/layers/khong-co/upload").headers["Location"] == "/login?next=/layers/khong-co/upload",
                "the same answer for a layer that does not exist")
        var viewer = try Browser.signedIn(fixture, "stnmt.viewer")
        let csrf = try viewer.token()
        #expect(try viewer.upload("/upload", fields: [("csrf", csrf)], file: (name: "x.geojson", bytes: UploadFiles.points(["X"]))).status == 404)
        for username in ["stnmt.editor", "stnmt.admin"] {
            var browser = try Browser.signedIn(fixture, username)
            #expect(try browser.get("/upload").status == 200, "\(username)")
            #expect(try browser.get("/layers/\(slug)/upload").status == 200, "\(username)")
        }
    }

    @Test func aBadFileShowsAClearErrorAndABadRecordFailsTheImport() throws {
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        let broken = try #require(try editor.stage((name: "hong.zip", bytes: Array("PK\u{03}\u{04}not really a zip".utf8))))
        let page = try editor.get("/uploads/\(broken)")
        #expect(page.status == 200)
        #expect(page.text.contains("id=\"read-error\"") && page.text.contains("hong.zip"))
        #expect(!page.text.contains("id=\"import-form\""))

        let noShp = NSTemporaryDirectory() + "bando-upload-noshp-\(UUID().uuidString).zip"
        defer { try? FileManager.default.removeItem(atPath: noShp) }
        try makeZip(at: noShp, entries: [("ghichu.pdf", Array("%PDF".utf8))])
        let noShpBytes = Array(try Data(contentsOf: URL(fileURLWithPath: noShp)))
        let missing = try #require(try editor.stage((name: "thieu.zip", bytes: noShpBytes)))
        let missingPage = try editor.get("/uploads/\(missing)")
        #expect(missingPage.text.contains("id=\"read-error\"") && missingPage.text.contains("holds no shapefile"))

        let empty = try editor.upload("/upload", fields: [("csrf", try editor.token())], file: (name: "rong.geojson", bytes: []))
        #expect(empty.status == 400 && empty.text.contains("Chưa chọn tệp"))

        let (title, slug) = UploadFiles.title("Sai vĩ độ")
        let bad = Array(#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[106.2,123.4]},"properties":{}}]}"#.utf8)
        let token = try #require(try editor.stage((name: "sai.geojson", bytes: bad), title: title))
        #expect(try editor.startImport(token, [("srid", "4326"), ("title", title)]).status == 303)
        let status = try editor.waitForImport(token)
        #expect(status["state"] as? String == "failed")
        #expect(status["message"] as? String == "Tệp sai.geojson, bản ghi 1: latitude 123.4 is out of range (−90 to 90)", "\(status)")
        #expect(try fixture.layerCount(prefix: slug) == 0, "a failed import leaves no layer")
        #expect(!FileManager.default.fileExists(atPath: fixture.uploads + "/\(token)"), "nor files")
    }

    // MARK: A new version

    @Test func aNewVersionOfAnExistingLayer() throws {
        let slug = try fixture.publishedLayer(owner: "stnmt", title: "Điểm cấp nước")
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        let form = try editor.get("/layers/\(slug)/upload")
        #expect(form.status == 200 && form.text.contains("action=\"/layers/\(slug)/upload\""))
        #expect(!form.text.contains("name=\"title\""), "a version keeps the layer's title")
        let token = try #require(try editor.stage((name: "capnuoc.geojson", bytes: UploadFiles.points(["Giếng 1", "Giếng 2", "Giếng 3"])),
                                                  form: "/layers/\(slug)/upload"))
        let preview = try editor.get("/uploads/\(token)")
        #expect(preview.text.contains("Điểm cấp nước") && preview.text.contains("Giếng 3"))
        #expect(try editor.startImport(token, [("srid", "4326")]).status == 303)
        let status = try editor.waitForImport(token)
        #expect(status["state"] as? String == "done", "\(status)")
        #expect(status["layer"] as? String == slug && status["version"] as? Int == 2 && status["features"] as? Int == 3)
        #expect(try fixture.versionStatuses(slug) == ["published", "pending"])
        #expect(try editor.get("/uploads/\(token)/status").text.contains("/layers/\(slug)/versions/2"))
    }

    // MARK: Staging and limits

    @Test func abandonedUploadsAreSweptAndNamesAreMadeSafe() throws {
        let root = NSTemporaryDirectory() + "bando-staging-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let staging = UploadStaging(dataDirectory: root)
        let part = MultipartPart(name: "file", filename: "../../etc/passwd", body: .bytes(Array("x".utf8)))
        let old = try staging.stage(part, owner: 1, agencyCode: "a", layerSlug: nil, title: nil, now: Date().addingTimeInterval(-7200))
        let busy = try staging.stage(part, owner: 1, agencyCode: "a", layerSlug: nil, title: nil, now: Date().addingTimeInterval(-7200))
        let fresh = try staging.stage(part, owner: 1, agencyCode: "a", layerSlug: nil, title: nil)
        #expect(old.fileName == "passwd" && staging.path(of: old) == root + "/uploads/\(old.token)/passwd")
        let interrupted = try staging.stage(part, owner: 1, agencyCode: "a", layerSlug: nil, title: nil)
        staging.markImporting(interrupted.token)
        #expect(staging.sweep(atStartUp: false) { $0 == busy.token } == [old.token],
                "while serving, an import's marker is no reason to remove its file")
        #expect(staging.sweep(atStartUp: true) { $0 == busy.token } == [interrupted.token])
        #expect(staging.find(old.token) == nil && staging.find(interrupted.token) == nil)
        #expect(staging.find(busy.token) == busy && staging.find(fresh.token) == fresh)

        #expect(UploadStaging.sanitized(#"C:\Users\an\Bản đồ (1).zip"#) == "Bản_đồ__1_.zip")
        #expect(UploadStaging.sanitized(".htaccess") == "htaccess")
        #expect(UploadStaging.sanitized("   ") == "upload")
        #expect(UploadStaging.sanitized(String(repeating: "a", count: 300) + ".geojson").count == UploadStaging.maxNameLength)
        #expect(UploadStaging.sanitized(String(repeating: "a", count: 300) + ".geojson").hasSuffix(".geojson"))
        #expect(!UploadStaging.isWellFormed("../../etc") && !UploadStaging.isWellFormed("short"))
        #expect(throws: StagingProblem.noFile) {
            _ = try staging.stage(MultipartPart(name: "file", filename: "", body: .bytes([1])), owner: 1, agencyCode: "a", layerSlug: nil, title: nil)
        }
    }

    @Test func anOversizeBodyGetsThePageThatSaysTheLimit() throws {
        let page = fixture.portal.uploadAwareErrorPage(HTTPError(413, "The request body is too large."), nil)
        #expect(page.status == 413)
        let megabytes = fixture.portal.maxUploadMegabytes
        #expect(page.text.contains("dung lượng tối đa cho một lần tải lên là \(megabytes) MB"))
        #expect(page.text.contains("the limit for one upload is \(megabytes) MB"))
        let request = try Request(method: .POST, target: "/upload", headers: ["Cookie": "lang=en"])
        let english = fixture.portal.uploadAwareErrorPage(HTTPError(413, "Too many multipart parts."), request)
        #expect(english.status == 413 && english.text.contains("the limit for one upload is \(megabytes) MB"))
        #expect(!english.text.contains("dung lượng tối đa"))
        #expect(Portal.maxBodyBytes(forUploadMegabytes: 1) > 1 << 20)
    }
}

/// The words under the progress bar follow the import's phases, in both languages.
@Suite(.enabled(if: UploadFixture.shared != nil, "the upload fixture could not be seeded"))
struct ImportProgressWordsTests {
    @Test func readingThenWritingThenIndexing() throws {
        let portal = try #require(UploadFixture.shared).portal
        let reading = portal.progressContext(written: 0, total: 0, .vi)
        #expect(reading["text"] as? String == "Đang đọc và kiểm tra tệp, hoặc chờ một lượt nhập khác ghi xong…")
        #expect(reading["determinate"] == nil)
        let writing = portal.progressContext(written: 1_250, total: 40_000, .vi)
        #expect(writing["percent"] as? Int == 3)
        #expect((writing["text"] as? String)?.hasPrefix("Đã ghi ") == true)
        #expect((writing["text"] as? String)?.contains("lập chỉ mục") == false)
        // Every feature written, the import still running: the spatial index is being filled.
        let indexing = portal.progressContext(written: 40_000, total: 40_000, .vi)
        #expect(indexing["percent"] as? Int == 100)
        #expect((indexing["text"] as? String)?.contains("đang lập chỉ mục không gian") == true, "\(indexing)")
        let english = portal.progressContext(written: 40_000, total: 40_000, .en)
        #expect((english["text"] as? String)?.contains("building the spatial index") == true, "\(english)")
    }
}
