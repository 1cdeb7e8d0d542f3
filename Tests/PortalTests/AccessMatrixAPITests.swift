import Foundation
import Formats
import GRDB
import HTTP
import Testing
@testable import Portal
import Store

/// The access matrix through the JSON API: every demo account's token (with every scope its role
/// allows) and the public walk every API route of the widened matrix's layers. Each passes where
/// the policy says, reads a version exactly where the version's page lets its session in, and
/// every refusal answers byte for byte like a layer that does not exist. No write changes anything.
@Suite struct AccessMatrixAPITests {
    let fixture = WidenedMatrixFixture.shared
    static let missing = "khong-ton-tai"

    func same(_ response: Response, _ absent: Response, _ slug: String) -> Bool {
        response.status == absent.status
            && response.text.replacingOccurrences(of: slug, with: "X") == absent.text.replacingOccurrences(of: Self.missing, with: "X")
            && response.headers["WWW-Authenticate"] == absent.headers["WWW-Authenticate"]
    }

    static func versionNumbers(_ demo: WidenedMatrixFixture, _ slug: String) throws -> (all: [Int], published: Int?) {
        try demo.database.read { db in
            let all = try Int.fetchAll(db, sql: """
                SELECT v.number FROM layer_versions v JOIN layers l ON l.id = v.layer_id WHERE l.slug = ? ORDER BY v.number
                """, arguments: [slug])
            let published = try Int.fetchOne(db, sql: """
                SELECT v.number FROM layer_versions v JOIN layers l ON l.published_version_id = v.id WHERE l.slug = ?
                """, arguments: [slug])
            return (all, published)
        }
    }

