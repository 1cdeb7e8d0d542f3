import Foundation
import Formats
import GRDB
import HTTP
import Testing
@testable import Portal
import Store

/// Sharing and the audit log through the API: the owner agency's administrator gives, changes
/// and takes back access, each step audited with the token's name, and the grantee's view follows.
@Suite(.serialized) struct APISharingTests {
    let fixture = APIFixture.shared
    static let layer = "quy-hoach-su-dung-dat"

    @Test func anAdministratorsTokenGivesChangesAndTakesBackAccess() throws {
        let api = try #require(fixture)
        let admin = try api.apiToken("stnmt.admin", [.read, .admin])
        let grantee = try api.apiToken("syt.viewer", [.read])
        let grants = "/api/v1/layers/\(Self.layer)/grants"
        #expect(try api.call("/api/v1/layers/\(Self.layer)", token: grantee).status == 404, "not shared with syt yet")

        let given = try api.call(grants + "/syt", method: .PUT, token: admin,
                                 body: Array(#"{"permission":"view","reason":"Phối hợp quy hoạch y tế"}"#.utf8), contentType: "application/json")
        #expect(given.status == 201)
        let grant = try api.json(given)
        #expect(grant["agency"] == "syt" && grant["permission"] == "view" && grant["reason"] == "Phối hợp quy hoạch y tế")
        #expect(try api.call("/api/v1/layers/\(Self.layer)", token: grantee).status == 200, "syt now sees it")
        #expect(try api.call("/api/v1/layers/\(Self.layer)/features", token: grantee).status == 404, "but may not download it")

        let changed = try api.call(grants + "/syt", method: .PUT, token: admin, body: Array(#"{"permission":"view_download"}"#.utf8),
                                   contentType: "application/json")
        #expect(changed.status == 200)
        #expect(try api.json(changed)["permission"] == "view_download")
        #expect(try api.call("/api/v1/layers/\(Self.layer)/features?limit=1", token: grantee).status == 200, "now it downloads")
        let listed = try api.json(api.call(grants, token: admin))
        guard case .array(let all)? = listed["grants"] else { Issue.record("no grants listed"); return }
        #expect(all.contains { $0["agency"] == "syt" })
        #expect(try api.json(api.call(grants + "/syt", token: admin))["permission"] == "view_download")

        #expect(try api.call(grants + "/syt", method: .DELETE, token: admin, body: Array(#"{"reason":"Hết hạn phối hợp"}"#.utf8),
                             contentType: "application/json").status == 204)
        #expect(try api.call("/api/v1/layers/\(Self.layer)", token: grantee).status == 404, "taken back")
        #expect(try api.call(grants + "/syt", method: .DELETE, token: admin).status == 404, "nothing left to take back")

        let log = try api.json(api.call("/api/v1/audit?action=grant.create&limit=10", token: admin))
        guard case .array(let entries)? = log["entries"] else { Issue.record("no audit entries"); return }
        #expect(entries.count == 2 && entries.allSatisfy { $0["target"]?.string == "\(Self.layer)/syt" && $0["username"] == "stnmt.admin" })
        #expect(entries.first?["detail"]?.string?.contains("permission=view_download; previous=view") == true, "newest first")
        #expect(entries.allSatisfy { $0["detail"]?.string?.contains("api-test") == true }, "the token's name is in the entry")
        let revoked = try api.json(api.call("/api/v1/audit?action=grant.revoke", token: admin))
        #expect(revoked["total"]?.integerValue == 1)
    }

    @Test func badGrantsAreRefusedNamingWhatIsWrong() throws {
        let api = try #require(fixture)
        let admin = try api.apiToken("stnmt.admin", [.read, .admin])
        let grants = "/api/v1/layers/\(Self.layer)/grants"
        func put(_ agency: String, _ body: String) throws -> (Int, JSONValue) {
            let response = try api.call(grants + "/" + agency, method: .PUT, token: admin, body: Array(body.utf8), contentType: "application/json")
            return (response.status, try api.json(response))
        }
        let own = try put("stnmt", #"{"permission":"view"}"#)
        #expect(own.0 == 422 && own.1["code"] == "own_agency")
        let unknown = try put("khong-co", #"{"permission":"view"}"#)
        #expect(unknown.0 == 404)
        let bogus = try put("syt", #"{"permission":"edit"}"#)
        #expect(bogus.0 == 422 && bogus.1["pointer"] == "/permission")
        let missing = try put("syt", "{}")
        #expect(missing.0 == 422 && missing.1["pointer"] == "/permission")
        let broken = try put("syt", #"{"permission":"#)
        #expect(broken.0 == 400 && broken.1["code"] == "invalid_json")
        let textBody = try api.call(grants + "/syt", method: .PUT, token: admin, body: Array("permission=view".utf8),
                                    contentType: "application/x-www-form-urlencoded")
        #expect(textBody.status == 415)
        // An approver's token of the owner agency holds no admin scope; an admin token of another agency finds nothing.
        let approver = try api.apiToken("stnmt.approver", [.read, .approve])
        #expect(try api.call(grants, token: approver).status == 403)
        let otherAdmin = try api.apiToken("syt.admin", [.read, .admin])
        #expect(try api.call(grants, token: otherAdmin).status == 404)
        #expect(try api.call("/api/v1/audit?from=2026-13-01", token: admin).status == 400)
    }

    @Test func agenciesAreListedForTheCodesAGrantNames() throws {
        let api = try #require(fixture)
        let listed = try api.json(api.call("/api/v1/agencies"))
        guard case .array(let agencies)? = listed["agencies"] else { Issue.record("no agencies"); return }
        let stnmt = agencies.first { $0["code"] == "stnmt" }
        #expect(stnmt?["kind"] == "department" && stnmt?["name"]?.string?.isEmpty == false)
    }
}

/// The API's OpenAPI definition against the router: every route documented, nothing documented
/// that is not routed, every `$ref` found inside the document and every path parameter declared.
@Suite struct APIDefinitionTests {
    let fixture = APIFixture.shared

    static func members(_ value: JSONValue?) -> [(String, JSONValue)] {
        if case .object(let members)? = value { return members }
        return []
    }

    @Test func theDefinitionDescribesExactlyTheRoutesOfTheAPI() throws {
        let api = try #require(fixture)
        let response = try api.call("/api/v1/openapi.json")
        #expect(response.status == 200)
        let document = try api.json(response)
        #expect(document["openapi"] == "3.1.0")
        #expect(document["servers"]?.jsonText.contains("http://bando.test/api/v1") == true)
        let methods = Set(["get", "put", "post", "delete"])
        var documented = Set<String>()
        for (path, item) in Self.members(document["paths"]) {
            let pattern = "/api/v1" + (path == "/" ? "" : path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: ""))
            for (method, operation) in Self.members(item) where methods.contains(method) {
                documented.insert(method.uppercased() + " " + pattern)
                // Every {name} of the path is a declared path parameter of the operation.
                let declared = Set(try Self.parameters(operation, in: document).filter { $0["in"] == "path" }.compactMap { $0["name"]?.string })
                let named = Set(path.split(separator: "{").dropFirst().compactMap { $0.split(separator: "}").first.map(String.init) })
                #expect(declared == named, "\(method) \(path): path parameters \(declared) for \(named)")
            }
        }
        let routed = Set(api.seeded.router.routes.filter { $0.pattern == "/api/v1" || $0.pattern.hasPrefix("/api/v1/") }
            .map { "\($0.method.rawValue) \($0.pattern)" })
        #expect(documented == routed, "documented but not routed: \(documented.subtracting(routed)); routed but not documented: \(routed.subtracting(documented))")

        var references: [String] = []
        func collect(_ value: JSONValue) {
            switch value {
            case .object(let members):
                for (name, member) in members {
                    if name == "$ref", let target = member.string { references.append(target) } else { collect(member) }
                }
            case .array(let items): items.forEach(collect)
            default: break
            }
        }
        collect(document)
        #expect(references.count > 50)
        for reference in Set(references) {
            #expect(reference.hasPrefix("#/"), "\(reference) stays inside the document")
            #expect(Self.resolve(reference, in: document) != nil, "\(reference) resolves")
        }
    }

    static func resolve(_ reference: String, in document: JSONValue) -> JSONValue? {
        var value: JSONValue? = document
        for part in reference.dropFirst(2).split(separator: "/") { value = value?[String(part)] }
        return value
    }

    static func parameters(_ operation: JSONValue, in document: JSONValue) throws -> [JSONValue] {
        guard case .array(let items)? = operation["parameters"] else { return [] }
        return try items.map { item in
            guard let reference = item["$ref"]?.string else { return item }
            return try #require(resolve(reference, in: document))
        }
    }
}
