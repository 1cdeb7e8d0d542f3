import HTTP
import Store

extension Portal {
    /// The answer to anything the actor may not administer: the same as an address that does not exist.
    static var adminNotFound: HTTPError { HTTPError(404, "no such page") }

    /// Whether the layout offers the administration link: the actor administers something.
    func administers(_ actor: Actor?) -> Bool {
        guard let actor else { return false }
        return Policy.can(actor, .manageAgencies) || Policy.can(actor, .manageUsers(agencyID: actor.agencyID))
            || Policy.can(actor, .readAudit(agencyID: actor.agencyID)) || mayAdministerLayers(actor, agencyID: actor.agencyID)
    }

    /// Whether the actor may manage the sharing of, or approve, layers of the agency `agencyID` —
    /// the policy asked about a layer of that agency.
    func mayAdministerLayers(_ actor: Actor?, agencyID: Int64) -> Bool {
        let facts = LayerFacts(ownerAgencyID: agencyID, visibility: .private, isPublished: false, grant: nil)
        return Policy.can(actor, .manageSharing, facts) || Policy.can(actor, .approve, facts)
    }

    /// The facts the policy needs about one of the actor's agency's layers.
    static func facts(_ layer: LayerSummary, grant: GrantPermission? = nil) -> LayerFacts {
        LayerFacts(ownerAgencyID: layer.agencyID, visibility: layer.visibility,
                   isPublished: layer.publishedVersion != nil, grant: grant)
    }

    /// The signed-in actor, when the policy lets them do `action`; otherwise 404.
    func adminActor(_ request: Request, _ action: AdminAction) throws -> Actor {
        guard let actor = actor(for: request), Policy.can(actor, action) else { throw Self.adminNotFound }
        return actor
    }

    /// The agency named by the URL's `code`; 404 when there is none.
    func urlAgency(_ request: Request, parameter: String = "code") throws -> Agency {
        guard let code = request.parameters[parameter], let agency = try agencies.find(code: code) else {
            throw Self.adminNotFound
        }
        return agency
    }

    /// The actor and the URL's agency, when the actor may manage that agency's users; otherwise 404.
    func userManager(_ request: Request) throws -> (Actor, Agency) {
        guard let actor = actor(for: request) else { throw Self.adminNotFound }
        let agency = try urlAgency(request)
        guard Policy.can(actor, .manageUsers(agencyID: agency.id)) else { throw Self.adminNotFound }
        return (actor, agency)
    }

    /// Whether `actor` may change the account `user` (already known to be of an agency they manage):
    /// never their own account here, and a system administrator's account only when they too
    /// manage agencies.
    func mayChange(_ actor: Actor, _ user: User) -> Bool {
        guard user.id != actor.userID, Policy.can(actor, .manageUsers(agencyID: user.agencyID)) else { return false }
        return user.role != .sysadmin || Policy.can(actor, .manageAgencies)
    }

    /// The roles `actor` may give in `agency`: the four of an agency, and the system administrator's
    /// only in the system agency and only to one who manages agencies.
    /// Separation of duties: an agency admin hands out viewer and editor only; the approver
    /// and admin roles (who publish, and who manage accounts) are the sysadmin's to grant.
    func assignableRoles(_ actor: Actor, in agency: Agency) -> [Role] {
        guard actor.role == .sysadmin else { return [.viewer, .editor] }
        let base: [Role] = [.viewer, .editor, .approver, .admin]
        return agency.isSystem && Policy.can(actor, .manageAgencies) ? base + [.sysadmin] : base
    }

    /// Whether `actor` may change the role of, or reset the password of, `user`: anyone who
    /// manages the agency for viewers and editors, the sysadmin alone for approvers and admins.
    func mayManageDuties(of user: User, _ actor: Actor) -> Bool {
        actor.role == .sysadmin || ![.approver, .admin, .sysadmin].contains(user.role)
    }
}