    @Test(arguments: AccessMatrixWidenedTests.actors)
    func everyAPIRouteAnswersAsThePolicyDecidesAndRefusesLikeAMissingLayer(_ username: String?) throws {
        let demo = try #require(fixture)
        let before = try AccessMatrixWidenedTests().state(demo)
        let who = username ?? "public"
        let role = AccessMatrixWidenedTests.role(username)
        let agency = AccessMatrixTests.agency(of: username)
        var token: String?
        var browser = Browser(demo)
        if let username {
            let user = try #require(try UserRepository(demo.database).find(username: username))
            token = try demo.apiToken(username, AccessTokens.allowed(for: user.role))
            try #require(try browser.signIn(username).status == 303)
        }
        func call(_ target: String, _ method: HTTPMethod = .GET, json: String? = nil, csv: Bool = false) throws -> Response {
            try demo.call(target, method: method, token: token, body: json.map { Array($0.utf8) } ?? (csv ? [] : nil),
                          contentType: json != nil ? "application/json" : csv ? "text/csv" : nil)
        }
        let listed = try demo.json(call("/api/v1/layers?limit=500"))
        guard case .array(let summaries)? = listed["layers"] else { Issue.record("\(who): no list"); return }
        let slugs = Set(summaries.compactMap { $0["slug"]?.string })

        for (slug, owner, seen, downloads) in AccessMatrixWidenedTests.layers {
            let sees = seen.map { agency.map($0.contains) ?? false } ?? true
            let mayDownload = downloads.map { agency.map($0.contains) ?? false } ?? true
            let isOwner = agency == owner
            let unpublished = slug == WidenedMatrixFixture.unpublished
            #expect(slugs.contains(slug) == sees, "\(who): the API lists \(slug): \(slugs.contains(slug))")
            func check(_ path: String, _ method: HTTPMethod = .GET, json: String? = nil, csv: Bool = false,
                       passes: Bool?, expected: Set<Int> = [200]) throws {
                guard let passes else { return }   // a permitted call that would act
                let response = try call("/api/v1/layers/\(slug)" + path, method, json: json, csv: csv)
                if passes {
                    #expect(expected.contains(response.status), "\(who) \(method) /api/v1/layers/\(slug)\(path) → \(response.status)")
                } else {
                    let absent = try call("/api/v1/layers/\(Self.missing)" + path, method, json: json, csv: csv)
                    let alike = same(response, absent, slug)
                    #expect(alike, "\(who) \(method) \(slug)\(path) → \(response.status), like a missing layer")
                }
            }
            try check("", passes: sees)
            try check("/versions", passes: sees)
            try check("/features?limit=5", passes: unpublished && mayDownload ? nil : mayDownload)
            try check("/grants", passes: isOwner && role == "admin")
            try check("/grants/sxd", passes: isOwner && role == "admin" ? nil : false)

            // The published version is data; the others are the owner's work in progress, read where
            // the review page lets the session in.
            let (numbers, published) = try Self.versionNumbers(demo, slug)
            for number in numbers {
                let reviews = try browser.get("/layers/\(slug)/versions/\(number)").status == 200
                #expect(reviews == (isOwner && ["editor", "approver", "admin"].contains(role)), "\(who) reviews \(slug) v\(number)")
                try check("/versions/\(number)", passes: (number == published && sees) || reviews)
            }
            if sees, case .array(let versions)? = try demo.json(call("/api/v1/layers/\(slug)/versions"))["versions"], !isOwner {
                #expect(versions.allSatisfy { $0["status"] == "published" }, "\(who) sees only the published version of \(slug)")
            }

            // Writes: the owner agency's roles get a refusal of the bad input; everyone else the one 404.
            let decided = published ?? 1
            try check("/versions", .POST, csv: true, passes: isOwner && ["editor", "admin"].contains(role), expected: [400])
            try check("/versions/\(decided)/reject", .POST, json: "{}", passes: isOwner && role == "approver", expected: [422])
            try check("/versions/\(decided)/publish", .POST, json: "{}",
                      passes: isOwner && role == "approver" ? (unpublished ? nil : true) : false, expected: [409, 422])
            try check("/grants/syt", .PUT, json: #"{"permission":"bogus"}"#, passes: isOwner && role == "admin", expected: [422])
            try check("/grants/sxd", .DELETE, json: "{}", passes: isOwner && role == "admin" ? nil : false)
        }
        #expect(try AccessMatrixWidenedTests().state(demo) == before, "\(who): no API call changed a layer")
    }

    @Test(arguments: AccessMatrixWidenedTests.actors)
    func theAuditLogIsReadByAdministratorsTokensOnlyAndOnlyTheirOwnAgencys(_ username: String?) throws {
        let demo = try #require(fixture)
        let who = username ?? "public"
        var token: String?
        var role: Role?
        if let username {
            let user = try #require(try UserRepository(demo.database).find(username: username))
            role = user.role
            token = try demo.apiToken(username, AccessTokens.allowed(for: user.role))
            if user.role == .sysadmin {
                // The cases run at once in any order: another agency's entry is made here, so the
                // system administrator's reading does not depend on which ran first.
                _ = try demo.apiToken("syt.viewer", [.read])
            }
        }
        let response = try demo.call("/api/v1/audit?limit=1000", token: token)
        switch role {
        case nil:
            #expect(response.status == 401, "\(who) → \(response.status)")
        case .sysadmin?:
            #expect(response.status == 200, "\(who) → \(response.status)")
            let agencies = try Self.auditAgencies(demo.json(response))
            #expect(agencies.count > 1, "the system administrator reads every agency's entries: \(agencies)")
        case .admin?:
            #expect(response.status == 200, "\(who) → \(response.status)")
            let own = try #require(AccessMatrixTests.agency(of: username))
            #expect(try Self.auditAgencies(demo.json(response)) == [own], "\(who) reads \(own)'s entries (its token's making at least) and no others")
            let other = own == "stnmt" ? "syt" : "stnmt"
            let refused = try demo.call("/api/v1/audit?agency=\(other)", token: token)
            let unknown = try demo.call("/api/v1/audit?agency=\(Self.missing)", token: token)
            #expect(refused.status == 404 && refused.text == unknown.text, "\(who) asks for \(other)'s log → \(refused.status)")
        default:
            #expect(response.status == 403 && response.text.contains("insufficient_scope"), "\(who) → \(response.status)")
        }
    }

    static func auditAgencies(_ value: JSONValue) -> Set<String> {
        guard case .array(let entries)? = value["entries"] else { return [] }
        return Set(entries.compactMap { $0["agency"]?.string })
    }
}
