import HTTP

extension Portal {
    /// Routes of the attribute table, feature pages, feature edits and downloads.
    func registerTableRoutes(on router: Router) {}
}
