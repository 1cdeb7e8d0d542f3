import Foundation
import Formats
import HTTP
import Store

/// Starting a staged upload's import in the background, following it, and cancelling an upload.
/// The staged folder is removed when the import ends, whatever its outcome; the version it
/// creates is pending, seen only inside the agency until an approver publishes it.
extension Portal {
    /// The longest column or layer name the import form may send.
    static let maxChoiceLength = 200

    /// `POST /uploads/{token}/import` (`csrf`, `srid`, `encoding`, `title`, and for some files
    /// `lon_column`, `lat_column`, `layer`): queues the import and redirects (303) to its status page.
    func startImport(_ request: Request, _ desk: UploadDesk) throws -> Response {
        let form = try checkedForm(request)
        let (actor, token, staged, job) = try ownedUpload(request, desk)
        if job != nil { return .redirect(to: "/uploads/\(token)/status") }
        guard let staged else { throw HTTPError(404, "no such upload") }
        let language = Localizer.language(for: request)
        let layerSlug = try staged.layerSlug.map { try authorizedLayer($0, request, .edit).slug }

        var srid: Int?
        let sridText = form.text("srid")
        if !sridText.isEmpty {
            guard let code = Int(sridText), (1...999_999).contains(code) else {
                return try uploadPreview(request, desk, error: message(FormProblem(field: "upload_field_crs", problem: "admin_problem_choice"), language),
                                         status: 400)
            }
            srid = code
        }
        let encoding = form.text("encoding")
        if !encoding.isEmpty && TextEncoding(rawValue: encoding) == nil {
            return try uploadPreview(request, desk, error: message(FormProblem(field: "upload_field_encoding", problem: "admin_problem_choice"), language),
                                     status: 400)
        }
        var title = staged.title
        var names: [String: String] = [:]
        do {
            if layerSlug == nil && !form.text("title").isEmpty {
                title = try form.line("title", label: "upload_field_title")
            }
            for (field, label) in [("lon_column", "upload_field_lon_column"), ("lat_column", "upload_field_lat_column"),
                                   ("layer", "upload_field_layer")] where !form.text(field).isEmpty {
                names[field] = try form.line(field, label: label, maxLength: Self.maxChoiceLength)
            }
        } catch {
            return try uploadPreview(request, desk, error: message(error, language), status: 400)
        }

        let importRequest = ImportRequest(path: desk.staging.path(of: staged), originalName: staged.originalName,
                                          agencyCode: actor.agencyCode, username: actor.username, layerSlug: layerSlug,
                                          title: title, srid: srid, encoding: encoding.isEmpty ? nil : encoding,
                                          lonColumn: names["lon_column"], latColumn: names["lat_column"],
                                          layerName: names["layer"], clientAddress: request.remoteAddress)
        let pipeline = ImportPipeline(database: database)
        let staging = desk.staging
        let logger = self.logger
        let submission = desk.jobs.submit(token, owner: actor.userID, agencyCode: actor.agencyCode, layerSlug: layerSlug,
                                          work: { progress throws(ImportError) in
            staging.markImporting(token)
            do throws(ImportError) {
                return try pipeline.run(importRequest, progress: progress)
            } catch {
                logger.info("import of \(importRequest.originalName) by \(importRequest.username) refused: \(error.description)")
                throw error
            }
        }, finally: { staging.remove(token) })
        if case .ownerAtLimit(let limit) = submission {
            let refusal = localizer.text("upload_problem_queue_full", language).replacingOccurrences(of: "{limit}", with: String(limit))
            return try uploadPreview(request, desk, error: refusal, status: 429)
        }
        desk.previews.forget(token)
        return .redirect(to: "/uploads/\(token)/status")
    }

    /// `POST /uploads/{token}/cancel`: deletes a staged upload not yet imported and returns to the form.
    func cancelUpload(_ request: Request, _ desk: UploadDesk) throws -> Response {
        _ = try checkedForm(request)
        let (_, token, staged, job) = try ownedUpload(request, desk)
        if job != nil { return .redirect(to: "/uploads/\(token)/status") }
        desk.staging.remove(token)
        desk.previews.forget(token)
        return .redirect(to: staged?.layerSlug.map { "/layers/\($0)/upload" } ?? "/upload")
    }

