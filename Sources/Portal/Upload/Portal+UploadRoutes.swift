import Foundation
import HTTP
import Store

extension Portal {
    /// Routes of the upload pages: the form (a new layer, or a new version of a layer), the
    /// preview of a staged file, the import in the background and its status. Abandoned uploads
    /// of an earlier run are swept here, at start-up. `desk` replaces the portal's own (tests
    /// give one with its own folder, limits and hooks).
    @discardableResult
    func registerUploadRoutes(on router: Router, desk given: UploadDesk? = nil) -> UploadDesk {
        let desk = given ?? UploadDesk(dataDirectory: dataDirectory)
        desk.sweep(atStartUp: true)
        metrics.readImportCounts { desk.jobs.counts }
        router.get("/upload") { [self] request in try uploadForm(request, desk) }
        router.post("/upload", maxBody: uploadBodyLimit) { [self] request in try receiveUpload(request, desk) }
        router.get("/layers/:slug/upload") { [self] request in try uploadForm(request, desk) }
        router.post("/layers/:slug/upload", maxBody: uploadBodyLimit) { [self] request in try receiveUpload(request, desk) }
        router.get("/uploads/:token") { [self] request in try uploadPreview(request, desk) }
        router.post("/uploads/:token/import") { [self] request in try startImport(request, desk) }
        router.post("/uploads/:token/cancel") { [self] request in try cancelUpload(request, desk) }
        router.get("/uploads/:token/status") { [self] request in try importStatusPage(request, desk) }
        router.get("/uploads/:token/status.json") { [self] request in try importStatusJSON(request, desk) }
        return desk
    }

    /// The actor when they may upload data for their own agency (editors and agency admins).
    /// A signed-out visitor opening an upload form is sent to sign in first (whatever the layer,
    /// so nothing is told about it); anyone else gets the 404 of a page that does not exist.
    func uploader(_ request: Request) throws -> Actor {
        if request.method == .GET, request.path.hasSuffix("/upload"), actor(for: request) == nil {
            _ = try requireActor(request)
        }
        guard let actor = actor(for: request),
              Policy.can(actor, .edit, LayerFacts(ownerAgencyID: actor.agencyID, visibility: .private,
                                                  isPublished: false, grant: nil)) else {
            throw HTTPError(404, "no such page")
        }
        return actor
    }

    /// The layer a version upload is for (`/layers/{slug}/…`), when the actor may edit it; nil on
    /// the new-layer door; 404 as for a missing layer otherwise.
    func uploadTargetLayer(_ request: Request) throws -> LayerSummary? {
        guard let slug = request.parameters["slug"] else { return nil }
        return try authorizedLayer(slug, request, .edit)
    }
}
