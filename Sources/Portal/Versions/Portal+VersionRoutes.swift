import HTTP

extension Portal {
    /// Routes of a layer's versions: history, review, decisions and the pending versions' tiles.
    func registerVersionRoutes(on router: Router) {}
}
