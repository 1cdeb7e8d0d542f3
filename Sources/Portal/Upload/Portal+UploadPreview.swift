import Foundation
import Formats
import Geometry
import HTTP
import Store

/// The preview of a staged upload: its format, its CRS (detected, or chosen from the list), the
/// candidate text encodings with their scores and the first records read with the chosen one,
/// a CSV's coordinate columns and the layers of a file holding several. `?encoding=X`,
/// `?lon_column=A&lat_column=B` and `?layer=L` read them again with other choices; a file that
/// cannot be read shows why, in the visitor's language. Readings come from the desk's
/// `UploadPreviews` (cached, gated, within the preview's limits): a file beyond those limits is
/// said to be so and may still be imported; when every preview slot is busy the page is a 503
/// asking to retry shortly.
extension Portal {
    /// Seconds a visitor is asked to wait when every preview slot is busy.
    static let previewRetrySeconds = 5

    /// The request's upload, when the URL's token names one of the actor's: its staged file (until
    /// the import ends) and its import job (once started). Anyone else gets 404.
    func ownedUpload(_ request: Request, _ desk: UploadDesk) throws -> (actor: Actor, token: String, staged: StagedUpload?, job: ImportJobs.Job?) {
        let actor = try uploader(request)
        let token = request.parameters["token"] ?? ""
        guard UploadStaging.isWellFormed(token) else { throw HTTPError(404, "no such upload") }
        let job = desk.jobs.job(token)
        let staged = desk.staging.find(token)
        guard let owner = job?.ownerUserID ?? staged?.ownerUserID, owner == actor.userID else {
            throw HTTPError(404, "no such upload")
        }
        return (actor, token, staged, job)
    }

    /// `GET /uploads/{token}[?encoding=X][&lon_column=A&lat_column=B][&layer=L]`.
    func uploadPreview(_ request: Request, _ desk: UploadDesk, error: String? = nil, status: Int = 200) throws -> Response {
        let (_, token, staged, job) = try ownedUpload(request, desk)
        if job != nil { return .redirect(to: "/uploads/\(token)/status") }
        guard let staged else { throw HTTPError(404, "no such upload") }
        let language = Localizer.language(for: request)
        var context: [String: Any] = [
            "token": token,
            "csrf": csrfToken(request).token,
            "file_name": staged.originalName,
            "size": Self.fileSize(staged.size, language),
            "title_value": staged.title ?? ImportDecisions.title(fromFileName: staged.originalName),
        ]
        if let slug = staged.layerSlug {
            let layer = try authorizedLayer(slug, request, .edit)
            context["layer"] = ["slug": layer.slug, "title": layer.title]
        } else {
            context["new_layer"] = true
        }
        var problem = error
        var choices = UploadChoices(request)
        if let name = request.query("encoding"), !name.isEmpty, choices.encoding == nil {
            problem = problem ?? localizer.text("upload_problem_encoding", language).replacingOccurrences(of: "{name}", with: name)
        }
        let path = desk.staging.path(of: staged)
        do {
            try desk.previews.session { reads in
                switch try reads.outline(token, path: path, name: staged.originalName) {
                case .failure(let failure):
                    context["read_error"] = Self.message(failure, localizer, language)
                case .success(let outline):
                    context["format"] = localizer.text("upload_format_\(outline.format.rawValue)", language)
                    context.merge(layerContext(outline.layers, choices: &choices, problem: &problem, language)) { _, new in new }
                    if let beyond = outline.beyondLimits {
                        context.merge(beyondPreviewContext(beyond, choices: choices, language)) { _, new in new }
                    } else {
                        context.merge(try previewContext(&reads, token, path: path, name: staged.originalName, choices: choices, language)) { _, new in new }
                    }
                }
            }
        } catch is PreviewBusy {
            return previewBusyPage(request, language)
        }
        context["encoding_keep"] = choices.hidden(["lon_column", "lat_column", "layer"])
        context["columns_keep"] = choices.hidden(["encoding", "layer"])
        return page("upload_preview", request, title: localizer.text("upload_preview_title", language) + ": " + staged.originalName,
                    status: status, context.merging(optional: ["error": problem]))
    }

    /// The encoding choice, CRS choice, coordinate columns, warnings and records of `token`'s
    /// file, and the import form's hidden fields: the choices the preview was read with. A file
    /// beyond the preview's limits gets the notice instead; one that cannot be read, the reason.
    func previewContext(_ reads: inout PreviewSession, _ token: String, path: String, name: String, choices: UploadChoices,
                        _ language: Language) throws -> [String: Any] {
        var detecting = choices.readOptions
        detecting.encoding = nil
        let previews: [EncodingPreview]
        switch try reads.readings(PreviewKey(token, detecting), path: path, name: name) {
        case .success(let read): previews = read
        case .failure(let failure): return failureContext(failure, choices: choices, language)
        }
        guard let detected = previews.first else { return [:] }
        var chosen = previews.first { $0.encoding == choices.encoding } ?? detected
        if let requested = choices.encoding, detected.encoding != nil, chosen.encoding != requested {
            switch try reads.readings(PreviewKey(token, choices.readOptions), path: path, name: name) {
            case .success(let again): if let first = again.first { chosen = first }
            case .failure(let failure): return failureContext(failure, choices: choices, language)
            }
        }
        let dataset = chosen.dataset
        var context: [String: Any] = [
            "fields": dataset.fields.map { ["name": $0.name] },
            "records": dataset.features.prefix(UploadPreviews.records).map { record(of: $0, fields: dataset.fields, language) },
            "has_records": !dataset.features.isEmpty,
            "warnings": dataset.warnings,
            "has_warnings": !dataset.warnings.isEmpty,
        ]
        var carried = choices
        carried.encoding = nil
        if let columns = dataset.coordinateColumns {
            context.merge(columnsContext(columns, language)) { _, new in new }
            carried.lonColumn = columns.longitude
            carried.latColumn = columns.latitude
        }
        context["import_keep"] = carried.hidden(["lon_column", "lat_column", "layer"])
        context.merge(crsContext(dataset)) { _, new in new }
        if let encoding = chosen.encoding {
            let scores = Dictionary(previews.compactMap { preview in preview.encoding.map { ($0, preview.score) } },
                                    uniquingKeysWith: { first, _ in first })
            context["encoding"] = encoding.rawValue
            context["encodings"] = TextEncoding.allCases.map { option -> [String: Any] in
                let score = scores[option].map { " — " + Self.percent($0) } ?? ""
                return ["value": option.rawValue, "label": option.displayName + score, "selected": option == encoding]
            }
            if previews.count > 1 {
                context["has_candidates"] = true
                context["candidates"] = previews.compactMap { preview -> [String: Any]? in
                    guard let candidate = preview.encoding else { return nil }
                    return ["name": candidate.displayName, "score": Self.percent(preview.score), "chosen": candidate == encoding]
                }
            }
        }
        return context
    }

