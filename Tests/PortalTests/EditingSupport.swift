import Foundation
import Geometry
import GRDB
import HTTP
@testable import Portal
import Store

/// A demo province of the editing tests' own: they change layers' metadata, owners and styles,
/// so they do not share `DemoFixture`'s database. Seeded once per test process; each test makes
/// its own layers.
final class EditingFixture: SeededFixture {
    static let shared: EditingFixture? = try? EditingFixture()

    let seeded: SeededPortal

    private init() throws {
        seeded = try SeededPortal(prefix: "bando-editing-", network: "10.7")
    }

    /// A new layer of agency "sxd" with a published version: a polygon over the middle of
    /// `provinceTile` (a point at its centre for a point layer). Returns its slug.
    func layer(_ kind: Store.GeometryKind = .polygon, visibility: Visibility = .public, prefix: String = "sua") throws -> String {
        let slug = AdminSupport.unique(prefix)
        let layers = LayerRepository(database)
        try layers.create(slug: slug, title: "Lớp sửa \(slug)", description: "Mô tả ban đầu", sector: "xay-dung",
                          ownerCode: "sxd", geometryKind: kind, visibility: visibility)
        let b = provinceTile.lonLatBounds
        let (x0, x1) = (b.minX + b.width / 4, b.maxX - b.width / 4)
        let (y0, y1) = (b.minY + b.height / 4, b.maxY - b.height / 4)
        let wkt = kind == .point ? "POINT(\(b.center.x) \(b.center.y))"
            : "POLYGON((\(x0) \(y0), \(x1) \(y0), \(x1) \(y1), \(x0) \(y1), \(x0) \(y0)))"
        let version = try layers.createVersion(layerSlug: slug, createdBy: nil, sourceName: "test", sourceSRID: 4326,
                                               encoding: "UTF-8")
        try FeatureRepository(database).insert([NewFeature(shape: .wkt(wkt), propertiesJSON: #"{"loai":"a"}"#)],
                                               versionID: version.id)
        try layers.refreshVersionFigures(versionID: version.id)
        try layers.publish(versionID: version.id, decidedBy: nil)
        return slug
    }

    /// The layer's id by slug.
    func layerID(_ slug: String) throws -> Int64 {
        guard let found = try LayerRepository(database).findForAccess(slug: slug, agencyID: nil) else {
            throw StoreError.notFound("layer \(slug)")
        }
        return found.layer.id
    }

    /// (action, username, detail) of the audit entries on `target`, oldest first, sign-ins left out.
    func audit(_ target: String) throws -> [[String]] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT action, COALESCE(username, ''), detail FROM audit_log WHERE target = ? AND action NOT LIKE 'login.%'
                ORDER BY id
                """, arguments: [target]).map { [$0[0], $0[1], $0[2]] }
        }
    }
}

extension Response {
    /// The `Location` of a redirect, or empty.
    var location: String { headers["Location"] ?? "" }
}
