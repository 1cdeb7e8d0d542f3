import Foundation
import Formats
import HTTP
import Testing
@testable import Portal
import Store

/// A client of the JSON API for any seeded demo province: tokens as `bando token create` makes
/// them, and calls with a token and a body.
extension SeededFixture {
    /// A token of `username` as `bando token create` makes it.
    func apiToken(_ username: String, _ scopes: Set<TokenScope>) throws -> String {
        let user = try #require(try UserRepository(database).find(username: username))
        let agency = try #require(try AgencyRepository(database).find(id: user.agencyID))
        return try AccessTokens.create(database, user: user, agencyCode: agency.code, name: "api-test", scopes: scopes,
                                       expiresInDays: 1, clientAddress: "test").secret
    }

    /// The API's answer to `method target` with `token` and a body of `contentType`.
    func call(_ target: String, method: HTTPMethod = .GET, token: String? = nil, body: [UInt8]? = nil,
              contentType: String? = nil, headers extra: [(String, String)] = []) throws -> Response {
        var headers = HTTPHeaders()
        headers.add("Host", "bando.test")
        if let token { headers.add("Authorization", "Bearer " + token) }
        if let contentType { headers.add("Content-Type", contentType) }
        for (name, value) in extra { headers.add(name, value) }
        let request = try Request(method: method, target: target, headers: headers, body: body.map(RequestBody.bytes) ?? .none,
                                  remoteAddress: "127.0.0.1")
        return try handler(request)
    }

    func json(_ response: Response) throws -> JSONValue { try JSONValue.parse(Array(response.text.utf8)) }
}
