import Foundation
import HTTP
@testable import Portal
import Store
import Testing

/// The security review's findings, each kept fixed by a test that failed before its fix.
@Suite struct SecurityFindingsTests {
    static let offSite = ["/\t/evil.example/x", "/%09/evil.example/x", "//evil.example", "/\\evil.example", "/%5Cevil.example",
                          "/%2F/evil.example", "/%2f%2fevil.example", "https://evil.example/", "/\n/evil.example",
                          "/%0A/evil.example", "/\u{2028}/evil.example", "/%E2%80%A8/evil.example", " /evil", ""]

    @Test func nextTargetsLeaveTheSiteNeverAfterALanguageSwitch() throws {
        let demo = try #require(DemoFixture.shared)
        for payload in Self.offSite {
            let encoded = payload.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let response = try demo.respond("/lang/en?next=\(encoded)")
            #expect(response.status == 303)
            #expect(response.headers["Location"] == "/", "\(payload.debugDescription) → \(response.headers["Location"] ?? "nil")")
        }
        let local = "/layers/co-so-y-te/table?field=ten&value=tram%20y%20te"
        let kept = try demo.respond("/lang/en?next=\(local.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
        #expect(kept.headers["Location"] == local)
    }

    @Test func nextTargetsLeaveTheSiteNeverAfterSignIn() throws {
        let demo = try #require(DemoFixture.shared)
        for payload in Self.offSite {
            var browser = Browser(demo)
            let form = try browser.get("/login")
            let response = try browser.post("/login", [("csrf", Browser.csrf(in: form) ?? ""), ("username", "sgddt.viewer"),
                                                      ("password", demo.demoPassword), ("next", payload)])
            #expect(response.status == 303)
            #expect(response.headers["Location"] == "/", "\(payload.debugDescription)")
        }
    }
}
