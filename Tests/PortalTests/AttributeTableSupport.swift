import Foundation
import GRDB
import HTTP
@testable import Portal
import Store
import Testing

/// A demo province of the attribute table tests' own: they create layers and versions, so they
/// do not write into `DemoFixture`'s shared database. Seeded once per test process; each test
/// makes its own layers.
final class TableFixture: SeededFixture {
    static let shared: TableFixture? = try? TableFixture()

    let seeded: SeededPortal

    private init() throws {
        seeded = try SeededPortal(prefix: "bando-table-", network: "10.5")
    }
}

/// Layers of health stations for one test, and what the tests read back.
enum TableSupport {
    /// Features in a new layer: "Trạm số 1" … with `số_hộ` = (i × 37) mod 101 and a point
    /// on a small grid near 106.1 E, 21.1 N.
    static let featureCount = 60

    static func point(_ index: Int) -> (lon: Double, lat: Double) {
        (106.1 + Double(index % 10) * 0.01, 21.1 + Double(index / 10) * 0.01)
    }

    static func households(_ index: Int) -> Int { (index * 37) % 101 }

    /// The attributes of feature `index` of a new layer, as JSON, unless a test gives its own.
    static func stationProperties(_ index: Int) -> String {
        #"{"tên":"Trạm số \#(index)","số_hộ":\#(households(index)),"ghi_chú":"Xã Đông Hưng","hoạt_động":\#(index % 2 == 0)}"#
    }

    /// A new layer of the agency `owner`, published with `featureCount` features (attributes
    /// from `properties`), shared with `grant` when given.
    static func layer(_ fixture: TableFixture, owner: String = "syt", visibility: Visibility,
                      grant: (agency: String, download: Bool)? = nil,
                      properties: (Int) -> String = stationProperties) throws -> String {
        let slug = AdminSupport.unique("tram")
        let layers = LayerRepository(fixture.database)
        try layers.create(slug: slug, title: "Trạm quan trắc \(slug)", description: "", sector: "y-te", ownerCode: owner,
                          geometryKind: .point, visibility: visibility)
        let version = try layers.createVersion(layerSlug: slug, createdBy: nil, sourceName: "tram.geojson", sourceSRID: 4326,
                                               encoding: "UTF-8")
        let features = (1...featureCount).map { index -> NewFeature in
            let (lon, lat) = point(index)
            return NewFeature(shape: .wkt("POINT(\(lon) \(lat))"), propertiesJSON: properties(index))
        }
        try FeatureRepository(fixture.database).insert(features, versionID: version.id)
        try layers.refreshVersionFigures(versionID: version.id)
        try layers.publish(versionID: version.id, decidedBy: nil)
        if let grant {
            try layers.grant(layerSlug: slug, agencyCode: grant.agency, download: grant.download, reason: "thử", grantedBy: nil)
        }
        return slug
    }

    /// A pending version 2 of `slug`: a copy of version 1 whose first feature is renamed.
    static func pendingVersion(_ fixture: TableFixture, _ slug: String) throws -> EditedVersion {
        let ids = try featureIDs(fixture, slug, version: 1)
        guard let layerID = try LayerRepository(fixture.database).findForAccess(slug: slug, agencyID: nil)?.layer.id else {
            throw StoreError.notFound("layer \(slug)")
        }
        return try VersionEdits(fixture.database).editFeature(
            layerID: layerID, featureID: ids[0], changes: [AttributeChange(field: "tên", value: .text("Trạm chờ duyệt"))],
            userID: nil, EditDescription(sourceName: "thử", note: "thử") { _ in
                AuditEntry(userID: nil, username: nil, agencyID: nil, action: "test.pending", target: slug)
            })
    }

    /// The id of layer `slug`.
    static func layerID(_ fixture: TableFixture, _ slug: String) throws -> Int64 {
        guard let id = try LayerRepository(fixture.database).findForAccess(slug: slug, agencyID: nil)?.layer.id else {
            throw StoreError.notFound("layer \(slug)")
        }
        return id
    }

    /// Publishes version `number` of `slug`; the published one becomes superseded.
    static func publish(_ fixture: TableFixture, _ slug: String, _ number: Int) throws {
        let layerID = try layerID(fixture, slug)
        let version = try #require(try VersionRepository(fixture.database).find(layerID: layerID, number: number))
        try LayerRepository(fixture.database).publish(versionID: version.id, decidedBy: nil)
    }

    /// The user id of `username`.
    static func userID(_ fixture: TableFixture, _ username: String) throws -> Int64 {
        try #require(try fixture.database.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM users WHERE username = ?", arguments: [username])
        })
    }

    /// The feature ids of version `version` of `slug`, in order.
    static func featureIDs(_ fixture: TableFixture, _ slug: String, version: Int) throws -> [Int64] {
        try fixture.database.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT f.id FROM features f JOIN layer_versions v ON v.id = f.version_id JOIN layers l ON l.id = v.layer_id
                WHERE l.slug = ? AND v.number = ? ORDER BY f.id
                """, arguments: [slug, version])
        }
    }

    /// The version numbers of `slug` with their status, oldest first.
    static func versions(_ fixture: TableFixture, _ slug: String) throws -> [String] {
        try fixture.database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT v.number, v.status FROM layer_versions v JOIN layers l ON l.id = v.layer_id WHERE l.slug = ? ORDER BY v.number
                """, arguments: [slug]).map { "\($0[0] as Int):\($0[1] as String)" }
        }
    }

    /// The audit actions recorded against `slug`, oldest first.
    static func auditActions(_ fixture: TableFixture, _ slug: String) throws -> [String] {
        try fixture.database.read { db in
            try String.fetchAll(db, sql: "SELECT action FROM audit_log WHERE target = ? ORDER BY id", arguments: [slug])
        }
    }

    /// The `<tbody>` rows of a table page.
    static func rowCount(_ page: Response) -> Int {
        page.text.components(separatedBy: "<tr><td><a href=\"/layers/").count - 1
    }

    /// The 404 of `target` with `slug` replaced, for comparing with a missing layer's.
    static func normalized(_ response: Response, _ slug: String) -> String {
        response.text.replacingOccurrences(of: slug, with: "SLUG")
    }
}
