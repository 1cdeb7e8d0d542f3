import Foundation
import GRDB
import HTTP
import Testing
@testable import Portal
import Store

/// A demo province of the token tests' own (they make, revoke and expire tokens).
final class TokenFixture: SeededFixture {
    static let shared: TokenFixture? = try? TokenFixture()
    let seeded: SeededPortal
    /// A layer only its owner (the environment department) may see: the demo's monitoring stations.
    static let privateLayer = "diem-quan-trac-moi-truong"

    private init() throws {
        seeded = try SeededPortal(prefix: "bando-tokens-", network: "10.16")
    }

    func user(_ username: String) throws -> User {
        try #require(try UserRepository(database).find(username: username))
    }

    /// A token made for `username` as `bando token create` makes it.
    func token(_ username: String, _ scopes: Set<TokenScope> = [.read], days: Int? = nil, name: String = "test") throws -> (id: Int64, secret: String) {
        let found = try user(username)
        let agency = try #require(try AgencyRepository(database).find(id: found.agencyID))
        return try AccessTokens.create(database, user: found, agencyCode: agency.code, name: name, scopes: scopes,
                                       expiresInDays: days, clientAddress: "test")
    }

    static func bearer(_ secret: String) -> [(String, String)] { [("Authorization", "Bearer " + secret)] }
    static func basic(_ username: String, _ secret: String) -> [(String, String)] {
        [("Authorization", "Basic " + Data("\(username):\(secret)".utf8).base64EncodedString())]
    }

    func items(_ headers: [(String, String)], slug: String = TokenFixture.privateLayer, query: String = "") throws -> Response {
        try respond("/ogc/collections/\(slug)/items\(query)", headers: headers)
    }
}

/// Personal access tokens through the service doors: who they act as, what refuses them, and
/// the profile page that makes them.
@Suite(.serialized) struct AccessTokenTests {
    let fixture = TokenFixture.shared

    @Test func aTokenReadsWhatItsUserMaySeeAndNoMore() throws {
        let demo = try #require(fixture)
        let owner = try demo.token("stnmt.viewer")
        let outsider = try demo.token("syt.viewer")
        let seen = try demo.items(TokenFixture.bearer(owner.secret))
        #expect(seen.status == 200)
        #expect(seen.headers["Cache-Control"]?.hasPrefix("private") == true, "a token's private answer is no shared cache's")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(seen.bytes)) as? [String: Any])
        #expect((object["numberMatched"] as? Int ?? 0) > 0)
        // Another agency's token, and no token, answer as for a layer that does not exist.
        let unknown = try demo.items([], slug: "khong-co-lop-nay")
        for refused in [try demo.items(TokenFixture.bearer(outsider.secret)), try demo.items([])] {
            #expect(refused.status == 404)
            #expect(refused.text.replacingOccurrences(of: TokenFixture.privateLayer, with: "khong-co-lop-nay") == unknown.text)
        }
        // WMS capabilities list the private layer for the owner's token only.
        let capabilities = "/ows?SERVICE=WMS&REQUEST=GetCapabilities"
        #expect(try demo.respond(capabilities, headers: TokenFixture.bearer(owner.secret)).text.contains("<Name>\(TokenFixture.privateLayer)</Name>"))
        #expect(!(try demo.respond(capabilities, headers: TokenFixture.bearer(outsider.secret)).text.contains(TokenFixture.privateLayer)))
        #expect(!(try demo.respond(capabilities).text.contains(TokenFixture.privateLayer)))
    }

    @Test func basicAuthenticationTakesTheUsernameWithTheToken() throws {
        let demo = try #require(fixture)
        let made = try demo.token("stnmt.editor", [.read, .upload])
        #expect(try demo.items(TokenFixture.basic("stnmt.editor", made.secret)).status == 200)
        #expect(try demo.items(TokenFixture.basic("STNMT.Editor", made.secret)).status == 200, "usernames compare without case")
        let wrongUser = try demo.items(TokenFixture.basic("syt.editor", made.secret))
        #expect(wrongUser.status == 401)
        #expect(wrongUser.headers["WWW-Authenticate"]?.hasPrefix("Basic realm=") == true)
        // The account's password is not a token: the service doors take tokens only.
        let password = try demo.items(TokenFixture.basic("stnmt.editor", demo.demoPassword))
        #expect(password.status == 401)
    }

