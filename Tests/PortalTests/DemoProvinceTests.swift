import Foundation
import GRDB
import Testing
@testable import Portal
import Store
import Cartography

@Suite struct DemoProvinceTests {
    let fixture = DemoFixture.shared

    @Test func communesTileTheProvinceExactly() throws {
        let demo = try #require(fixture)
        let figures = try demo.database.read { db in
            try Row.fetchOne(db, sql: """
                SELECT (SELECT count(*) FROM admin_units WHERE level = 'commune') AS communes,
                       (SELECT sum(ST_Area(geom)) FROM admin_units WHERE level = 'commune') AS commune_area,
                       (SELECT ST_Area(geom) FROM admin_units WHERE level = 'province') AS province_area,
                       (SELECT sum(ST_Area(ST_Intersection(a.geom, b.geom))) FROM admin_units a JOIN admin_units b
                          ON a.id < b.id AND a.level = 'commune' AND b.level = 'commune' AND ST_Intersects(a.geom, b.geom)) AS overlap,
                       (SELECT count(*) FROM admin_units WHERE ST_IsValid(geom) = 0) AS invalid,
                       (SELECT NumGeometries(geom) FROM admin_units WHERE level = 'province') AS province_parts,
                       (SELECT NumInteriorRings(GeometryN(geom, 1)) FROM admin_units WHERE level = 'province') AS holes,
                       (SELECT MbrMinX(geom) FROM admin_units WHERE level = 'province') AS west,
                       (SELECT MbrMaxX(geom) FROM admin_units WHERE level = 'province') AS east,
                       (SELECT MbrMinY(geom) FROM admin_units WHERE level = 'province') AS south,
                       (SELECT MbrMaxY(geom) FROM admin_units WHERE level = 'province') AS north
                """)
        }
        let row = try #require(figures)
        #expect((row["communes"] as Int) >= 20)
        let communeArea: Double = row["commune_area"], provinceArea: Double = row["province_area"]
        #expect(abs(communeArea - provinceArea) / provinceArea < 1e-9, "no gaps: the parts add up to the whole")
        #expect((row["overlap"] as Double? ?? 0) < provinceArea * 1e-12, "no overlaps")
        #expect((row["invalid"] as Int) == 0)
        #expect((row["province_parts"] as Int) == 1 && (row["holes"] as Int) == 0, "one piece, no holes")
        #expect((row["west"] as Double) > 105.8 && (row["east"] as Double) < 107.1)
        #expect((row["south"] as Double) > 21.0 && (row["north"] as Double) < 21.7)
    }

    @Test func communeNamesAreVietnameseNFC() throws {
        let demo = try #require(fixture)
        let names = try AdminUnitRepository(demo.database).current(level: "commune").map(\.name)
        #expect(names.contains("Phường Đông Triều"))
        #expect(names.allSatisfy { $0 == $0.precomposedStringWithCanonicalMapping })
    }

    @Test func theProvinceIsDeterministic() {
        let a = DemoProvince(), b = DemoProvince()
        #expect(a.communes.map { DemoProvince.wkt($0.ring) } == b.communes.map { DemoProvince.wkt($0.ring) })
    }

    @Test func layersHaveThousandsOfFeaturesOfEveryKind() throws {
        let demo = try #require(fixture)
        let all = try LayerRepository(demo.database).listVisible(to: ListingScope(agencyID: nil, seesEverything: true))
        #expect(all.reduce(0) { $0 + $1.featureCount } > 3_000)
        #expect(Set(all.compactMap(\.geometryKind)) == [.point, .line, .polygon])
        let bySlug = Dictionary(uniqueKeysWithValues: all.map { ($0.slug, $0) })
        #expect(bySlug["co-so-y-te"]?.agencyCode == "syt" && bySlug["co-so-y-te"]?.visibility == .public)
        #expect(bySlug["co-so-y-te"]?.geometryKind == .point)
        #expect(bySlug["quy-hoach-su-dung-dat"]?.agencyCode == "stnmt" && bySlug["quy-hoach-su-dung-dat"]?.visibility == .shared)
        #expect(bySlug["quy-hoach-su-dung-dat"]?.geometryKind == .polygon)
        #expect((bySlug["quy-hoach-su-dung-dat"]?.featureCount ?? 0) > 500)
        #expect(bySlug["diem-quan-trac-moi-truong"]?.agencyCode == "stnmt" && bySlug["diem-quan-trac-moi-truong"]?.visibility == .private)
        // Shared with sxd only.
        let sxd = try #require(try AgencyRepository(demo.database).find(code: "sxd"))
        let syt = try #require(try AgencyRepository(demo.database).find(code: "syt"))
        let layers = LayerRepository(demo.database)
        #expect(try layers.findVisible(slug: "quy-hoach-su-dung-dat", scope: ListingScope(agencyID: sxd.id, seesEverything: false)) != nil)
        #expect(try layers.findVisible(slug: "quy-hoach-su-dung-dat", scope: ListingScope(agencyID: syt.id, seesEverything: false)) == nil)
    }

    @Test func demoLayersCarryValidStylesOfTheirOwn() throws {
        let demo = try #require(fixture)
        let styles = try demo.database.read { db in
            try Row.fetchAll(db, sql: "SELECT slug, style, geometry_kind FROM layers ORDER BY slug")
        }
        #expect(styles.count == 7)
        var fingerprints = Set<String>()
        for row in styles {
            let text: String = try #require(row["style"] as String?, "\(row["slug"] as String) has a style")
            let style = try Style(json: text)
            fingerprints.insert(style.fingerprint)
        }
        #expect(fingerprints.count == 7, "each layer drawn its own way")
        let landUse = try Style(json: try #require(styles.first { ($0["slug"] as String) == "quy-hoach-su-dung-dat" }?["style"] as String?))
        #expect(landUse.rules.count == 10, "categorized by land-use class")
    }

    @Test func everyDepartmentHasItsFourAccountsAndPasswordsWork() throws {
        let demo = try #require(fixture)
        let users = UserRepository(demo.database)
        let sysadmin = try #require(try users.find(username: "sysadmin"))
        #expect(sysadmin.role == .sysadmin)
        for code in ["stnmt", "syt", "sgddt", "sxd"] {
            for role in [Role.admin, .approver, .editor, .viewer] {
                let user = try #require(try users.find(username: "\(code).\(role.rawValue)"))
                #expect(user.role == role)
                #expect(user.passwordHash.hasPrefix("$argon2id$"))
            }
        }
        let editor = try #require(try users.find(username: "syt.editor"))
        #expect(Passwords.verify("demo-password-1", against: editor.passwordHash))
        #expect(!Passwords.verify("wrong", against: editor.passwordHash))
        #expect(!Passwords.needsRehash(editor.passwordHash))
        #expect(demo.accounts.count == 1 + 6 * 4)
    }
}
