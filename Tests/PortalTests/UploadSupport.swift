import Foundation
import GRDB
import HTTP
@testable import Portal
import Store

/// A demo province of the upload tests' own: they create layers and versions, which the other
/// fixtures' tests must not see. Seeded once per test process.
final class UploadFixture: PortalFixture {
    static let shared: UploadFixture? = try? UploadFixture()
    static let password = "demo-password-1"

    let folder: String
    let database: SpatialDatabase
    let portal: Portal
    let handler: Handler

    private init() throws {
        let seeded = try SeededPortal(prefix: "bando-upload-", password: Self.password)
        (folder, database, portal) = (seeded.folder, seeded.database, seeded.portal)
        // The tests sharing this fixture run side by side as the same few people and leave uploads
        // behind, so their desk has room for all of them; the quotas are tested on desks of their own.
        let router = portal.makeRouter()
        portal.registerUploadRoutes(on: router, desk: UploadDesk(
            staging: UploadStaging(dataDirectory: portal.dataDirectory),
            jobs: ImportJobs(maxConcurrent: UploadDesk.concurrentImports, maxPerOwner: 1_000),
            previews: UploadPreviews(), quotas: UploadQuotas(maxStagedPerUser: 1_000)))
        handler = router.handler
    }

    var demoPassword: String { Self.password }

    func browserAddress() -> String { "10.5.\(Int.random(in: 0...255)).\(Int.random(in: 1...250))" }

    /// Where staged uploads lie.
    var uploads: String { folder + "/data/uploads" }

    /// The status of every version of `slug`, oldest first.
    func versionStatuses(_ slug: String) throws -> [String] {
        try database.read { db in
            try String.fetchAll(db, sql: """
                SELECT v.status FROM layer_versions v JOIN layers l ON l.id = v.layer_id WHERE l.slug = ? ORDER BY v.number
                """, arguments: [slug])
        }
    }

    /// How many layers have a slug starting with `prefix`.
    func layerCount(prefix: String) throws -> Int {
        try database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM layers WHERE slug LIKE ? || '%'", arguments: [prefix]) ?? -1
        }
    }

    /// The audit entries (action, target) of `username`.
    func auditEntries(_ username: String) throws -> [(String, String)] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT action, target FROM audit_log WHERE username = ? ORDER BY id", arguments: [username])
                .map { ($0[0], $0[1]) }
        }
    }

    /// `points` (lon, lat) transformed by PROJ to EPSG:`srid`, through SpatiaLite.
    func project(_ points: [(Double, Double)], to srid: Int) throws -> [(Double, Double)] {
        try database.read { db in
            try points.map { lon, lat in
                let row = try Row.fetchOne(db, sql: "SELECT X(t), Y(t) FROM (SELECT ST_Transform(MakePoint(?, ?, 4326), ?) AS t)",
                                           arguments: [lon, lat, srid])
                return (row?[0] ?? .nan, row?[1] ?? .nan)
            }
        }
    }

    /// A new published point layer of `owner` with one feature; returns its slug.
    func publishedLayer(owner: String, title: String) throws -> String {
        let slug = AdminSupport.unique("lop-co-san")
        let layers = LayerRepository(database)
        try layers.create(slug: slug, title: title, description: "", sector: "moi-truong", ownerCode: owner,
                          geometryKind: .point, visibility: .public)
        let version = try layers.createVersion(layerSlug: slug, createdBy: nil, sourceName: "test", sourceSRID: 4326, encoding: "UTF-8")
        try FeatureRepository(database).insert([NewFeature(shape: .wkt("POINT(106.1 21.2)"), propertiesJSON: "{}")], versionID: version.id)
        try layers.refreshVersionFigures(versionID: version.id)
        try layers.publish(versionID: version.id, decidedBy: nil)
        return slug
    }
}

extension Browser {
    /// Posts a `multipart/form-data` body of text fields and, when given, one file part named
    /// `file`, as the upload form does; `accept` sets the Accept header (upload.js asks for JSON).
    mutating func upload(_ target: String, fields: [(String, String)], file: (name: String, bytes: [UInt8])?,
                         accept: String? = nil) throws -> Response {
        let boundary = "----bando-test-" + UUID().uuidString
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let file {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        var headers = HTTPHeaders()
        for (name, value) in cookieHeader { headers.add(name, value) }
        headers.add("Content-Type", "multipart/form-data; boundary=\(boundary)")
        if let accept { headers.add("Accept", accept) }
        let request = try Request(method: .POST, target: target, headers: headers, body: .bytes(body), remoteAddress: address)
        let response: Response
        do {
            response = try fixture.handler(request)
        } catch let error as HTTPError {
            response = fixture.portal.errorPage(error, request)
        }
        remember(response)
        return response
    }

    /// Uploads `file` through the form at `form` (`/upload` or `/layers/{slug}/upload`) with a
    /// valid CSRF token; returns the token of the staged upload, nil when refused.
    mutating func stage(_ file: (name: String, bytes: [UInt8]), form: String = "/upload", title: String = "") throws -> String? {
        let page = try get(form)
        let csrf = Browser.csrf(in: page) ?? ""
        let response = try upload(form, fields: [("csrf", csrf), ("title", title)], file: file)
        guard response.status == 303, let location = response.headers["Location"], location.hasPrefix("/uploads/") else { return nil }
        return String(location.dropFirst("/uploads/".count))
    }

    /// Posts the preview's import form for `token` with `fields` and a valid CSRF token.
    mutating func startImport(_ token: String, _ fields: [(String, String)]) throws -> Response {
        let preview = try get("/uploads/\(token)")
        return try post("/uploads/\(token)/import", [("csrf", Browser.csrf(in: preview) ?? "")] + fields)
    }

    /// Polls `status.json` until the import of `token` is done or failed (or `timeout` passes);
    /// returns the last status object.
    mutating func waitForImport(_ token: String, timeout: TimeInterval = 60) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        var status: [String: Any] = [:]
        repeat {
            let response = try get("/uploads/\(token)/status.json")
            guard response.status == 200 else { return ["http": response.status] }
            status = (try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any]) ?? [:]
            if let state = status["state"] as? String, state == "done" || state == "failed" { return status }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        return status
    }
}

/// Files for the upload tests.
enum UploadFiles {
    /// A GeoJSON FeatureCollection of points (lon, lat) named `names` inside the demo province.
    static func points(_ names: [String], longitude: Double = 106.2, latitude: Double = 21.3) -> [UInt8] {
        let features = names.enumerated().map { index, name in
            "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[\(longitude + Double(index) * 0.01),\(latitude)]},"
                + "\"properties\":{\"tên\":\"\(name)\",\"số\":\(index + 1)}}"
        }
        return Array("{\"type\":\"FeatureCollection\",\"features\":[\(features.joined(separator: ","))]}".utf8)
    }

    /// A title no other test uses, and the slug the pipeline makes of it.
    /// A unique title and the slug a new layer of `agency` gets from it (the title's, then the agency's code).
    static func title(_ words: String, agency: String = "stnmt") -> (title: String, slug: String) {
        let suffix = AdminSupport.unique("t").dropFirst(2)
        return ("\(words) \(suffix)", ImportDecisions.slug(from: "\(words) \(suffix)") + "-" + agency)
    }
}
