import Foundation
import GRDB
import HTTP
@testable import Portal
import Store

/// A demo province of the administration tests' own: they disable agencies, grant and revoke
/// access and change visibility, so they do not share `DemoFixture`'s database, whose other tests
/// read what is shared with whom. Seeded once per test process.
final class AdminFixture: SeededFixture {
    static let shared: AdminFixture? = try? AdminFixture()

    let seeded: SeededPortal

    private init() throws {
        seeded = try SeededPortal(prefix: "bando-admin-", network: "10.2")
    }
}

/// Fresh agencies, accounts and layers for one test, and the audit entries an action left.
enum AdminSupport {
    static let password = "demo-password-1"
    /// One hash for every test account: salted once, valid for all.
    static let passwordHash: String = Passwords.hash(password) ?? ""

    /// A name no other test uses: `prefix` and eight random lowercase characters.
    static func unique(_ prefix: String) -> String {
        let letters = Array("abcdefghijkmnpqrstuvwxyz23456789")
        return prefix + "-" + String((0..<8).map { _ in letters[Int.random(in: 0..<letters.count)] })
    }

    /// A new agency under the province root.
    @discardableResult
    static func agency(_ fixture: AdminFixture, prefix: String = "t", parent: String? = "ubnd") throws -> Agency {
        try AgencyRepository(fixture.database).create(code: unique(prefix), name: "Đơn vị thử nghiệm \(prefix)", kind: .office,
                                                   parentCode: parent)
    }

    /// A new account of `agency` with `role` and the demo password.
    @discardableResult
    static func account(_ fixture: AdminFixture, agency: String, role: Role, prefix: String = "u") throws -> User {
        try UserRepository(fixture.database).create(username: unique(prefix), displayName: "Người thử \(prefix)", agencyCode: agency,
                                                 role: role, passwordHash: passwordHash)
    }

    /// A new layer of `owner` with `visibility`; published with one feature unless `published` is false.
    static func layer(_ fixture: AdminFixture, owner: String, visibility: Visibility, published: Bool = true) throws -> String {
        let slug = unique("lop-thu")
        let layers = LayerRepository(fixture.database)
        try layers.create(slug: slug, title: "Lớp thử \(slug)", description: "", sector: "moi-truong", ownerCode: owner,
                          geometryKind: .point, visibility: visibility)
        if published {
            let version = try layers.createVersion(layerSlug: slug, createdBy: nil, sourceName: "test", sourceSRID: 4326, encoding: "UTF-8")
            try FeatureRepository(fixture.database).insert([NewFeature(shape: .wkt("POINT(106.1 21.2)"), propertiesJSON: "{}")],
                                                        versionID: version.id)
            try layers.refreshVersionFigures(versionID: version.id)
            try layers.publish(versionID: version.id, decidedBy: nil)
        }
        return slug
    }

    /// One audit entry as the tests compare it.
    struct Entry: Equatable, CustomStringConvertible {
        var action: String
        var username: String?
        var agency: String?
        var target: String
        var detail: String
        var description: String { "\(action) by \(username ?? "-")@\(agency ?? "-") on \(target) [\(detail)]" }
    }

    /// The audit entries of administration whose target is `target` (and action `action`, when
    /// given), oldest first; sign-ins and sign-outs of a test's own accounts are left out.
    static func entries(_ fixture: AdminFixture, target: String, action: String? = nil) throws -> [Entry] {
        try fixture.database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT l.action, l.username, a.code, l.target, l.detail FROM audit_log l LEFT JOIN agencies a ON a.id = l.agency_id
                WHERE l.target = ? AND (? IS NULL OR l.action = ?) AND l.action NOT LIKE 'login.%' AND l.action <> 'logout' ORDER BY l.id
                """, arguments: [target, action, action]).map {
                Entry(action: $0[0], username: $0[1], agency: $0[2], target: $0[3], detail: $0[4])
            }
        }
    }

    static func user(_ fixture: AdminFixture, _ username: String) throws -> User? {
        try UserRepository(fixture.database).find(username: username)
    }
}
