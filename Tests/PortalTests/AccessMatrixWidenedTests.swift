import Foundation
import GRDB
import HTTP
import Testing
@testable import Portal
import Store

/// A demo province of its own where one shared layer is granted for viewing only (no download)
/// and one layer was never published (its only version pending, granted to another agency all the
/// same), for the matrix's second half: the machine-readable doors, a never-published layer, and
/// every POST door to a layer for every role.
final class WidenedMatrixFixture: SeededFixture {
    static let shared: WidenedMatrixFixture? = try? WidenedMatrixFixture()

    let seeded: SeededPortal
    /// A feature of each layer's published version (of the pending one for the unpublished layer).
    let features: [String: Int64]

    static let unpublished = "lop-chua-cong-bo"

    private init() throws {
        seeded = try SeededPortal(prefix: "bando-matrix-", network: "10.12")
        let layers = LayerRepository(seeded.database)
        try layers.create(slug: Self.unpublished, title: "Lớp chưa công bố", description: "", sector: "moi-truong",
                          ownerCode: "stnmt", geometryKind: .point, visibility: .shared)
        let version = try layers.createVersion(layerSlug: Self.unpublished, createdBy: nil, sourceName: "thu.geojson",
                                               sourceSRID: 4326, encoding: "UTF-8")
        try FeatureRepository(seeded.database).insert([NewFeature(shape: .wkt("POINT(106.4 21.35)"), propertiesJSON: #"{"ten":"A"}"#)],
                                                      versionID: version.id)
        try layers.refreshVersionFigures(versionID: version.id)
        try layers.grant(layerSlug: Self.unpublished, agencyCode: "sxd", download: true, reason: "phối hợp", grantedBy: nil)
        try seeded.database.write { db in
            try db.execute(sql: """
                UPDATE layer_grants SET permission = 'view'
                WHERE layer_id = (SELECT id FROM layers WHERE slug = 'quy-hoach-su-dung-dat')
                """)
        }
        var found: [String: Int64] = [:]
        for slug in AccessMatrixWidenedTests.layers.map(\.slug) {
            found[slug] = try seeded.database.read { db in
                try Int64.fetchOne(db, sql: """
                    SELECT f.id FROM features f JOIN layer_versions v ON v.id = f.version_id JOIN layers l ON l.id = v.layer_id
                    WHERE l.slug = ? ORDER BY (v.id = l.published_version_id) DESC, f.id LIMIT 1
                    """, arguments: [slug])
            }
        }
        features = found
    }
}

@Suite struct AccessMatrixWidenedTests {
    let fixture = WidenedMatrixFixture.shared

    /// The layers, their owner, who sees their data (nil: everyone) and who downloads it.
    static let layers: [(slug: String, owner: String, seen: Set<String>?, downloads: Set<String>?)] = [
        ("co-so-y-te", "syt", nil, nil),                                          // public
        ("quy-hoach-su-dung-dat", "stnmt", ["stnmt", "sxd"], ["stnmt"]),          // shared; sxd may view only
        ("diem-quan-trac-moi-truong", "stnmt", ["stnmt"], ["stnmt"]),             // private
        (WidenedMatrixFixture.unpublished, "stnmt", ["stnmt"], ["stnmt"]),        // never published, granted to sxd
    ]

    static let actors: [String?] = AccessMatrixTests.actors

    static func role(_ username: String?) -> String? {
        username.flatMap { $0.split(separator: ".").dropFirst().first.map(String.init) }
    }

    /// GET doors that yield features in machine-readable bulk: the download right.
    static func machineDoors(_ slug: String, feature: Int64) -> [String] {
        ["/layers/\(slug)/download.geojson", "/layers/\(slug)/download.csv", "/layers/\(slug)/download.zip",
         "/layers/\(slug)/download.gpkg", "/layers/\(slug)/download.kml", "/layers/\(slug)/features/\(feature).geojson",
         "/ogc/collections/\(slug)", "/ogc/collections/\(slug)/items", "/ogc/collections/\(slug)/items?limit=5&bbox=105,20,108,22",
         "/ogc/collections/\(slug)/items/\(feature)", "/ogc/collections/\(slug)/items?f=html"]
    }

    /// A POST door, who may pass it beyond the owner agency's roles, and a form that a permitted
    /// actor gets refused for bad input (so nothing changes), or nil when only refusals are checked.
    struct PostDoor: Sendable {
        let name: String
        let path: @Sendable (_ slug: String, _ owner: String, _ feature: Int64) -> String
        let roles: Set<String>
        let form: [(String, String)]
        /// Whether a permitted actor is sent the form too, and their answer checked (a refusal of
        /// the bad input, not a 404); doors whose every form would act are sent to refusals only.
        let checksPermitted: Bool
    }

    static let postDoors: [PostDoor] = [
        PostDoor(name: "edit", path: { s, _, _ in "/layers/\(s)/edit" }, roles: ["editor", "admin"], form: [("title", "")], checksPermitted: true),
        PostDoor(name: "style", path: { s, _, _ in "/layers/\(s)/style" }, roles: ["editor", "admin"], form: [("style", "{")], checksPermitted: false),
        PostDoor(name: "style-approve", path: { s, _, _ in "/layers/\(s)/style/approve" }, roles: ["approver"], form: [("pending", "x")], checksPermitted: false),
        PostDoor(name: "style-reject", path: { s, _, _ in "/layers/\(s)/style/reject" }, roles: ["approver"], form: [("reason", "")], checksPermitted: false),
        PostDoor(name: "upload", path: { s, _, _ in "/layers/\(s)/upload" }, roles: ["editor", "admin"], form: [], checksPermitted: true),
        PostDoor(name: "publish", path: { s, _, _ in "/layers/\(s)/versions/1/publish" }, roles: ["approver"], form: [("pending", "x")], checksPermitted: false),
        PostDoor(name: "reject", path: { s, _, _ in "/layers/\(s)/versions/1/reject" }, roles: ["approver"], form: [("reason", "")], checksPermitted: false),
        PostDoor(name: "rollback", path: { s, _, _ in "/layers/\(s)/versions/1/rollback" }, roles: ["approver"], form: [], checksPermitted: false),
        PostDoor(name: "feature-edit", path: { s, _, f in "/layers/\(s)/features/\(f)/edit" }, roles: ["editor", "admin"], form: [], checksPermitted: false),
        PostDoor(name: "feature-delete", path: { s, _, f in "/layers/\(s)/features/\(f)/delete" }, roles: ["editor", "admin"], form: [], checksPermitted: false),
        PostDoor(name: "visibility", path: { s, o, _ in "/admin/agencies/\(o)/layers/\(s)/visibility" }, roles: ["admin", "approver"],
                 form: [("visibility", "bogus")], checksPermitted: true),
        PostDoor(name: "grant", path: { s, o, _ in "/admin/agencies/\(o)/layers/\(s)/grants" }, roles: ["admin"],
                 form: [("agency", "syt"), ("permission", "view"), ("reason", "")], checksPermitted: true),
        PostDoor(name: "revoke", path: { s, o, _ in "/admin/agencies/\(o)/layers/\(s)/grants/sxd/revoke" }, roles: ["admin"],
                 form: [("reason", "")], checksPermitted: false),
        PostDoor(name: "withdraw", path: { s, _, _ in "/layers/\(s)/transfer/withdraw" }, roles: ["admin"], form: [], checksPermitted: false),
    ]

    /// What the store holds of the layers, to show that no POST changed anything.
    func state(_ demo: WidenedMatrixFixture) throws -> [String] {
        try demo.database.read { db in
            try String.fetchAll(db, sql: """
                SELECT l.slug || '|' || l.title || '|' || l.visibility || '|' || ifnull(l.published_version_id, '-') || '|' ||
                       ifnull(l.style, '') || '|' || ifnull(l.pending_style, '') || '|' ||
                       (SELECT count(*) FROM layer_versions v WHERE v.layer_id = l.id) || '|' ||
                       ifnull((SELECT group_concat(g.agency_id || g.permission) FROM layer_grants g WHERE g.layer_id = l.id), '') || '|' ||
                       (SELECT count(*) FROM features f JOIN layer_versions v ON v.id = f.version_id WHERE v.layer_id = l.id)
                FROM layers l ORDER BY l.slug
                """)
        }
    }

    func same(_ response: Response, _ absent: Response, _ slug: String) -> Bool {
        response.status == absent.status
            && response.text.replacingOccurrences(of: slug, with: "X") == absent.text.replacingOccurrences(of: "khong-ton-tai", with: "X")
    }

    @Test(arguments: AccessMatrixWidenedTests.actors)
    func machineReadableDoorsNeedTheDownloadRightAndUnpublishedLayersStayHidden(_ username: String?) throws {
        let demo = try #require(fixture)
        var browser = Browser(demo)
        if let username { try #require(try browser.signIn(username).status == 303) }
        let agency = AccessMatrixTests.agency(of: username)
        let who = username ?? "public"
        for (slug, owner, seen, downloads) in Self.layers {
            let feature = try #require(demo.features[slug])
            let sees = seen.map { agency.map($0.contains) ?? false } ?? true
            let mayDownload = downloads.map { agency.map($0.contains) ?? false } ?? true
            let unpublishedOutsider = slug == WidenedMatrixFixture.unpublished && agency != owner
            for (door, absentDoor) in zip(Self.machineDoors(slug, feature: feature), Self.machineDoors("khong-ton-tai", feature: feature)) {
                let response = try browser.get(door)
                if slug == WidenedMatrixFixture.unpublished && mayDownload {
                    continue   // its own agency: nothing is published to download yet
                } else if mayDownload {
                    #expect(response.status == 200, "\(who) GET \(door) → \(response.status)")
                } else if !mayDownload {
                    #expect(same(response, try browser.get(absentDoor), slug), "\(who) GET \(door) answers like a missing layer")
                }
            }
            // The feature service lists exactly the collections one may download that are published.
            let listed = try browser.get("/ogc/collections").text.contains("\"id\":\"\(slug)\"")
            #expect(listed == (mayDownload && slug != WidenedMatrixFixture.unpublished), "\(who) OGC API lists \(slug): \(listed)")
            // A never-published layer is missing to everyone outside its agency, grant or not.
            if unpublishedOutsider || !sees {
                for door in ["/layers/\(slug)", "/layers/\(slug)/table", "/tiles/\(slug)/10/814/449.png", "/legend/\(slug).png",
                             "/layers/\(slug)/features/\(feature)"] {
                    let absent = try browser.get(door.replacingOccurrences(of: slug, with: "khong-ton-tai"))
                    #expect(same(try browser.get(door), absent, slug), "\(who) GET \(door) answers like a missing layer")
                }
                #expect(!(try browser.get("/").text.contains("href=\"/layers/\(slug)\"")), "\(who) home does not list \(slug)")
            } else {
                #expect(try browser.get("/layers/\(slug)").status == 200, "\(who) sees \(slug)")
            }
        }
    }

    @Test(arguments: AccessMatrixWidenedTests.actors)
    func everyPostDoorRefusesAllButTheOwnersRolesLikeAMissingLayer(_ username: String?) throws {
        let demo = try #require(fixture)
        let before = try state(demo)
        var browser = Browser(demo)
        if let username { try #require(try browser.signIn(username).status == 303) }
        let agency = AccessMatrixTests.agency(of: username)
        let who = username ?? "public"
        for (slug, owner, _, _) in Self.layers {
            let feature = try #require(demo.features[slug])
            for door in Self.postDoors {
                let permitted = agency == owner && door.roles.contains(Self.role(username) ?? "")
                if permitted && !door.checksPermitted { continue }
                let response = try browser.send(door.path(slug, owner, feature), door.form)
                if permitted {
                    #expect(response.status != 404 && response.status < 500 && response.status != 303,
                            "\(who) POST \(door.name) \(slug) → \(response.status)")
                } else {
                    let absent = try browser.send(door.path("khong-ton-tai", owner, feature), door.form)
                    #expect(same(response, absent, slug), "\(who) POST \(door.name) \(slug) → \(response.status), like a missing layer")
                }
            }
        }
        #expect(try state(demo) == before, "\(who): no POST changed a layer")
    }
}
