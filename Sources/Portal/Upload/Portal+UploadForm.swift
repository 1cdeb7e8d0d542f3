import Foundation
import Formats
import HTTP
import Store

/// The upload form and its POST: the file is staged under a new token and the browser sent on to
/// its preview. The form works as a plain multipart POST; `upload.js` sends the same form with a
/// progress bar and asks for JSON (`Accept: application/json`) so it can follow on itself. The
/// form lists the person's uploads still waiting for their import; a file beyond the person's
/// quota of those, or one the disk has no room for, is refused with the reason.
extension Portal {
    /// The file types the form offers (the readers accept more by content).
    static let uploadAccept = ".geojson,.json,.zip,.csv,.txt,.kml,.kmz,.gpkg"

    /// `GET /upload` (a new layer of the actor's agency) and `GET /layers/{slug}/upload` (a new
    /// version of that layer).
    func uploadForm(_ request: Request, _ desk: UploadDesk, error: String? = nil, title: String = "",
                    status: Int = 200) throws -> Response {
        let actor = try uploader(request)
        let layer = try uploadTargetLayer(request)
        let language = Localizer.language(for: request)
        let heading = layer == nil ? localizer.text("upload_new_title", language)
            : localizer.text("upload_version_title", language) + ": " + (layer?.title ?? "")
        let limit = maxUploadMegabytes
        var context: [String: Any] = [
            "csrf": csrfToken(request).token,
            "heading": heading,
            "action": layer.map { "/layers/\($0.slug)/upload" } ?? "/upload",
            "accept": Self.uploadAccept,
            "max_bytes": limit * Self.bytesPerMegabyte,
            "limit_hint": localizer.text("upload_limit_hint", language).replacingOccurrences(of: "{mb}", with: String(limit)),
            "too_large": Self.tooLargeMessage(localizer, language, megabytes: limit),
            "title_value": title,
        ]
        if let layer { context["layer"] = ["slug": layer.slug, "title": layer.title] }
        let waiting = desk.waitingUploads(of: actor.userID)
        if !waiting.isEmpty {
            context["has_waiting"] = true
            context["waiting_hint"] = localizer.text("upload_waiting_hint", language)
                .replacingOccurrences(of: "{limit}", with: String(desk.quotas.maxStagedPerUser))
            context["waiting"] = waiting.map { ["token": $0.token, "name": $0.originalName, "size": Self.fileSize($0.size, language)] }
        }
        return page("upload_form", request, title: heading, status: status,
                    context.merging(optional: ["error": error]))
    }

    /// `POST /upload`, `POST /layers/{slug}/upload` (multipart: `csrf`, `title`, `file`): stages the
    /// file and redirects (303) to its preview.
    func receiveUpload(_ request: Request, _ desk: UploadDesk) throws -> Response {
        let actor = try uploader(request)
        let layer = try uploadTargetLayer(request)
        let parts = try request.multipartParts()
        let fields = parts.filter { $0.filename == nil }.map { part in
            (name: part.name, value: String(decoding: part.bytes ?? [], as: UTF8.self))
        }
        try requireCSRF(request, fields)
        let form = AdminForm(fields)
        let language = Localizer.language(for: request)
        let wantsJSON = request.headers["Accept"]?.hasPrefix("application/json") == true
        func refuse(_ message: String, status: Int = 400) throws -> Response {
            if wantsJSON { return Self.jsonReply(["error": message], status: status) }
            return try uploadForm(request, desk, error: message, title: form.text("title"), status: status)
        }
        var title: String?
        if layer == nil && !form.text("title").isEmpty {
            do {
                title = try form.line("title", label: "upload_field_title")
            } catch {
                return try refuse(message(error, language))
            }
        }
        guard let file = parts.first(where: { $0.name == "file" && $0.filename != nil }) else {
            return try refuse(localizer.text("upload_problem_no_file", language))
        }
        desk.sweep()
        let staged: StagedUpload
        do {
            staged = try desk.quotas.admitting(actor.userID, size: file.body.count, into: desk.staging,
                                               isWaiting: { desk.jobs.job($0.token) == nil }) {
                try desk.staging.stage(file, owner: actor.userID, agencyCode: actor.agencyCode,
                                       layerSlug: layer?.slug, title: title)
            }
        } catch StagingProblem.noFile {
            return try refuse(localizer.text("upload_problem_no_file", language))
        } catch QuotaRefusal.tooManyStaged(let limit) {
            return try refuse(localizer.text("upload_problem_too_many", language)
                .replacingOccurrences(of: "{limit}", with: String(limit)), status: 429)
        } catch QuotaRefusal.diskFull(let available, let needed) {
            logger.error("upload of \(file.filename ?? "?") refused: \(available) bytes free in \(desk.staging.root), \(needed) needed")
            return try refuse(localizer.text("upload_problem_disk", language), status: 507)
        } catch {
            logger.error("upload of \(file.filename ?? "?") could not be stored in \(desk.staging.root)")
            return try refuse(localizer.text("upload_problem_store", language))
        }
        audit(request, "layer.upload", target: staged.originalName,
              detail: "\(staged.size) bytes" + (layer.map { "; layer \($0.slug)" } ?? "; new layer"), actor: actor)
        let location = "/uploads/\(staged.token)"
        return wantsJSON ? Self.jsonReply(["location": location]) : .redirect(to: location)
    }

    /// A small JSON object of strings.
    static func jsonReply(_ object: [String: String], status: Int = 200) -> Response {
        .json(JSONValue.sorted(object.mapValues(JSONValue.string)).jsonBytes, status: status)
    }
}
