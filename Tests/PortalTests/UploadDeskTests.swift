import Foundation
import Formats
import FormatsTestSupport
import Geometry
import GRDB
import HTTP
@testable import Portal
import Synchronization
import Testing

/// The upload desk's protections: cached previews, the preview's own limits, the gate on
/// previews read at once, each person's quotas, the disk's reserve, and imports side by side.
/// Each test serves the upload pages from a desk of its own (`DeskFixture`).
@Suite(.enabled(if: UploadFixture.shared != nil, "the upload fixture could not be seeded"))
struct UploadDeskTests {
    /// A zip of a point shapefile whose names are in TCVN3, as the province's older files are.
    static func tcvn3Zip(_ names: [String]) throws -> [UInt8] {
        let shapes = ShapefileBuilder(shapeType: 1, shapes: names.indices.map { .point(Point(x: 106.2 + Double($0) * 0.01, y: 21.3)) }).build()
        let dbf = DBFBuilder(fields: [.init(name: "TEN", type: "C", length: 60)], records: names.map { [$0] }, encoding: .tcvn3)
        return try zipped([("truong.shp", shapes.shp), ("truong.shx", shapes.shx), ("truong.dbf", dbf.build())])
    }

    /// The bytes of a zip of `entries`.
    static func zipped(_ entries: [(String, [UInt8])]) throws -> [UInt8] {
        let path = NSTemporaryDirectory() + "bando-desk-\(UUID().uuidString).zip"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try makeZip(at: path, entries: entries)
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// `count` point names.
    static func names(_ count: Int) -> [String] { (1...count).map { "Điểm quan trắc số \($0)" } }

    // MARK: The preview cache

    @Test func aSecondRenderReadsNothingAndAnEarlierChoiceCostsNothing() throws {
        let fixture = try DeskFixture()
        let previews = fixture.desk.previews
        let names = ["Trường Tiểu học Kim Sơn", "Trạm y tế xã Hồng Thái", "UBND phường Đông Hưng"]
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        let token = try #require(try editor.stage((name: "truong.zip", bytes: try Self.tcvn3Zip(names))))
        #expect(previews.reads == 0, "staging reads nothing")

        let first = try editor.get("/uploads/\(token)")
        #expect(first.status == 200 && first.text.contains(names[0]))
        let afterFirst = previews.reads
        #expect(afterFirst > 0)
        let again = try editor.get("/uploads/\(token)")
        #expect(again.status == 200 && again.text.contains(names[2]) && again.text.contains("<option value=\"tcvn3\" selected>"))
        #expect(previews.reads == afterFirst, "rendered again from the cache")

        let other = try editor.get("/uploads/\(token)?encoding=vniWindows")
        #expect(other.text.contains("<option value=\"vniWindows\" selected>") && !other.text.contains(names[0]))
        let afterOther = previews.reads
        #expect(try editor.get("/uploads/\(token)").text.contains(names[0]))
        #expect(try editor.get("/uploads/\(token)?encoding=vniWindows").text.contains("<option value=\"vniWindows\" selected>"))
        #expect(try editor.get("/uploads/\(token)?encoding=tcvn3").text.contains(names[0]))
        #expect(previews.reads == afterOther, "flipping back and forth reads nothing more")

        #expect(try editor.send("/uploads/\(token)/cancel").status == 303)
        #expect(try editor.get("/uploads/\(token)").status == 404)
    }

    @Test func theCacheKeepsOnlyItsMostRecentEntries() {
        let cache = BoundedCache<String, Int>(capacity: 2)
        cache.store(1, for: "a")
        cache.store(2, for: "b")
        #expect(cache.value("a") == 1, "a is now the most recent")
        cache.store(3, for: "c")
        #expect(cache.value("b") == nil && cache.value("a") == 1 && cache.value("c") == 3 && cache.count == 2)
        cache.removeAll { $0 == "a" }
        #expect(cache.value("a") == nil && cache.count == 1)
    }

    // MARK: The preview's limits

    @Test func aFileBeyondThePreviewsLimitsShowsTheNoticeAndStillImports() throws {
        let limits = ImportLimits(maxUncompressedBytes: 4096, maxDocumentBytes: 2048)
        let fixture = try DeskFixture { DeskFixture.desk($0, previews: UploadPreviews(limits: limits, gate: PreviewGate())) }
        let points = UploadFiles.points(Self.names(60))
        #expect(points.count > 4096)
        var editor = try Browser.signedIn(fixture, "stnmt.editor")

        let (title, slug) = UploadFiles.title("Điểm lớn")
        let token = try #require(try editor.stage((name: "diem_lon.zip", bytes: try Self.zipped([("diem.geojson", points)])), title: title))
        let preview = try editor.get("/uploads/\(token)")
        #expect(preview.status == 200)
        #expect(preview.text.contains("id=\"beyond-preview\"") && preview.text.contains("Tệp quá lớn để xem trước"))
        #expect(preview.text.contains("4096 bytes"), "the notice says which limit")
        #expect(preview.text.contains("GeoJSON") && !preview.text.contains("id=\"read-error\"") && !preview.text.contains("preview-records"))
        #expect(preview.text.contains("id=\"import-form\"") && preview.text.contains("<option value=\"\" selected>Theo khai báo trong tệp</option>"))

        #expect(try editor.startImport(token, [("srid", ""), ("title", title)]).status == 303)
        let status = try editor.waitForImport(token)
        #expect(status["state"] as? String == "done", "\(status)")
        #expect(status["layer"] as? String == slug && status["features"] as? Int == 60)

        let plain = try #require(try editor.stage((name: "diem_lon.geojson", bytes: points)))
        editor.cookies["lang"] = "en"
        let plainPreview = try editor.get("/uploads/\(plain)")
        #expect(plainPreview.text.contains("id=\"beyond-preview\"") && plainPreview.text.contains("too large to preview"))
        #expect(plainPreview.text.contains("MB read at once") && plainPreview.text.contains("id=\"import-form\""))
    }

    // MARK: The gate

    @Test func withEveryPreviewSlotBusyAnotherPreviewGets503WithRetryAfter() throws {
        let latch = Latch()
        let gate = PreviewGate(capacity: 2, patience: 0.05)
        let fixture = try DeskFixture { DeskFixture.desk($0, previews: UploadPreviews(gate: gate, beforeRead: { latch.arrive() })) }
        defer { latch.open() }
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        var tokens: [String] = []
        for name in ["mot", "hai", "ba"] {
            tokens.append(try #require(try editor.stage((name: "\(name).geojson", bytes: UploadFiles.points(["Điểm \(name)"])))))
        }

        let held = Statuses()
        let finished = DispatchSemaphore(value: 0)
        for token in tokens.prefix(2) {
            let browser = editor
            Thread {
                var browser = browser
                let status = (try? browser.get("/uploads/\(token)").status) ?? -1
                held.values.withLock { $0.append(status) }
                finished.signal()
            }.start()
        }
        #expect(latch.waitForArrivals(2), "two previews hold both slots")

        let busy = try editor.get("/uploads/\(tokens[2])")
        #expect(busy.status == 503)
        #expect(busy.headers["Retry-After"] == "\(Portal.previewRetrySeconds)")
        #expect(busy.text.contains("id=\"preview-busy\"") && busy.text.contains("Trang này sẽ thử lại sau"))
        #expect(busy.text.contains("http-equiv=\"refresh\""))

        latch.open()
        for _ in 0..<2 { #expect(finished.wait(timeout: .now() + 60) == .success) }
        #expect(held.values.withLock { $0 } == [200, 200])
        let retried = try editor.get("/uploads/\(tokens[2])")
        #expect(retried.status == 200 && retried.text.contains("Điểm ba"))
    }

    // MARK: Quotas

    @Test func theSixthWaitingUploadIsRefusedAndAnotherUserIsNot() throws {
        let fixture = try DeskFixture { DeskFixture.desk($0) }
        let limit = fixture.desk.quotas.maxStagedPerUser
        #expect(limit == 5)
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        var tokens: [String] = []
        for index in 1...limit {
            tokens.append(try #require(try editor.stage((name: "tep\(index).geojson", bytes: UploadFiles.points(["Điểm \(index)"])))))
        }
        let csrf = try editor.token()
        let refused = try editor.upload("/upload", fields: [("csrf", csrf)], file: (name: "tep6.geojson", bytes: UploadFiles.points(["Sáu"])))
        #expect(refused.status == 429)
        #expect(refused.text.contains("Bạn đang có \(limit) tệp tải lên chờ nhập"))
        #expect(refused.text.contains("id=\"waiting-uploads\"") && tokens.allSatisfy { refused.text.contains("/uploads/\($0)") },
                "the form lists the uploads to import or cancel")
        let scripted = try editor.upload("/upload", fields: [("csrf", csrf)], file: (name: "tep6.geojson", bytes: UploadFiles.points(["Sáu"])),
                                         accept: "application/json")
        #expect(scripted.status == 429 && scripted.text.contains("\"error\""))
        #expect(fixture.desk.staging.uploads(ownedBy: try userID(fixture, "stnmt.editor")).count == limit, "nothing more was stored")

        var colleague = try Browser.signedIn(fixture, "stnmt.admin")
        #expect(try colleague.stage((name: "khac.geojson", bytes: UploadFiles.points(["Khác"]))) != nil, "another user is not affected")

        #expect(try editor.send("/uploads/\(tokens[0])/cancel").status == 303)
        #expect(try editor.stage((name: "tep6.geojson", bytes: UploadFiles.points(["Sáu"]))) != nil, "a cancelled upload frees its place")
    }

    @Test func aFourthImportWaitingIsRefusedUntilOneEnds() throws {
        let latch = Latch()
        let fixture = try DeskFixture {
            DeskFixture.desk($0, jobs: ImportJobs(maxConcurrent: 1, maxPerOwner: 3, beforeEach: { _ in latch.arrive() }))
        }
        defer { latch.open() }
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        var tokens: [String] = []
        for index in 1...4 {
            let (title, _) = UploadFiles.title("Hàng đợi \(index)")
            tokens.append(try #require(try editor.stage((name: "hang\(index).geojson", bytes: UploadFiles.points(["Điểm \(index)"])), title: title)))
        }
        for token in tokens.prefix(3) { #expect(try editor.startImport(token, [("srid", "4326")]).status == 303) }
        #expect(latch.waitForArrivals(1))
        let refused = try editor.startImport(tokens[3], [("srid", "4326")])
        #expect(refused.status == 429 && refused.text.contains("Bạn đang có 3 lượt nhập đang chờ hoặc đang chạy"))
        #expect(try editor.get("/uploads/\(tokens[3])/status.json").text.contains("\"state\":\"staged\""), "the upload stays")

        latch.open()
        for token in tokens.prefix(3) { #expect(try editor.waitForImport(token)["state"] as? String == "done") }
        #expect(try editor.startImport(tokens[3], [("srid", "4326")]).status == 303)
        #expect(try editor.waitForImport(tokens[3])["state"] as? String == "done")
    }

    @Test func anUploadIsRefusedWhenTheDiskWouldBeLeftTooFull() throws {
        let free = FreeSpace(bytes: (1 << 30) + 4096)
        let fixture = try DeskFixture { DeskFixture.desk($0, quotas: UploadQuotas(freeSpace: { _ in free.bytes.withLock { $0 } })) }
        let points = UploadFiles.points(Self.names(40))
        #expect(2 * points.count > 4096, "twice the file and the reserve do not fit")
        var editor = try Browser.signedIn(fixture, "stnmt.editor")
        let refused = try editor.upload("/upload", fields: [("csrf", try editor.token())], file: (name: "day.geojson", bytes: points))
        #expect(refused.status == 507 && refused.text.contains("Máy chủ sắp hết dung lượng đĩa"))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: fixture.desk.staging.root)) ?? []).isEmpty, "nothing stored")

        free.bytes.withLock { $0 = 4 << 30 }
        #expect(try editor.stage((name: "day.geojson", bytes: points)) != nil)

        #expect((UploadQuotas.freeBytes(at: NSTemporaryDirectory()) ?? 0) > 0, "statvfs answers")
        #expect(UploadQuotas.freeBytes(at: NSTemporaryDirectory() + "khong-co/thu-muc") == UploadQuotas.freeBytes(at: NSTemporaryDirectory()),
                "a folder not made yet is measured on its parent's file system")
    }

    // MARK: Imports side by side

    @Test func twoImportsRunAtOnceAndBothCompleteCorrectly() throws {
        let latch = Latch(count: 2)
        let fixture = try DeskFixture {
            DeskFixture.desk($0, jobs: ImportJobs(maxConcurrent: 2, maxPerOwner: 3, beforeEach: { _ in latch.arrive() }))
        }
        defer { latch.open() }
        var first = try Browser.signedIn(fixture, "stnmt.editor")
        var second = try Browser.signedIn(fixture, "syt.editor")
        let (firstTitle, firstSlug) = UploadFiles.title("Song song một")
        let (secondTitle, secondSlug) = UploadFiles.title("Song song hai", agency: "syt")
        let a = try #require(try first.stage((name: "mot.geojson", bytes: UploadFiles.points(Self.names(30))), title: firstTitle))
        let b = try #require(try second.stage((name: "hai.geojson", bytes: UploadFiles.points(Self.names(7))), title: secondTitle))
        #expect(try first.startImport(a, [("srid", "4326"), ("title", firstTitle)]).status == 303)
        #expect(try second.startImport(b, [("srid", "4326"), ("title", secondTitle)]).status == 303)

        let firstStatus = try first.waitForImport(a)
        let secondStatus = try second.waitForImport(b)
        #expect(latch.mostTogether == 2, "both imports were running at once")
        #expect(firstStatus["state"] as? String == "done" && firstStatus["layer"] as? String == firstSlug, "\(firstStatus)")
        #expect(firstStatus["features"] as? Int == 30 && firstStatus["version"] as? Int == 1)
        #expect(secondStatus["state"] as? String == "done" && secondStatus["layer"] as? String == secondSlug, "\(secondStatus)")
        #expect(secondStatus["features"] as? Int == 7 && secondStatus["version"] as? Int == 1)
        #expect(try fixture.base.versionStatuses(firstSlug) == ["pending"] && fixture.base.versionStatuses(secondSlug) == ["pending"])
        #expect(try fixture.base.featureCount(firstSlug) == 30 && fixture.base.featureCount(secondSlug) == 7)
        #expect(!FileManager.default.fileExists(atPath: fixture.desk.staging.folder(a)) && !FileManager.default.fileExists(atPath: fixture.desk.staging.folder(b)))
    }

    @Test func aFreedSlotGoesToAnAgencyWithNoImportRunning() throws {
        let first = Latch(), second = Latch()
        let started = StartedTokens()
        let jobs = ImportJobs(maxConcurrent: 2, beforeEach: { token in
            started.values.withLock { $0.append(token) }
            if token == "a1" { first.arrive() }
            if token == "a2" { second.arrive() }
        })
        defer { first.open(); second.open() }
        let ended = DispatchSemaphore(value: 0)
        let work: ImportJobs.Work = { _ throws(ImportError) in throw .unknownLayer("none") }
        func submit(_ token: String, _ agency: String) {
            #expect(jobs.submit(token, owner: 1, agencyCode: agency, layerSlug: nil, work: work, finally: { ended.signal() }) == .queued)
        }
        submit("a1", "stnmt")
        #expect(first.waitForArrivals(1))
        submit("a2", "stnmt")
        #expect(second.waitForArrivals(1), "one agency's imports hold both threads")
        submit("a3", "stnmt")
        submit("b1", "syt")
        first.open()
        #expect(ended.wait(timeout: .now() + 60) == .success)
        second.open()
        for _ in 0..<3 { #expect(ended.wait(timeout: .now() + 60) == .success) }
        #expect(started.values.withLock { $0 } == ["a1", "a2", "b1", "a3"], "the other agency's import went ahead of the third")
    }

    // MARK: Sweeping

    @Test func aQueuedImportThatNeverStartedIsSweptLikeAnAbandonedUpload() throws {
        let root = NSTemporaryDirectory() + "bando-desk-sweep-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let staging = UploadStaging(dataDirectory: root)
        let part = MultipartPart(name: "file", filename: "diem.geojson", body: .bytes(UploadFiles.points(["A"])))
        let running = try staging.stage(part, owner: 1, agencyCode: "a", layerSlug: nil, title: nil)
        let queued = try staging.stage(part, owner: 1, agencyCode: "a", layerSlug: nil, title: nil)
        let latch = Latch()
        defer { latch.open() }
        let jobs = ImportJobs(maxConcurrent: 1, beforeEach: { _ in latch.arrive() })
        let work: ImportJobs.Work = { _ throws(ImportError) in throw .unknownLayer("none") }
        for upload in [running, queued] {
            let token = upload.token
            #expect(jobs.submit(token, owner: 1, agencyCode: "a", layerSlug: nil, work: { progress throws(ImportError) in
                staging.markImporting(token)
                return try work(progress)
            }, finally: { staging.remove(token) }) == .queued)
        }
        #expect(latch.waitForArrivals(1))
        #expect(jobs.job(queued.token)?.state.name == "queued")
        #expect(staging.sweep(now: Date().addingTimeInterval(7200), atStartUp: false) { jobs.activeTokens.contains($0) } == [],
                "while the process runs, a queued import keeps its file however long it waits")

        // The process stops: the new one knows no job. The queued upload bears no import marker,
        // so it stays a staged upload until it is an hour old, then goes like any other.
        let restarted = ImportJobs()
        #expect(staging.sweep(atStartUp: true) { restarted.activeTokens.contains($0) } == [])
        #expect(staging.find(queued.token) == queued && staging.find(running.token) == running)
        #expect(staging.sweep(now: Date().addingTimeInterval(7200), atStartUp: true) { restarted.activeTokens.contains($0) }.sorted()
                == [queued.token, running.token].sorted())
        #expect(staging.find(queued.token) == nil)
    }

    /// The user id of `username`.
    func userID(_ fixture: DeskFixture, _ username: String) throws -> Int64 {
        try #require(try fixture.base.database.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM users WHERE username = ?", arguments: [username])
        })
    }
}

/// Statuses collected from other threads.
final class Statuses: Sendable {
    let values = Mutex<[Int]>([])
}

/// Tokens collected from other threads.
final class StartedTokens: Sendable {
    let values = Mutex<[String]>([])
}

/// Free space a test sets.
final class FreeSpace: Sendable {
    let bytes: Mutex<Int64>
    init(bytes: Int64) { self.bytes = Mutex(bytes) }
}