    /// A reading that failed: beyond the preview's limits (the import may still read it), or
    /// unreadable.
    func failureContext(_ failure: FormatError, choices: UploadChoices, _ language: Language) -> [String: Any] {
        if case .limitExceeded = failure { return beyondPreviewContext(failure, choices: choices, language) }
        return ["read_error": Self.message(failure, localizer, language)]
    }

    /// The notice of a file beyond the preview's limits, and an import form that leaves the
    /// CRS and the encoding to the file unless chosen.
    func beyondPreviewContext(_ reason: FormatError, choices: UploadChoices, _ language: Language) -> [String: Any] {
        [
            "beyond_preview": true,
            "beyond_notice": localizer.text("upload_beyond_preview", language)
                .replacingOccurrences(of: "{reason}", with: Self.message(reason, localizer, language)),
            "crs_options": ImportPipeline.crsChoices.map { ["code": $0.code, "name": $0.name, "selected": false] as [String: Any] },
            "import_keep": choices.hidden(["lon_column", "lat_column", "layer"]),
        ]
    }

    /// The answer when every preview slot is busy: 503, retry in a few seconds (the page
    /// reloads itself then).
    func previewBusyPage(_ request: Request, _ language: Language) -> Response {
        let seconds = Self.previewRetrySeconds
        var response = page("upload_busy", request, title: localizer.text("upload_busy_title", language), status: 503, [
            "message": localizer.text("upload_busy", language).replacingOccurrences(of: "{seconds}", with: String(seconds)),
            "retry_seconds": seconds,
            "retry": request.target,
        ])
        response.headers["Retry-After"] = String(seconds)
        response.headers["Cache-Control"] = "no-store"
        return response
    }

    /// The CRS the file declares, or the choice to make; the list of CRSs either way.
    func crsContext(_ dataset: ImportedDataset) -> [String: Any] {
        var choices = ImportPipeline.crsChoices
        if let code = dataset.sourceSRID, !choices.contains(where: { $0.code == code }) {
            choices.insert(ImportDecisions.crs(code), at: 0)
        }
        var context: [String: Any] = [
            "crs_options": choices.map { ["code": $0.code, "name": $0.name, "selected": $0.code == dataset.sourceSRID] as [String: Any] },
        ]
        if let code = dataset.sourceSRID {
            context["crs_detected"] = "EPSG:\(code) — \(ImportDecisions.crs(code).name)"
        } else {
            context["crs_unknown"] = true
            if let declared = dataset.sourceCRSDescription { context["crs_declared"] = String(declared.prefix(300)) }
        }
        return context
    }

    /// One row of the preview table: record number, geometry type, values in field order.
    func record(of feature: ImportedFeature, fields: [FieldInfo], _ language: Language) -> [String: Any] {
        [
            "number": feature.recordNumber,
            "geometry": localizer.text("upload_geometry_\(Self.geometryName(feature.geometry))", language),
            "values": fields.map { field in ["value": feature[field.name].map(Self.display) ?? ""] },
        ]
    }

    /// The locale suffix of a geometry's type ("none" when the record has none).
    static func geometryName(_ geometry: Geometry?) -> String {
        switch geometry {
        case nil: return "none"
        case .point: return "point"
        case .multiPoint: return "multipoint"
        case .lineString: return "line"
        case .multiLineString: return "multiline"
        case .polygon: return "polygon"
        case .multiPolygon: return "multipolygon"
        case .geometryCollection: return "collection"
        }
    }

    /// An attribute value as the table shows it.
    static func display(_ value: AttributeValue) -> String {
        switch value {
        case .null: return ""
        case .text(let text): return text
        case .integer(let number): return String(number)
        case .real(let number): return String(number)
        case .date(let day): return day
        case .boolean(let flag): return flag ? "✓" : "✗"
        }
    }

    /// "82 %".
    static func percent(_ score: Double) -> String { "\(Int((score * 100).rounded())) %" }

    /// "1,5 MB", "12 KB" with the language's decimal mark.
    static func fileSize(_ bytes: Int, _ language: Language) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < bytesPerMegabyte { return "\(Int((Double(bytes) / 1024).rounded(.up))) KB" }
        let text = String(format: "%.1f", Double(bytes) / Double(bytesPerMegabyte))
        return (language == .vi ? text.replacingOccurrences(of: ".", with: ",") : text) + " MB"
    }
}
