import HTTP

extension Portal {
    /// Routes of the OGC services: WMS 1.3.0 and WMTS 1.0.0 (KVP) at `/ows`, WMS at `/wms` for
    /// clients configured with that name, and the WMTS capabilities at their RESTful address
    /// (whose tiles are the tile door's own URLs); OGC API – Features at `/ogc`, whose items
    /// pass the policy's download right. Each layer named passes the map's own door, `mapLayer`.
    func registerOGCRoutes(on router: Router) {
        router.get("/ows") { [self] request in ows(request) }
        router.get("/wms") { [self] request in ows(request) }
        router.get("/wmts/1.0.0/WMTSCapabilities.xml") { [self] request in
            answeringOWS(request) { try wmtsCapabilities(request) }
        }
        router.get("/ogc") { [self] request in featuresLanding(request) }
        router.get("/ogc/conformance") { [self] request in featuresConformance(request) }
        router.get("/ogc/api") { [self] request in featuresAPI(request) }
        router.get("/ogc/collections") { [self] request in featuresCollectionList(request) }
        router.get("/ogc/collections/:slug") { [self] request in featuresCollectionPage(request) }
        router.get("/ogc/collections/:slug/items") { [self] request in featuresItems(request) }
        router.get("/ogc/collections/:slug/items/:id") { [self] request in featuresItem(request) }
    }
}
