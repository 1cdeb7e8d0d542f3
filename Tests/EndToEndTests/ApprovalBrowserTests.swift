import Foundation
import Testing

/// A department's data officer and its approver in real browsers, against `bando serve` on the
/// demo province: the officer uploads a file through the upload form, the layer stays hidden,
/// the approver opens it to the public and publishes it, the public sees it on the map; a
/// rejected version shows its reason to the officer; a rollback brings back the earlier tiles.
@Suite(.serialized) struct ApprovalBrowserTests {
    static let password = "e2e-password-1"
    /// The z 12 tile over the middle of the demo province where the uploaded points lie.
    static let tile = "12/3258/1799.png"

    static func geoJSON(_ points: [(Double, Double, String)]) -> String {
        let features = points.map { point in
            #"{"type":"Feature","properties":{"ten":"\#(point.2)","loai":"thu gom"},"geometry":{"type":"Point","coordinates":[\#(point.0),\#(point.1)]}}"#
        }
        return #"{"type":"FeatureCollection","features":[\#(features.joined(separator: ","))]}"#
    }

    func signIn(_ session: WebDriverSession, _ origin: String, _ username: String) throws {
        try session.navigate(origin + "/login")
        try session.fill("input[name=username]", username)
        try session.fill("input[name=password]", Self.password)
        try session.click(try session.element("form button[type=submit]"))
        try session.wait(for: "\(username) signed in", "return location.pathname !== '/login';")
    }

    /// Uploads `file` through the form at `formPath`, imports it as previewed, waits for the
    /// import to finish and returns the review page's path.
    func upload(_ session: WebDriverSession, _ origin: String, formPath: String, file: String, title: String?) throws -> String {
        try session.navigate(origin + formPath)
        if let title { try session.fill("#upload-form input[name=title]", title) }
        try session.fill("#upload-form input[type=file]", file)
        try session.click(try session.element("#upload-form button[type=submit]"))
        try session.wait(for: "the preview", "return document.querySelectorAll('#import-form').length;")
        #expect(try session.pageText().contains("Điểm thu gom"), "the preview shows the records")
        try session.click(try session.element("#import-form button[type=submit]"))
        try session.wait(for: "the import to finish", timeout: 60, "return document.querySelectorAll('a.review-link').length;")
        let href = try session.execute("return document.querySelector('a.review-link').getAttribute('href');") as? String
        return try #require(href)
    }

    func tile(_ port: Int, _ slug: String) throws -> RawClient.Response {
        try RawClient(port: port).get("/tiles/\(slug)/\(Self.tile)")
    }

    @Test func uploadStaysHiddenUntilPublishedRejectionsExplainAndRollbackRestores() throws {
        guard ChromeDriver.installed else {
            Issue.record("chromium and chromium-driver are needed: apt-get install chromium chromium-driver")
            return
        }
        let folder = NSTemporaryDirectory() + "bando-approval-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let files = ["v1": [(106.30, 21.36, "Điểm thu gom A"), (106.33, 21.38, "Điểm thu gom B")],
                     "v2": [(106.31, 21.37, "Điểm thu gom trùng lặp")],
                     "v3": [(106.36, 21.35, "Điểm thu gom C")]]
        for (name, points) in files {
            try Self.geoJSON(points).write(toFile: "\(folder)/\(name).geojson", atomically: true, encoding: .utf8)
        }
        let server = try ServerProcess(); defer { _ = server.stop() }
        let driver = try ChromeDriver(folder: folder); defer { driver.stop() }
        let origin = "http://127.0.0.1:\(server.port)"

        // The officer uploads a new layer through the form.
        let editor = try driver.session(width: 1280, height: 900)
        try signIn(editor, origin, "stnmt.editor")
        let firstReview = try upload(editor, origin, formPath: "/upload", file: "\(folder)/v1.geojson",
                                     title: "Điểm thu gom rác thải")
        let slug = try #require(firstReview.split(separator: "/").dropFirst().first.map(String.init))
        #expect(firstReview == "/layers/\(slug)/versions/1")

