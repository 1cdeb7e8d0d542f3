import Foundation
import Formats
import HTTP
import Store

/// The API's writes of data: an upload becomes a pending version through the same staging,
/// quotas, import queue and validation as the upload form, and is followed at
/// `/api/v1/imports/{id}`; an approver publishes or rejects it as on the review page — never
/// their own work.
extension Portal {
    /// The media types a raw upload body may carry, and the file name each is staged under.
    static let apiUploadTypes: [(type: String, name: String)] = [
        ("application/geo+json", "upload.geojson"), ("application/json", "upload.geojson"),
        ("text/csv", "upload.csv"), ("application/vnd.google-earth.kml+xml", "upload.kml"),
        ("application/vnd.google-earth.kmz", "upload.kmz"), ("application/zip", "upload.zip"),
        ("application/geopackage+sqlite3", "upload.gpkg"),
    ]

    /// `POST /api/v1/layers` (a new layer) and `POST /api/v1/layers/{slug}/versions` (a new
    /// version): `multipart/form-data` with a `file` part and the fields `title`, `srid`,
    /// `encoding`, `lon_column`, `lat_column`, `layer` — or the file itself as the body (its media
    /// type above, or any with `?filename=`), the same fields as query parameters. Answers 202
    /// with `Location` of the import to poll.
    func apiUpload(_ request: Request, _ desk: UploadDesk) throws -> Response {
        let actor = try apiActor(request, .upload)
        guard Policy.can(actor, .edit, LayerFacts(ownerAgencyID: actor.agencyID, visibility: .private, isPublished: false, grant: nil)) else {
            throw APIProblem(status: 403, code: "forbidden", title: "Forbidden", detail: "Only an agency's editors and admins upload data.")
        }
        let layer = try request.parameters["slug"].map { try authorizedLayer($0, request, .edit) }
        let (file, fields) = try apiUploadParts(request)
        func field(_ name: String) throws -> String? {
            guard let text = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
            guard text.count <= Self.maxChoiceLength, !text.contains(where: \.isNewline) else {
                throw APIProblem.invalidParameter(name, "must be one line of at most \(Self.maxChoiceLength) characters")
            }
            return text
        }
        var srid: Int?
        if let text = try field("srid") {
            guard let code = Int(text), (1...999_999).contains(code) else {
                throw APIProblem.invalidParameter("srid", "must be an EPSG code, a whole number")
            }
            srid = code
        }
        let encoding = try field("encoding")
        if let encoding, TextEncoding(rawValue: encoding) == nil {
            throw APIProblem.invalidParameter("encoding", "must be one of " + TextEncoding.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let title = layer == nil ? try field("title") : nil
        let names = (lon: try field("lon_column"), lat: try field("lat_column"), layer: try field("layer"))

        desk.sweep()
        let staged: StagedUpload
        do {
            staged = try desk.quotas.admitting(actor.userID, size: file.body.count, into: desk.staging,
                                               isWaiting: { desk.jobs.job($0.token) == nil }) {
                try desk.staging.stage(file, owner: actor.userID, agencyCode: actor.agencyCode, layerSlug: layer?.slug, title: title)
            }
        } catch StagingProblem.noFile {
            throw APIProblem.invalidParameter("file", "no file was sent, or it is empty")
        } catch QuotaRefusal.tooManyStaged(let limit) {
            throw APIProblem(status: 429, code: "too_many_uploads", title: "Too Many Requests",
                             detail: "You have \(limit) uploads waiting; import or cancel one first.")
        } catch QuotaRefusal.diskFull(let available, let needed) {
            logger.error("API upload refused: \(available) bytes free in \(desk.staging.root), \(needed) needed")
            throw APIProblem(status: 507, code: "insufficient_storage", title: "Insufficient Storage",
                             detail: "The portal has no room for this file now.")
        }
        audit(request, "layer.upload", target: staged.originalName,
              detail: "\(staged.size) bytes" + (layer.map { "; layer \($0.slug)" } ?? "; new layer"), actor: actor)

        let importRequest = ImportRequest(path: desk.staging.path(of: staged), originalName: staged.originalName,
                                          agencyCode: actor.agencyCode, username: actor.username, layerSlug: layer?.slug,
                                          title: staged.title, srid: srid, encoding: encoding,
                                          lonColumn: names.lon, latColumn: names.lat, layerName: names.layer,
                                          clientAddress: request.remoteAddress)
        let pipeline = ImportPipeline(database: database)
        let staging = desk.staging
        let logger = self.logger
        let token = staged.token
        let submission = desk.jobs.submit(token, owner: actor.userID, agencyCode: actor.agencyCode, layerSlug: layer?.slug,
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
            staging.remove(token)
            throw APIProblem(status: 429, code: "too_many_imports", title: "Too Many Requests",
                             detail: "You have \(limit) imports waiting or running; wait for one to finish.")
        }
        let location = Self.apiBase + "/imports/" + token
        return apiJSON(["state": "queued", "links": [Self.apiLink(apiURL(request, location), rel: "status")]],
                       status: 202, headers: ["Location": location])
    }

    /// The file of an upload request and its other fields.
    private func apiUploadParts(_ request: Request) throws -> (MultipartPart, [String: String]) {
        let type = (request.headers["Content-Type"] ?? "").lowercased()
        let mediaType = type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        var fields: [String: String] = [:]
        if mediaType == "multipart/form-data" {
            let parts = try request.multipartParts()
            for part in parts where part.filename == nil { fields[part.name] = String(decoding: part.bytes ?? [], as: UTF8.self) }
            guard let file = parts.first(where: { $0.name == "file" && $0.filename != nil }) else {
                throw APIProblem.invalidParameter("file", "the multipart body has no file part called file")
            }
            return (file, fields)
        }
        for (name, value) in request.queryItems { fields[name] = value }
        let name: String
        if let given = fields["filename"], !given.isEmpty {
            name = given
        } else if let known = Self.apiUploadTypes.first(where: { $0.type == mediaType }) {
            name = known.name
        } else {
            throw APIProblem(status: 415, code: "unsupported_media_type", title: "Unsupported Media Type",
                             detail: "Send multipart/form-data with a file part, or the file as "
                                + Self.apiUploadTypes.map(\.type).joined(separator: ", ") + ", or any body with ?filename=")
        }
        return (MultipartPart(name: "file", filename: name, contentType: mediaType, body: request.body), fields)
    }

    /// `GET /api/v1/imports/{id}`: where an upload's import stands — `queued`, `running`
    /// (features written of total), `done` (the pending version) or `failed` (why, where, in the
    /// request's language). Only the uploader sees it.
    func apiImport(_ request: Request, _ desk: UploadDesk) throws -> Response {
        guard let context = request.context as? RequestContext, let token = context.token, let actor = context.actor else {
            throw APIProblem.unauthenticated
        }
        guard token.scopes.contains(.upload) || token.scopes.contains(.read) else { throw APIProblem.insufficientScope(TokenScope.upload.rawValue) }
        let key = request.parameters["id"] ?? ""
        guard UploadStaging.isWellFormed(key), let job = desk.jobs.job(key), job.ownerUserID == actor.userID else {
            throw APIProblem.notFound
        }
        var members: [(String, JSONValue?)] = [("state", .string(job.state.name))]
        switch job.state {
        case .queued:
            break
        case .running(let written, let total):
            members += [("written", .int(written)), ("total", .int(total))]
        case .done(let outcome):
            let path = Self.apiBase + "/layers/\(WMSCapabilities.percentEncoded(outcome.layerSlug))/versions/\(outcome.versionNumber)"
            members += [
                ("layer", .string(outcome.layerSlug)), ("version", .int(outcome.versionNumber)), ("status", .string(outcome.status)),
                ("featureCount", .int(outcome.featureCount)), ("layerCreated", .bool(outcome.layerCreated)),
                ("warnings", .array(outcome.warnings.map(JSONValue.string))),
                ("links", [Self.apiLink(apiURL(request, path), rel: "version")]),
            ]
        case .failed(let error):
            members.append(("message", .string(Self.message(error, localizer, Localizer.language(for: request)))))
        }
        return apiJSON(.members(members))
    }

    /// `POST /api/v1/layers/{slug}/versions/{n}/publish` and `…/reject` (`{"reason": "…"}`,
    /// required): the approver's decision, with the review page's rules.
    func apiDecide(_ request: Request, publish: Bool) throws -> Response {
        let actor = try apiActor(request, .approve)
        let (layer, version) = try authorizedVersion(request)
        _ = try authorizedLayer(layer.slug, request, .approve)
        let body = try apiBody(request)
        let reason = try apiText(body, "reason", maxLength: 2000) ?? ""
        let versions = VersionRepository(database)
        do {
            if publish {
                guard version.createdBy != actor.username else {
                    throw APIProblem(status: 422, code: "own_work", title: "Unprocessable Content",
                                     detail: "The account that made a version cannot publish it; another approver must.")
                }
                try versions.publish(layerID: layer.id, number: version.number, userID: actor.userID,
                                     audit: auditEntry(request, "layer.publish", target: layer.slug, detail: "version \(version.number)", actor: actor))
                prepareMap(slug: layer.slug)
            } else {
                guard !reason.isEmpty else { throw APIProblem.invalidMember("/reason", "a rejection needs a reason") }
                try versions.reject(layerID: layer.id, number: version.number, userID: actor.userID, reason: reason,
                                    audit: auditEntry(request, "layer.reject", target: layer.slug,
                                                      detail: "version \(version.number): \(reason)", actor: actor))
            }
        } catch StoreError.invalid {
            throw APIProblem(status: 409, code: "state_changed", title: "Conflict",
                             detail: "Version \(version.number) is \(version.status.rawValue); only a pending version can be decided.")
        }
        guard let now = try versions.find(layerID: layer.id, number: version.number) else { throw APIProblem.notFound }
        return apiJSON(apiVersionObject(request, layer, now))
    }
}
