import HTTP

extension Portal {
    /// Routes of the attribute table, feature pages, feature edits and downloads. Every one
    /// reaches its layer through `authorizedLayer` (published data with `.viewData` or
    /// `.download`, other versions with `.viewPending`, edits with `.edit`).
    func registerTableRoutes(on router: Router) {
        router.get("/layers/:slug/table") { [self] request in try attributeTablePage(request) }
        router.get("/layers/:slug/features/:id") { [self] request in
            (request.parameters["id"] ?? "").hasSuffix(".geojson") ? try featureGeoJSON(request) : try featurePage(request)
        }
        router.post("/layers/:slug/features/:id/edit") { [self] request in try editFeature(request) }
        router.post("/layers/:slug/features/:id/delete") { [self] request in try deleteFeature(request) }
        for format in LayerExport.Format.allCases {
            router.get("/layers/:slug/download.\(format.rawValue)") { [self] request in try downloadPublished(request, format) }
            router.get("/layers/:slug/versions/:number/download.\(format.rawValue)") { [self] request in
                try downloadVersion(request, format)
            }
        }
    }
}