    /// `GET /uploads/{token}/status`: queued, running (with progress), done (with the result and
    /// the link to the version's review page) or failed (with the reason).
    func importStatusPage(_ request: Request, _ desk: UploadDesk) throws -> Response {
        let (_, token, _, job) = try ownedUpload(request, desk)
        guard let job else { return .redirect(to: "/uploads/\(token)") }
        let language = Localizer.language(for: request)
        var context: [String: Any] = [
            "token": token,
            "state": job.state.name,
            "state_label": localizer.text("upload_state_\(job.state.name)", language),
            "again": job.layerSlug.map { "/layers/\($0)/upload" } ?? "/upload",
        ]
        switch job.state {
        case .queued:
            context["waiting"] = true
        case .running(let written, let total):
            context["waiting"] = true
            context["progress"] = progressContext(written: written, total: total, language)
        case .done(let outcome):
            context["result"] = resultContext(outcome, language)
        case .failed(let error):
            context["failure"] = Self.message(error, localizer, language)
        }
        return page("upload_status", request, title: localizer.text("upload_status_title", language), context)
    }

    /// `GET /uploads/{token}/status.json`: `state`, `written`, `total`; when done `layer`,
    /// `version` and `features`; when failed `message`, in the request's language.
    func importStatusJSON(_ request: Request, _ desk: UploadDesk) throws -> Response {
        let (_, _, _, job) = try ownedUpload(request, desk)
        guard let job else { return Self.statusReply(["state": "staged"]) }
        var object: [String: JSONValue] = ["state": .string(job.state.name), "written": 0, "total": 0]
        switch job.state {
        case .queued:
            break
        case .running(let written, let total):
            object["written"] = .int(written)
            object["total"] = .int(total)
        case .done(let outcome):
            object["written"] = .int(outcome.featureCount)
            object["total"] = .int(outcome.featureCount)
            object["layer"] = .string(outcome.layerSlug)
            object["version"] = .int(outcome.versionNumber)
            object["features"] = .int(outcome.featureCount)
        case .failed(let error):
            object["message"] = .string(Self.message(error, localizer, Localizer.language(for: request)))
        }
        return Self.statusReply(object)
    }

    static func statusReply(_ object: [String: JSONValue]) -> Response {
        var response = Response.json(JSONValue.sorted(object).jsonBytes)
        response.headers["Cache-Control"] = "no-store"
        return response
    }

    /// The progress bar's value and its words.
    func progressContext(written: Int, total: Int, _ language: Language) -> [String: Any] {
        guard total > 0 else { return ["text": localizer.text("upload_progress_reading", language), "percent": 0] }
        // Once every feature is written, the spatial index is filled and the area checked.
        let text = localizer.text(written >= total ? "upload_progress_indexing" : "upload_progress_writing", language)
            .replacingOccurrences(of: "{written}", with: Self.formatCount(written, language))
            .replacingOccurrences(of: "{total}", with: Self.formatCount(total, language))
        return ["text": text, "percent": min(100, written * 100 / total), "determinate": true]
    }

    /// What an import wrote, for the status page.
    func resultContext(_ outcome: ImportOutcome, _ language: Language) -> [String: Any] {
        let box = outcome.bbox
        var result: [String: Any] = [
            "slug": outcome.layerSlug,
            "title": (try? layers.findForAccess(slug: outcome.layerSlug, agencyID: nil))??.layer.title ?? outcome.layerSlug,
            "version": outcome.versionNumber,
            "features": Self.formatCount(outcome.featureCount, language),
            "kind": localizer.text("upload_kind_\(outcome.kind.rawValue)", language),
            "crs": "EPSG:\(outcome.sourceSRID) — \(ImportDecisions.crs(outcome.sourceSRID).name)",
            "encoding": outcome.encoding,
            "new_layer": outcome.layerCreated,
            "repaired": Self.formatCount(outcome.repairedCount, language),
            "warnings": outcome.warnings,
            "has_warnings": !outcome.warnings.isEmpty,
        ]
        if !box.isEmpty {
            result["extent"] = ["west": Self.degrees(box.minX), "south": Self.degrees(box.minY),
                                "east": Self.degrees(box.maxX), "north": Self.degrees(box.maxY)]
        }
        return result
    }
}
