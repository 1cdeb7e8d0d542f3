import Foundation
import HTTP
@testable import Portal
import Store

/// The repository's own folders (Templates/, locales/, Public/, migrations/).
let repositoryRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

/// One demo province, seeded once per test process and shared read-only by the tests.
final class DemoFixture: Sendable {
    static let shared: DemoFixture? = try? DemoFixture()

    let folder: String
    let database: SpatialDatabase
    let portal: Portal
    let handler: Handler
    let accounts: [DemoSeeder.Account]

    private init() throws {
        folder = NSTemporaryDirectory() + "bando-portal-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let resources = try Resources(root: repositoryRoot)
        database = try SpatialDatabase(path: folder + "/demo.sqlite")
        try Migrator(directory: resources.migrations).migrate(database)
        accounts = try DemoSeeder(database: database).seed(password: "demo-password-1")
        portal = try Portal(database: database, resources: resources, dataDirectory: folder + "/data")
        let router = portal.makeRouter()
        handler = router.handler
    }

    /// Runs a request through the router and the portal's error pages, as the server would.
    func respond(_ target: String, method: HTTPMethod = .GET, headers: [(String, String)] = []) throws -> Response {
        var h = HTTPHeaders()
        for (name, value) in headers { h.add(name, value) }
        let request = try Request(method: method, target: target, headers: h, body: .none, remoteAddress: "127.0.0.1")
        do {
            return try handler(request)
        } catch let error as HTTPError {
            return portal.errorPage(error, request)
        }
    }
}

extension Response {
    /// The body as text (bytes bodies only).
    var text: String {
        if case .bytes(let bytes) = body { return String(decoding: bytes, as: UTF8.self) }
        return ""
    }
}