    @Test func unknownRevokedAndExpiredTokensAreRefusedInEachDoorsFormat() throws {
        let demo = try #require(fixture)
        let revoked = try demo.token("stnmt.approver", [.read, .approve])
        let user = try demo.user("stnmt.approver")
        #expect(try AccessTokenRepository(demo.database).revoke(
            id: revoked.id, userID: user.id, audit: AuditEntry(userID: user.id, username: user.username, agencyID: user.agencyID,
                                                              action: "token.revoke", target: user.username)))
        let expired = try demo.token("stnmt.approver", days: 1)
        try demo.database.write { db in
            try db.execute(sql: "UPDATE access_tokens SET expires_at = '2020-01-01T00:00:00Z' WHERE id = ?", arguments: [expired.id])
        }
        for secret in [revoked.secret, expired.secret, "bando_" + String(repeating: "x", count: 43), "not-a-token"] {
            let features = try demo.items(TokenFixture.bearer(secret))
            #expect(features.status == 401)
            #expect(features.headers["Content-Type"]?.hasPrefix("application/json") == true)
            let wms = try demo.respond("/ows?SERVICE=WMS&REQUEST=GetCapabilities", headers: TokenFixture.bearer(secret))
            #expect(wms.status == 401)
            #expect(wms.text.contains("<ServiceExceptionReport"))
            let wmts = try demo.respond("/wmts/1.0.0/WMTSCapabilities.xml", headers: TokenFixture.bearer(secret))
            #expect(wmts.status == 401)
            #expect(wmts.text.contains("ExceptionReport"))
        }
    }

    /// Tokens are kept in memory between requests; every change that matters ends that at once.
    @Test func aKeptTokenStopsTheMomentItsUserAgencyOrItselfIsDisabledRevokedOrExpired() throws {
        let demo = try #require(fixture)
        let made = try demo.token("stnmt.viewer", name: "giữ trong bộ nhớ")
        let user = try demo.user("stnmt.viewer")
        let items = { try demo.items(TokenFixture.bearer(made.secret)).status }
        #expect(try items() == 200)
        #expect(try items() == 200, "the second request is answered from the kept token")
        try UserRepository(demo.database).setDisabled(userID: user.id, true)
        #expect(try items() == 401, "its user disabled")
        try UserRepository(demo.database).setDisabled(userID: user.id, false)
        #expect(try items() == 200)
        try demo.database.write { db in try db.execute(sql: "UPDATE agencies SET disabled = 1 WHERE code = 'stnmt'") }
        #expect(try items() == 401, "its agency disabled")
        try demo.database.write { db in try db.execute(sql: "UPDATE agencies SET disabled = 0 WHERE code = 'stnmt'") }
        #expect(try items() == 200)
        try demo.database.write { db in
            try db.execute(sql: "UPDATE access_tokens SET expires_at = ? WHERE id = ?",
                           arguments: [AccessTokenRepository.iso(Date().addingTimeInterval(1)), made.id])
        }
        #expect(try items() == 200)
        Thread.sleep(forTimeInterval: 1.1)
        #expect(try items() == 401, "expired while kept")
        let other = try demo.token("stnmt.viewer")
        #expect(try demo.items(TokenFixture.bearer(other.secret)).status == 200)
        #expect(try AccessTokenRepository(demo.database).revoke(
            id: other.id, userID: user.id, audit: AuditEntry(userID: user.id, username: user.username, agencyID: user.agencyID,
                                                            action: "token.revoke", target: user.username)))
        #expect(try demo.items(TokenFixture.bearer(other.secret)).status == 401, "revoked")
    }

    @Test func aTokenWithoutTheReadScopeIsForbidden() throws {
        let demo = try #require(fixture)
        let uploadOnly = try demo.token("stnmt.editor", [.upload])
        let response = try demo.items(TokenFixture.bearer(uploadOnly.secret))
        #expect(response.status == 403)
        #expect(response.text.contains("read scope"))
    }

    @Test func aTokenNeverGetsMoreThanItsUsersRole() throws {
        let demo = try #require(fixture)
        #expect(throws: AccessTokens.Refusal.self) { try demo.token("stnmt.viewer", [.read, .upload]) }
        #expect(throws: AccessTokens.Refusal.self) { try demo.token("stnmt.editor", [.approve]) }
        #expect(throws: AccessTokens.Refusal.self) { try demo.token("stnmt.approver", [.admin]) }
        #expect(throws: AccessTokens.Refusal.self) { try demo.token("stnmt.viewer", days: 400) }
        #expect(throws: AccessTokens.Refusal.badName) { try demo.token("stnmt.viewer", name: "  ") }
        #expect(AccessTokens.allowed(for: .viewer) == [.read])
        #expect(AccessTokens.allowed(for: .admin).contains(.admin) && !AccessTokens.allowed(for: .admin).contains(.approve))
    }

    @Test func aTokenInTheURLOrOnAPageIsNotACredential() throws {
        let demo = try #require(fixture)
        let made = try demo.token("stnmt.viewer")
        for name in ["access_token", "token", "api_key"] {
            #expect(try demo.items([], query: "?\(name)=\(made.secret)").status == 404)
        }
        // Pages rest on the session: a token does not sign anyone in to them.
        let profile = try demo.respond("/profile", headers: TokenFixture.bearer(made.secret))
        #expect(profile.status == 303)
        #expect(profile.headers["Location"]?.hasPrefix("/login") == true)
    }

    @Test func downloadsThroughATokenAreAuditedWithItsName() throws {
        let demo = try #require(fixture)
        let made = try demo.token("stnmt.viewer", name: "Nền tảng dữ liệu")
        #expect(try demo.items(TokenFixture.bearer(made.secret), query: "?limit=3").status == 200)
        let detail = try demo.database.read { db in
            try String.fetchOne(db, sql: "SELECT detail FROM audit_log WHERE action = 'ogc.items' AND target = ? ORDER BY id DESC LIMIT 1",
                                arguments: [TokenFixture.privateLayer])
        }
        #expect(detail == "offset=0; returned=3; token=Nền tảng dữ liệu (#\(made.id))")
        // The same page again comes from memory, and is audited again.
        #expect(try demo.items(TokenFixture.bearer(made.secret), query: "?limit=3").status == 200)
        let entries = try demo.database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log WHERE action = 'ogc.items' AND detail = ?", arguments: [detail])
        }
        #expect(entries == 2, "each read of a kept page is audited")
        let used = try AccessTokenRepository(demo.database).list(userID: try demo.user("stnmt.viewer").id).first { $0.id == made.id }
        #expect(used?.lastUsedAt != nil, "the use is recorded")
    }

    @Test func aDownloadFileThroughATokenIsAuditedWithItsName() throws {
        let demo = try #require(fixture)
        let made = try demo.token("stnmt.viewer", name: "Cổng dữ liệu mở")
        let response = try demo.respond("/layers/\(TokenFixture.privateLayer)/download.gpkg", headers: TokenFixture.bearer(made.secret))
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/geopackage+sqlite3")
        let detail = try demo.database.read { db in
            try String.fetchOne(db, sql: "SELECT detail FROM audit_log WHERE action = 'layer.download' AND target = ? ORDER BY id DESC LIMIT 1",
                                arguments: [TokenFixture.privateLayer])
        }
        #expect(detail == "version=1; format=gpkg; token=Cổng dữ liệu mở (#\(made.id))")
        // Even open data is audited when a token takes it: its owner sees what another system took.
        let open = try demo.respond("/layers/co-so-y-te/download.csv", headers: TokenFixture.bearer(made.secret))
        #expect(open.status == 200)
        let openDetail = try demo.database.read { db in
            try String.fetchOne(db, sql: "SELECT detail FROM audit_log WHERE action = 'layer.download' AND target = 'co-so-y-te' ORDER BY id DESC LIMIT 1")
        }
        #expect(openDetail?.hasSuffix("format=csv; token=Cổng dữ liệu mở (#\(made.id))") == true)
        #expect(try demo.respond("/layers/co-so-y-te/download.csv", headers: TokenFixture.bearer("bando_nope")).status == 401)
    }

    @Test func theBucketAllowsBurstsThenAsksToWait() {
        let limit = TokenRateLimit(perSecond: 2)
        for _ in 0..<20 { #expect(limit.take(1, now: 100) == nil) }
        #expect(limit.take(1, now: 100) == 1)
        #expect(limit.take(2, now: 100) == nil, "each token has its own bucket")
        #expect(limit.take(1, now: 100.6) == nil, "half a second later one more is allowed")
        #expect(limit.take(1, now: 100.6) != nil)
    }

    @Test func theProfileMakesShowsOnceListsAndRevokes() throws {
        let demo = try #require(fixture)
        var browser = try Browser.signedIn(demo, "stnmt.editor")
        let page = try browser.get("/profile")
        #expect(page.text.contains(#"name="scope" value="upload""#))
        #expect(!page.text.contains(#"name="scope" value="approve""#), "only the role's scopes are offered")
        let made = try browser.send("/profile/tokens", [("name", "QGIS <văn phòng>"), ("scope", "read"), ("days", "30")])
        #expect(made.status == 200)
        let secret = try #require(made.text.range(of: #"bando_[A-Za-z0-9_-]+"#, options: .regularExpression).map { String(made.text[$0]) })
        #expect(made.text.contains("QGIS &lt;văn phòng&gt;"))
        #expect(try demo.items(TokenFixture.bearer(secret)).status == 200)
        let again = try browser.get("/profile")
        #expect(!again.text.contains(secret), "the secret is shown once")
        #expect(again.text.contains("QGIS &lt;văn phòng&gt;"))
        // A form without its CSRF token makes nothing.
        #expect(try browser.post("/profile/tokens", [("name", "x"), ("scope", "read")]).status == 403)
        let id = try #require(try AccessTokenRepository(demo.database).list(userID: try demo.user("stnmt.editor").id)
            .first { $0.name == "QGIS <văn phòng>" }?.id)
        // Someone else's browser cannot revoke it.
        var other = try Browser.signedIn(demo, "syt.editor")
        #expect(try other.send("/profile/tokens/\(id)/revoke").status == 404)
        let revoked = try browser.send("/profile/tokens/\(id)/revoke")
        #expect(revoked.status == 303)
        #expect(try demo.items(TokenFixture.bearer(secret)).status == 401)
        // An approver is offered approve, not upload; a refused scope posted anyway is refused.
        var approver = try Browser.signedIn(demo, "stnmt.approver")
        let refused = try approver.send("/profile/tokens", [("name", "x"), ("scope", "upload")])
        #expect(refused.status == 400)
        #expect(refused.text.contains("Không tạo được token: vai trò của bạn không cho phép phạm vi Tải lên phiên bản mới."),
                "the refusal is in the page's language")
        let unnamed = try approver.send("/profile/tokens", [("name", " "), ("scope", "read")])
        #expect(unnamed.text.contains("tên token phải dài từ 1 đến 80 ký tự"))
    }

    /// The doors a token opens: the services, the tiles and legends they point at, and the
    /// download files.
    static let tokenDoors: [AccessMatrixTests.Door] = [.tile, .tile2x, .legend, .wmsMap, .wmsMapWithOthers, .wmsFeatureInfo,
                                                        .wmsLegend, .wmtsTile, .download, .downloadCSV, .downloadShapefile,
                                                        .downloadGeoPackage, .downloadKML]

    /// The access matrix through tokens: a read token of every demo account passes exactly the
    /// doors its user's session passes, refusals answer like a missing layer, and a token
    /// without the read scope passes none.
    @Test(arguments: AccessMatrixTests.actors.compactMap { $0 })
    func theMatrixThroughTokens(_ username: String) throws {
        let demo = try #require(fixture)
        let matrix = AccessMatrixTests()
        var browser = Browser(demo)
        browser.headers = TokenFixture.bearer(try demo.token(username).secret)
        let agency = AccessMatrixTests.agency(of: username)
        var missing: [AccessMatrixTests.Door: Response] = [:]
        for door in Self.tokenDoors { missing[door] = try matrix.request(door, "khong-ton-tai", &browser) }
        for (slug, owner, agencies) in AccessMatrixTests.seenBy {
            let seen = agencies.map { agency.map($0.contains) ?? false } ?? true
            for door in Self.tokenDoors {
                let response = try matrix.request(door, slug, &browser)
                if AccessMatrixTests.allowed(door.rule, username: username, owner: owner, seen: seen) {
                    #expect(response.status == 200, "\(username)'s token \(door) \(slug) → \(response.status)")
                } else {
                    let absent = try #require(missing[door])
                    #expect(response.status == absent.status && response.text.replacingOccurrences(of: slug, with: "X")
                            == absent.text.replacingOccurrences(of: "khong-ton-tai", with: "X"),
                            "\(username)'s token \(door) \(slug) answers like a missing layer")
                }
            }
            let capabilities = try browser.get("/ows?SERVICE=WMS&REQUEST=GetCapabilities").text
            #expect(capabilities.contains("<Name>\(slug)</Name>") == seen, "\(username)'s token lists \(slug) in WMS: \(seen)")
        }
        // Every role but the viewer's may hold a token without the read scope: it opens no door.
        let other = AccessTokens.allowed(for: try demo.user(username).role).subtracting([.read])
        guard let scope = other.first else { return }
        browser.headers = TokenFixture.bearer(try demo.token(username, [scope]).secret)
        for door in Self.tokenDoors {
            #expect(try matrix.request(door, "co-so-y-te", &browser).status == 403, "\(username)'s \(scope) token at \(door)")
        }
    }
}
