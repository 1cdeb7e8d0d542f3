import Foundation
import Store

/// Fills a new database with the demo province: agencies, accounts, sectors, admin units and
/// layers with thousands of features of every geometry kind. Deterministic but for passwords.
public struct DemoSeeder {
    /// One demo account and its password, to print for the operator.
    public struct Account: Sendable {
        public let username: String
        public let role: Role
        public let agencyCode: String
        public let password: String
    }

    /// Departments with their four accounts each.
    static let departments: [(code: String, name: String)] = [
        ("stnmt", "Sở Tài nguyên và Môi trường"),
        ("syt", "Sở Y tế"),
        ("sgddt", "Sở Giáo dục và Đào tạo"),
        ("sxd", "Sở Xây dựng"),
    ]
    static let communeAgencies: [(code: String, name: String)] = [
        ("xa-yen-duc", "UBND xã Yên Đức"),
        ("phuong-mao-khe", "UBND phường Mạo Khê"),
    ]
    public static let provinceName = "Tỉnh Kinh Bắc"

    let database: SpatialDatabase
    let province = DemoProvince()

    public init(database: SpatialDatabase) { self.database = database }

    /// Seeds everything; `password` (or a random one per account) for every demo account.
    public func seed(password: String?) throws -> [Account] {
        let agencies = AgencyRepository(database)
        let users = UserRepository(database)
        try SettingsRepository(database).set("province_name", Self.provinceName)

        try agencies.create(code: "ubnd", name: "Ủy ban nhân dân \(Self.provinceName.lowercasedFirst())", kind: .province, parentCode: nil)
        try agencies.create(code: "ttcntt", name: "Trung tâm Công nghệ thông tin tỉnh", kind: .office, parentCode: "ubnd", isSystem: true)
        for (code, name) in Self.departments {
            try agencies.create(code: code, name: name, kind: .department, parentCode: "ubnd")
        }
        for (code, name) in Self.communeAgencies {
            try agencies.create(code: code, name: name, kind: .commune, parentCode: "ubnd")
        }

        var accounts: [Account] = []
        func add(_ username: String, _ name: String, _ agency: String, _ role: Role) throws {
            let secret = password ?? Passwords.random()
            guard let hash = Passwords.hash(secret) else { throw StoreError.invalid("cannot hash a password (out of memory?)") }
            try users.create(username: username, displayName: name, agencyCode: agency, role: role, passwordHash: hash)
            accounts.append(Account(username: username, role: role, agencyCode: agency, password: secret))
        }
        try add("sysadmin", "Quản trị hệ thống", "ttcntt", .sysadmin)
        let roleNames: [(Role, String)] = [(.admin, "Quản trị"), (.approver, "Lãnh đạo duyệt"), (.editor, "Chuyên viên"), (.viewer, "Cán bộ xem")]
        for (code, name) in Self.departments + Self.communeAgencies {
            for (role, title) in roleNames {
                try add("\(code).\(role.rawValue)", "\(title) — \(name)", code, role)
            }
        }

        try seedSectors()
        try seedAdminUnits()
        try DemoLayers(database: database, province: province).seed()
        return accounts
    }

    func seedSectors() throws {
        let layers = LayerRepository(database)
        let sectors: [(String, String, String)] = [
            ("hanh-chinh", "Hành chính", "Administration"),
            ("dat-dai", "Đất đai", "Land"),
            ("moi-truong", "Môi trường", "Environment"),
            ("y-te", "Y tế", "Health"),
            ("giao-duc", "Giáo dục", "Education"),
            ("giao-thong", "Giao thông", "Transport"),
            ("xay-dung", "Xây dựng", "Construction"),
        ]
        for (index, sector) in sectors.enumerated() {
            try layers.upsertSector(code: sector.0, nameVi: sector.1, nameEn: sector.2, sort: index)
        }
    }

    func seedAdminUnits() throws {
        let units = AdminUnitRepository(database)
        for commune in province.communes {
            try units.insert(code: commune.code, name: commune.name, level: "commune", parentCode: "KB",
                             wkt: DemoProvince.wkt(commune.ring))
        }
        try units.insertProvinceAsUnionOfCommunes(code: "KB", name: Self.provinceName)
    }
}

extension String {
    /// The string with its first character lowercased ("Tỉnh Kinh Bắc" → "tỉnh Kinh Bắc").
    func lowercasedFirst() -> String {
        guard let first else { return self }
        return first.lowercased() + dropFirst()
    }
}
