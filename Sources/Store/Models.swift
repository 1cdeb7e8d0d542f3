import Foundation

/// A role of a user within their agency; `sysadmin` is the province-wide administrator.
public enum Role: String, Sendable, CaseIterable, Codable {
    case viewer, editor, approver, admin, sysadmin
}

/// Who may see a layer: its own agency, agencies granted access, or everyone (open data).
public enum Visibility: String, Sendable, CaseIterable, Codable {
    case `private`, shared, `public`
}

/// The geometry family of a layer.
public enum GeometryKind: String, Sendable, CaseIterable, Codable {
    case point, line, polygon
}

/// What kind of body an agency is.
public enum AgencyKind: String, Sendable, CaseIterable, Codable {
    case province, department, commune, office
}

/// An agency of the province: an office, a department (sở, ngành) or a commune.
public struct Agency: Sendable, Equatable {
    public var id: Int64
    public var code: String
    public var name: String
    public var kind: AgencyKind
    public var parentID: Int64?
    public var isSystem: Bool
    public var disabled: Bool
}

/// An account. The password hash never leaves the store except to the password checker.
public struct User: Sendable, Equatable {
    public var id: Int64
    public var username: String
    public var displayName: String
    public var email: String?
    public var agencyID: Int64
    public var role: Role
    public var passwordHash: String
    public var disabled: Bool
}

/// A layer as listed and shown on its page: metadata, owner, and its published version's figures.
public struct LayerSummary: Sendable, Equatable {
    public var id: Int64
    public var slug: String
    public var title: String
    public var description: String
    public var sectorCode: String?
    public var sectorNameVi: String?
    public var sectorNameEn: String?
    public var agencyID: Int64
    public var agencyCode: String
    public var agencyName: String
    public var visibility: Visibility
    public var geometryKind: GeometryKind?
    public var publishedVersion: Int?
    public var featureCount: Int
    /// The published version's extent in EPSG:4326 as (minLon, minLat, maxLon, maxLat).
    public var extent: (Double, Double, Double, Double)?
    public var updatedAt: String

    public static func == (a: LayerSummary, b: LayerSummary) -> Bool {
        a.id == b.id && a.slug == b.slug && a.title == b.title && a.visibility == b.visibility
            && a.featureCount == b.featureCount && a.publishedVersion == b.publishedVersion
    }
}

/// Whose eyes a listing is filtered for. Listings filter inside SQL, so counts never reveal
/// what the viewer may not see.
public struct ListingScope: Sendable, Equatable {
    /// The viewer's agency, nil for the public.
    public var agencyID: Int64?
    /// Province-wide administrators list every layer.
    public var seesEverything: Bool

    public static let publicOnly = ListingScope(agencyID: nil, seesEverything: false)

    public init(agencyID: Int64?, seesEverything: Bool) {
        self.agencyID = agencyID
        self.seesEverything = seesEverything
    }
}

/// What another agency may do with a shared layer.
public enum GrantPermission: String, Sendable, CaseIterable, Codable {
    case view
    case viewDownload = "view_download"
}
