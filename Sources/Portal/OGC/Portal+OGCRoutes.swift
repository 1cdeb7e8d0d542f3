import HTTP

extension Portal {
    /// Routes of the OGC services: WMS 1.3.0 at `/ows`, and at `/wms` for clients configured
    /// with that name. Each layer named passes the map's own door, `mapLayer`.
    func registerOGCRoutes(on router: Router) {
        router.get("/ows") { [self] request in ows(request) }
        router.get("/wms") { [self] request in ows(request) }
    }
}
