import HTTP

extension Portal {
    /// Routes of the upload pages.
    func registerUploadRoutes(on router: Router) {}
}
