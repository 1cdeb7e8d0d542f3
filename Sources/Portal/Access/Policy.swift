import Store

/// Who is asking: the public (no session) or a signed-in user of an agency.
public struct Actor: Sendable, Equatable {
    public var userID: Int64
    public var username: String
    public var displayName: String
    public var agencyID: Int64
    public var agencyCode: String
    public var role: Role

    public init(userID: Int64, username: String, displayName: String, agencyID: Int64, agencyCode: String, role: Role) {
        self.userID = userID
        self.username = username
        self.displayName = displayName
        self.agencyID = agencyID
        self.agencyCode = agencyCode
        self.role = role
    }
}

/// Everything one may do with a layer, door by door.
public enum LayerAction: String, Sendable, CaseIterable {
    /// Its page and its row in listings (home, search, catalog, API list).
    case view
    /// Its published data drawn or queried: tiles, legend, identify, attribute table, feature pages.
    case viewData
    /// Export and download of its published data.
    case download
    /// Versions not yet published (pending, rejected): review pages and their tiles.
    case viewPending
    /// Upload a new version, edit attributes, delete features, edit metadata and style.
    case edit
    /// Publish or reject a pending version, roll back, make the layer public.
    case approve
    /// Change visibility between private and shared, grant and revoke other agencies' access.
    case manageSharing
}

/// What the policy needs to know about a layer.
public struct LayerFacts: Sendable, Equatable {
    public var ownerAgencyID: Int64
    public var visibility: Visibility
    public var isPublished: Bool
    /// The grant the asking actor's agency holds, if any.
    public var grant: GrantPermission?

    public init(ownerAgencyID: Int64, visibility: Visibility, isPublished: Bool, grant: GrantPermission?) {
        self.ownerAgencyID = ownerAgencyID
        self.visibility = visibility
        self.isPublished = isPublished
        self.grant = grant
    }
}

/// Administrative actions on agencies, users and the audit log.
public enum AdminAction: Sendable, Equatable {
    /// Create, rename, move or disable agencies; appoint agency admins.
    case manageAgencies
    /// Create, disable, change roles of and reset passwords of the users of an agency.
    case manageUsers(agencyID: Int64)
    /// Read an agency's audit log (nil: the whole province's).
    case readAudit(agencyID: Int64?)
    /// See the list of every agency's layers (metadata only).
    case listAllLayers
    /// Configure sign-in with the province's central accounts (OpenID Connect).
    case configureSignIn
    /// Make, disable and give tokens to the accounts of other systems.
    case manageServices
}

/// The one access policy of Bando. Every handler asks it; none decides on its own. Deny by default.
///
/// Listings apply the same rules inside SQL (`LayerRepository.visibilityCondition`); the tests walk
/// the whole matrix of roles × agencies × visibilities × doors against both.
public enum Policy {
    /// May `actor` (nil: the public) do `action` on a layer with `facts`?
    public static func can(_ actor: Actor?, _ action: LayerAction, _ facts: LayerFacts) -> Bool {
        let own = actor.map { $0.agencyID == facts.ownerAgencyID } ?? false
        let role = actor?.role
        switch action {
        case .view, .viewData:
            if own { return true }
            guard facts.isPublished else { return false }
            switch facts.visibility {
            case .public: return true
            case .shared: return actor != nil && facts.grant != nil
            case .private: return false
            }
        case .download:
            if own { return true }
            guard facts.isPublished else { return false }
            switch facts.visibility {
            case .public: return true
            case .shared: return actor != nil && facts.grant == .viewDownload
            case .private: return false
            }
        case .viewPending:
            return own && [.editor, .approver, .admin].contains(role)
        case .edit:
            return own && [.editor, .admin].contains(role)
        case .approve:
            return own && role == .approver
        case .manageSharing:
            return own && role == .admin
        }
    }

    /// May `actor` do an administrative `action`?
    public static func can(_ actor: Actor?, _ action: AdminAction) -> Bool {
        guard let actor else { return false }
        if actor.role == .sysadmin { return true }
        switch action {
        case .manageAgencies, .listAllLayers, .configureSignIn, .manageServices:
            return false
        case .manageUsers(let agencyID):
            return actor.role == .admin && actor.agencyID == agencyID
        case .readAudit(let agencyID):
            return actor.role == .admin && agencyID == actor.agencyID
        }
    }

    /// The listing scope that filters SQL exactly as `can(actor, .view, …)` decides.
    public static func listingScope(_ actor: Actor?) -> ListingScope {
        ListingScope(agencyID: actor?.agencyID, seesEverything: false)
    }
}
