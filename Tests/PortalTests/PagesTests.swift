import Foundation
import HTTP
import Testing
@testable import Portal
import Store

@Suite struct PagesTests {
    let fixture = DemoFixture.shared

    @Test func homeListsOnlyPublicLayersToTheAnonymousVisitor() throws {
        let demo = try #require(fixture)
        let page = try demo.respond("/")
        #expect(page.status == 200)
        #expect(page.headers["Content-Type"]?.hasPrefix("text/html") == true)
        #expect(page.text.contains("Bản đồ dùng chung"))
        #expect(page.text.contains("Tỉnh Kinh Bắc"))
        for slug in ["co-so-y-te", "truong-hoc", "mang-luoi-giao-thong", "song-suoi"] {
            #expect(page.text.contains("href=\"/layers/\(slug)\""), "public layer \(slug) listed")
        }
        for slug in ["quy-hoach-su-dung-dat", "diem-quan-trac-moi-truong", "cap-phep-xay-dung"] {
            #expect(!page.text.contains(slug), "non-public layer \(slug) hidden")
        }
        #expect(page.text.contains("Sở Y tế"))
        #expect(page.text.contains("(4)"), "the count matches what is listed")
        #expect(!page.text.contains("/logout"), "no sign-out form for a visitor")
        #expect(page.text.contains("href=\"/login\""))
    }

    @Test func layerPageShowsItsFacts() throws {
        let demo = try #require(fixture)
        let page = try demo.respond("/layers/co-so-y-te")
        #expect(page.status == 200)
        let html = page.text
        #expect(html.contains("<h1>Cơ sở y tế</h1>"))
        #expect(html.contains("Sở Y tế"))
        #expect(html.contains("Y tế"))
        #expect(html.contains("Điểm"))
        #expect(html.contains("298"), "feature count 22 stations + 6 hospitals + 270 clinics")
        #expect(html.contains("Tây 105.") && html.contains("Bắc 21."), "extent in degrees")
    }

    @Test func hiddenLayerAnswersExactlyLikeAMissingOne() throws {
        let demo = try #require(fixture)
        let hidden = try demo.respond("/layers/diem-quan-trac-moi-truong")
        let missing = try demo.respond("/layers/khong-ton-tai-abcdefghijklmnopq")
        #expect(hidden.status == 404 && missing.status == 404)
        let normalize = { (r: Response, path: String) in r.text.replacingOccurrences(of: path, with: "PATH") }
        #expect(normalize(hidden, "/layers/diem-quan-trac-moi-truong") == normalize(missing, "/layers/khong-ton-tai-abcdefghijklmnopq"))
        #expect(hidden.text.contains("Không tìm thấy trang"))
    }

    @Test func englishByCookieAndByAcceptLanguage() throws {
        let demo = try #require(fixture)
        let byHeader = try demo.respond("/", headers: [("Accept-Language", "en-GB,en;q=0.9,vi;q=0.5")])
        #expect(byHeader.text.contains("<html lang=\"en\">"))
        #expect(byHeader.text.contains("Shared Map"))
        let byCookie = try demo.respond("/", headers: [("Cookie", "lang=en"), ("Accept-Language", "vi")])
        #expect(byCookie.text.contains("Layers"))
        let vietnamese = try demo.respond("/", headers: [("Accept-Language", "fr, vi;q=0.8, en;q=0.5")])
        #expect(vietnamese.text.contains("<html lang=\"vi\">"))
        let fallback = try demo.respond("/", headers: [("Accept-Language", "de")])
        #expect(fallback.text.contains("<html lang=\"vi\">"), "Vietnamese is the default")
    }

    @Test func languageSwitchSetsACookieAndStaysOnSite() throws {
        let demo = try #require(fixture)
        let switched = try demo.respond("/lang/en?next=%2Flayers%2Fco-so-y-te")
        #expect(switched.status == 303)
        #expect(switched.headers["Location"] == "/layers/co-so-y-te")
        #expect(switched.headers["Set-Cookie"]?.contains("lang=en") == true)
        for evil in ["https://evil.example/", "//evil.example/", "/\\evil.example"] {
            let encoded = evil.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let response = try demo.respond("/lang/en?next=\(encoded)")
            #expect(response.headers["Location"] == "/", "no open redirect to \(evil)")
        }
    }

    @Test func healthReportsTheDatabase() throws {
        let demo = try #require(fixture)
        let response = try demo.respond("/healthz")
        #expect(response.status == 200)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])
        #expect(object["status"] as? String == "ok")
        let database = try #require(object["database"] as? [String: String])
        #expect(database["state"] == "ok")
        #expect(database["journal_mode"] == "wal")
        #expect(Int(database["schema_version"] ?? "") ?? 0 >= 5)
        // The public sees the status, not the versions.
        let outside = try demo.respond("/healthz", remoteAddress: "10.20.30.40")
        #expect(outside.status == 200)
        let visible = try #require(try JSONSerialization.jsonObject(with: Data(outside.text.utf8)) as? [String: Any])
        #expect(visible.keys.sorted() == ["status"])
        #expect(!outside.text.contains("sqlite") && !outside.text.contains("spatialite"))
        // The sysadmin sees them from anywhere.
        var sysadmin = Browser(demo, address: "10.20.30.41")
        try sysadmin.signIn("sysadmin")
        #expect(try sysadmin.get("/healthz").text.contains("spatialite"))
    }

    @Test func staticFilesAndLeafletAreServed() throws {
        let demo = try #require(fixture)
        let css = try demo.respond("/static/bando.css")
        #expect(css.status == 200)
        let etag = try #require(css.headers["ETag"])
        let again = try demo.respond("/static/bando.css", headers: [("If-None-Match", etag)])
        #expect(again.status == 304)
        #expect(try demo.respond("/static/../Package.swift").status == 404)
        #expect(try demo.respond("/vendor/leaflet/leaflet.js").status == 200)
    }

    @Test func unknownPathGetsTheLocalizedNotFoundPage() throws {
        let demo = try #require(fixture)
        let page = try demo.respond("/khong-co/trang-nay", headers: [("Cookie", "lang=en")])
        #expect(page.status == 404)
        #expect(page.text.contains("Page not found"))
    }
}
