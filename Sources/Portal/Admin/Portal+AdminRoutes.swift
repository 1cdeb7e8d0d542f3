import HTTP

extension Portal {
    /// Routes of the administration screens: agencies, users, sharing, the audit log.
    ///
    /// Every handler asks `Policy` before it reads or writes; a screen or action the actor may not
    /// use answers 404, as an address that does not exist would. Every POST checks its CSRF token
    /// first and answers with a redirect (or the screen again, with a message, for bad input).
    func registerAdminRoutes(on router: Router) {
        router.get("/admin") { [self] request in try adminHome(request) }

        router.get("/admin/agencies") { [self] request in try agencyTree(request) }
        router.post("/admin/agencies") { [self] request in try createAgency(request) }
        router.get("/admin/agencies/:code") { [self] request in try agencyPage(request) }
        router.post("/admin/agencies/:code/rename") { [self] request in try renameAgency(request) }
        router.post("/admin/agencies/:code/move") { [self] request in try moveAgency(request) }
        router.post("/admin/agencies/:code/disable") { [self] request in try setAgencyDisabled(request, true) }
        router.post("/admin/agencies/:code/enable") { [self] request in try setAgencyDisabled(request, false) }
        router.post("/admin/agencies/:code/admins") { [self] request in try appointAdmin(request) }
        router.get("/admin/users") { [self] request in try allUsers(request) }
        router.get("/admin/layers") { [self] request in try allLayers(request) }

        router.get("/admin/agencies/:code/users") { [self] request in try agencyUsers(request) }
        router.post("/admin/agencies/:code/users") { [self] request in try createUser(request) }
        router.post("/admin/agencies/:code/users/:username/disable") { [self] request in try setUserDisabled(request, true) }
        router.post("/admin/agencies/:code/users/:username/enable") { [self] request in try setUserDisabled(request, false) }
        router.post("/admin/agencies/:code/users/:username/role") { [self] request in try changeRole(request) }
        router.post("/admin/agencies/:code/users/:username/password") { [self] request in try resetPassword(request) }

        router.get("/admin/agencies/:code/layers") { [self] request in try agencyLayers(request) }
        router.post("/admin/agencies/:code/layers/:slug/visibility") { [self] request in try changeVisibility(request) }
        router.post("/admin/agencies/:code/layers/:slug/grants") { [self] request in try grantAccess(request) }
        router.post("/admin/agencies/:code/layers/:slug/grants/:agency/revoke") { [self] request in try revokeAccess(request) }
        router.post("/admin/agencies/:code/transfers/:slug/accept") { [self] request in try acceptTransfer(request) }
        router.post("/admin/agencies/:code/transfers/:slug/decline") { [self] request in try declineTransfer(request) }

        router.get("/admin/sso") { [self] request in try signInSettingsPage(request) }
        router.post("/admin/sso") { [self] request in try saveSignInSettings(request) }
        router.post("/admin/sso/requests/:id/approve") { [self] request in try approveAccessRequest(request) }
        router.post("/admin/sso/requests/:id/refuse") { [self] request in try refuseAccessRequest(request) }

        router.get("/admin/services") { [self] request in try servicesPage(request) }
        router.post("/admin/services") { [self] request in try createService(request) }
        router.post("/admin/services/:username/tokens") { [self] request in try createServiceToken(request) }
        router.post("/admin/services/:username/tokens/:id/revoke") { [self] request in try revokeServiceToken(request) }
        router.post("/admin/services/:username/disable") { [self] request in try setServiceDisabled(request, true) }
        router.post("/admin/services/:username/enable") { [self] request in try setServiceDisabled(request, false) }

        router.get("/admin/audit") { [self] request in try auditPage(request) }
        router.get("/admin/audit.csv") { [self] request in try auditCSV(request) }
    }
}
