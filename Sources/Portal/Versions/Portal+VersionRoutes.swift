import HTTP

extension Portal {
    /// Routes of a layer's versions: history, review, the approver's decisions, and the tiles
    /// of versions other than the published one.
    func registerVersionRoutes(on router: Router) {
        router.get("/layers/:slug/versions") { [self] request in try versionHistory(request) }
        router.get("/layers/:slug/versions/:number") { [self] request in try versionReview(request) }
        router.post("/layers/:slug/versions/:number/publish") { [self] request in try publishVersion(request) }
        router.post("/layers/:slug/versions/:number/reject") { [self] request in try rejectVersion(request) }
        router.post("/layers/:slug/versions/:number/rollback") { [self] request in try rollbackVersion(request) }
        router.get("/layers/:slug/versions/:number/tiles/:z/:x/:file") { [self] request in try versionTile(request) }
    }
}
