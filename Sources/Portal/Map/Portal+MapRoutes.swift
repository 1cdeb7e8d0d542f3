import HTTP

extension Portal {
    /// Routes of the map: the map page, tiles, basemap, legends and identify. Every door to a
    /// layer's data goes through `authorizedLayer(_, _, .viewData)` first.
    func registerMapRoutes(on router: Router) {
        router.get("/map", fast: { [self] request in keptPublicPage(request) }) { [self] request in
            try keepingPublicPage(request, mapPage)
        }
        router.get("/tiles/base/:z/:x/:file") { [self] request in try basemapTile(request) }
        router.get("/tiles/:layer/:z/:x/:file", fast: { [self] request in fastLayerTile(request) }) { [self] request in
            try layerTile(request)
        }
        router.get("/legend/:file") { [self] request in try legend(request) }
        router.get("/layers/:slug/identify") { [self] request in try identify(request) }
    }
}