        // Nobody outside the agency's editors and approvers sees it yet.
        #expect(try RawClient(port: server.port).get("/layers/\(slug)").status == 404)
        #expect(try tile(server.port, slug).status == 404)
        #expect(try RawClient(port: server.port).get("/layers/\(slug)/versions/1").status == 404)

        // The approver opens it to the public and publishes version 1.
        let approver = try driver.session(width: 1280, height: 900)
        try signIn(approver, origin, "stnmt.approver")
        try approver.navigate(origin + "/admin/agencies/stnmt/layers")
        let makePublic = "form[action='/admin/agencies/stnmt/layers/\(slug)/visibility'] input[name=visibility][value=public]"
        _ = try approver.execute("document.querySelector(\"\(makePublic)\").form.querySelector('button').click();")
        try approver.wait(for: "the visibility change", "return location.search.indexOf('done') >= 0 || document.querySelectorAll('.notice').length;")
        #expect(try tile(server.port, slug).status == 404, "public, but nothing published yet")
        try approver.navigate(origin + firstReview)
        try approver.wait(for: "the review maps' tiles",
                          "return document.querySelectorAll('#map-version img.leaflet-tile-loaded').length;")
        try approver.screenshot().write(to: URL(fileURLWithPath: folder + "/review.png"))
        try approver.click(try approver.element("#publish"))
        try approver.wait(for: "the publish notice", "return document.querySelectorAll('.notice.done').length;")

        // The public sees it on the map, drawn.
        let visitor = try driver.session(width: 1280, height: 800)
        try visitor.navigate(origin + "/map#map=12/21.37/106.32&layers=\(slug)")
        try visitor.wait(for: "the new layer's tiles", """
            var drawn = 0;
            document.querySelectorAll('img.leaflet-tile-loaded[src*="/tiles/\(slug)/"]').forEach(function (img) {
              var canvas = document.createElement('canvas');
              canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
              var context = canvas.getContext('2d');
              context.drawImage(img, 0, 0);
              var data = context.getImageData(0, 0, canvas.width, canvas.height).data;
              for (var i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++;
            });
            return drawn;
            """)
        let published = try tile(server.port, slug)
        #expect(published.status == 200)

        // A second version duplicates a point; the approver rejects it with a reason the officer reads.
        let secondReview = try upload(editor, origin, formPath: "/layers/\(slug)/upload", file: "\(folder)/v2.geojson", title: nil)
        #expect(secondReview == "/layers/\(slug)/versions/2")
        try approver.navigate(origin + secondReview)
        let reason = "Điểm này trùng với điểm A, đề nghị kiểm tra lại"
        try approver.fill("#reason", reason)
        try approver.click(try approver.element("#reject"))
        try approver.wait(for: "the reject notice", "return document.querySelectorAll('.notice.done').length;")
        try editor.navigate(origin + "/layers/\(slug)")
        #expect(try editor.pageText().contains(reason))
        #expect(try tile(server.port, slug).body == published.body, "a rejected version changes nothing")

        // A third version is published, then rolled back: the first version's tiles return.
        let thirdReview = try upload(editor, origin, formPath: "/layers/\(slug)/upload", file: "\(folder)/v3.geojson", title: nil)
        try approver.navigate(origin + thirdReview)
        try approver.click(try approver.element("#publish"))
        try approver.wait(for: "the publish notice", "return document.querySelectorAll('.notice.done').length;")
        let third = try tile(server.port, slug)
        #expect(third.status == 200 && third.body != published.body)
        try approver.navigate(origin + firstReview)
        try approver.fill("#note", "Phiên bản 3 thiếu điểm")
        try approver.click(try approver.element("#rollback"))
        try approver.wait(for: "the rollback notice", "return document.querySelectorAll('.notice.done').length;")
        let restored = try tile(server.port, slug)
        #expect(restored.body == published.body)
        #expect(restored.header("ETag") == published.header("ETag"))

        driver.stop()
        #expect(ChromeDriver.descendants(of: driver.process.processIdentifier).isEmpty)
    }
}
