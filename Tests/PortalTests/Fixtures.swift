import Foundation
import HTTP
@testable import Portal
import Store

/// The repository's own folders (Templates/, locales/, Public/, migrations/).
let repositoryRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

/// One demo province, seeded once per test process and shared read-only by the tests.
final class DemoFixture: PortalFixture {
    static let shared: DemoFixture? = try? DemoFixture()
    /// The password of every seeded demo account.
    static let password = "demo-password-1"

    let folder: String
    let database: SpatialDatabase
    let portal: Portal
    let handler: Handler
    let accounts: [DemoSeeder.Account]

    private init() throws {
        let seeded = try SeededPortal(prefix: "bando-portal-", password: Self.password)
        (folder, database, portal, handler, accounts) = (seeded.folder, seeded.database, seeded.portal, seeded.handler, seeded.accounts)
    }

    var demoPassword: String { Self.password }

    func browserAddress() -> String { "10.0.0.\(Int.random(in: 1...250))" }
}

/// A seeded portal that tests drive in-process, the way `Browser` does.
protocol PortalFixture: Sendable {
    /// The password the fixture's demo accounts were seeded with.
    var demoPassword: String { get }
    var portal: Portal { get }
    var handler: Handler { get }

    /// A client address for a new browser that is not given one.
    func browserAddress() -> String
}

extension PortalFixture {
    /// Runs a request through the router and the portal's error pages, as the server would.
    func respond(_ target: String, method: HTTPMethod = .GET, headers: [(String, String)] = [],
                 form: [(String, String)]? = nil, remoteAddress: String = "127.0.0.1") throws -> Response {
        var h = HTTPHeaders()
        for (name, value) in headers { h.add(name, value) }
        var body = RequestBody.none
        if let form {
            h.add("Content-Type", "application/x-www-form-urlencoded")
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
            let encoded = form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
                .joined(separator: "&")
            body = .bytes(Array(encoded.utf8))
        }
        let request = try Request(method: method, target: target, headers: h, body: body, remoteAddress: remoteAddress)
        do {
            return try handler(request)
        } catch let error as HTTPError {
            return portal.errorPage(error, request)
        }
    }
}

/// The demo province seeded into a new temporary folder, with its portal and router.
struct SeededPortal: Sendable {
    let folder: String
    let database: SpatialDatabase
    let portal: Portal
    let router: Router
    let handler: Handler
    let accounts: [DemoSeeder.Account]
    /// The password of every seeded account.
    let password: String
    /// The first two parts of the client addresses its browsers get ("10.4"), so that the
    /// sign-in throttle of one fixture's tests never counts another's.
    let network: String

    init(prefix: String, password: String = DemoFixture.password, network: String = "10.9") throws {
        self.password = password
        self.network = network
        folder = NSTemporaryDirectory() + prefix + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let resources = try Resources(root: repositoryRoot)
        database = try SpatialDatabase(path: folder + "/demo.sqlite")
        try Migrator(directory: resources.migrations).migrate(database)
        accounts = try DemoSeeder(database: database).seed(password: password)
        portal = try Portal(database: database, resources: resources, dataDirectory: folder + "/data")
        router = portal.makeRouter()
        handler = router.handler
    }
}

/// A test fixture that is one seeded demo province of its own: the tests that change layers,
/// versions or accounts each get one, so they never disturb `DemoFixture`'s readers.
protocol SeededFixture: PortalFixture {
    var seeded: SeededPortal { get }
}

extension SeededFixture {
    var folder: String { seeded.folder }
    var database: SpatialDatabase { seeded.database }
    var portal: Portal { seeded.portal }
    var handler: Handler { seeded.handler }
    var demoPassword: String { seeded.password }

    func browserAddress() -> String {
        "\(seeded.network).\(Int.random(in: 0...255)).\(Int.random(in: 1...250))"
    }
}

/// A browser's cookie jar and sign-in, against an in-process portal.
struct Browser {
    let fixture: any PortalFixture
    var cookies: [String: String] = [:]
    /// Headers sent with every request besides the cookies (an Authorization header, say).
    var headers: [(String, String)] = []
    var address: String

    init(_ fixture: any PortalFixture, address: String? = nil) {
        self.fixture = fixture
        self.address = address ?? fixture.browserAddress()
    }

    /// Signs in as `username` and returns the browser; the fixture's demo password unless given.
    static func signedIn(_ fixture: any PortalFixture, _ username: String, password: String? = nil) throws -> Browser {
        var browser = Browser(fixture)
        try browser.signIn(username, password)
        return browser
    }

    var cookieHeader: [(String, String)] {
        cookies.isEmpty ? [] : [("Cookie", cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))]
    }

    mutating func remember(_ response: Response) {
        for header in response.headers.values("Set-Cookie") {
            let pair = header.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            let name = String(pair[0]), value = String(pair[1])
            if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
    }

    mutating func get(_ target: String) throws -> Response {
        let response = try fixture.respond(target, method: .GET, headers: cookieHeader + headers, form: nil, remoteAddress: address)
        remember(response)
        return response
    }

    mutating func post(_ target: String, _ form: [(String, String)]) throws -> Response {
        let response = try fixture.respond(target, method: .POST, headers: cookieHeader + headers, form: form, remoteAddress: address)
        remember(response)
        return response
    }

    /// The hidden `csrf` value of the last form on a page.
    static func csrf(in page: Response) -> String? {
        guard let range = page.text.range(of: #"name="csrf" value="([^"]+)""#, options: .regularExpression) else { return nil }
        return String(page.text[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
    }

    /// Signs in through the form, as a person would; returns the final response. Without a
    /// password, the fixture's demo password.
    @discardableResult
    mutating func signIn(_ username: String, _ password: String? = nil) throws -> Response {
        let form = try get("/login")
        let token = Browser.csrf(in: form) ?? ""
        return try post("/login", [("csrf", token), ("username", username), ("password", password ?? fixture.demoPassword),
                                   ("next", "/")])
    }

    /// The session's CSRF token (or the visitor's), read from a page everyone may open.
    mutating func token() throws -> String {
        Browser.csrf(in: try get(cookies["bando_session"] == nil ? "/login" : "/profile")) ?? ""
    }

    /// Posts `form` to `target` with a valid CSRF token.
    mutating func send(_ target: String, _ form: [(String, String)] = []) throws -> Response {
        let csrf = try token()
        return try post(target, [("csrf", csrf)] + form)
    }
}

extension Response {
    /// The body as text (bytes bodies only).
    var text: String {
        if case .bytes(let bytes) = body { return String(decoding: bytes, as: UTF8.self) }
        return ""
    }
}
