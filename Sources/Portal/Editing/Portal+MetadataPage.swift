import Foundation
import HTTP
import Store

/// The layer metadata form (`/layers/{slug}/edit`) for the owner agency's editors and admins.
/// Changes take effect at once. The owner agency is shown read-only, except to the owner's
/// agency administrator, who may offer the layer to another enabled agency; it moves when that
/// agency's administrator accepts (`Admin/Portal+LayerTransfers`).
extension Portal {
    /// `GET /layers/{slug}/edit`.
    func metadataForm(_ request: Request) throws -> Response {
        let layer = try authorizedLayer(request.parameters["slug"] ?? "", request, .edit)
        guard let metadata = try layers.metadata(layerID: layer.id) else { throw HTTPError(404, "no such layer") }
        return try metadataPage(request, layer, MetadataForm(metadata, ownerCode: layer.agencyCode))
    }

    /// `POST /layers/{slug}/edit`: saves the metadata, or shows the form again with a problem
    /// beside each refused field and the values as posted.
    func saveMetadata(_ request: Request) throws -> Response {
        let posted = try checkedForm(request)
        let layer = try authorizedLayer(request.parameters["slug"] ?? "", request, .edit)
        guard let actor = actor(for: request), let current = try layers.metadata(layerID: layer.id) else {
            throw HTTPError(404, "no such layer")
        }
        let owners = try transferTargets(layer, actor)
        var (metadata, form) = MetadataForm.read(posted, current: current, ownerCode: layer.agencyCode,
                                                 sectors: try layers.sectors().map(\.code),
                                                 owners: owners.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.code, $0.id) }) })
        guard let metadata else { return try metadataPage(request, layer, form, status: 400) }
        let audit = AuditEntry(userID: actor.userID, username: actor.username, agencyID: actor.agencyID, action: "",
                               target: layer.slug, clientAddress: request.remoteAddress)
        do {
            try layers.updateMetadata(layerID: layer.id, metadata, audit: audit)
        } catch {
            // `.invalid`: the chosen agency was disabled between the form and the post.
            guard case .invalid = error else { throw error }
            form.problems["owner"] = FormProblem(field: "edit_field_owner", problem: "admin_problem_choice")
            return try metadataPage(request, layer, form, status: 400)
        }
        if metadata.ownerAgencyID != current.ownerAgencyID {
            return .redirect(to: "/layers/\(layer.slug)/edit?done=transfer_offered")
        }
        return .redirect(to: "/layers/\(layer.slug)?done=edit_saved")
    }

    /// The enabled agencies `layer` may move to when `actor` may move it (the owner's agency
    /// administrator), the current owner first; nil for everyone else.
    func transferTargets(_ layer: LayerSummary, _ actor: Actor) throws -> [Agency]? {
        guard Policy.can(actor, .manageSharing, Self.facts(layer)) else { return nil }
        let all = Self.treeOrder(try agencies.all()).map(\.agency)
        return all.filter { $0.id == layer.agencyID } + all.filter { $0.id != layer.agencyID && !$0.disabled }
    }

    private func metadataPage(_ request: Request, _ layer: LayerSummary, _ form: MetadataForm,
                              status: Int = 200) throws -> Response {
        let language = Localizer.language(for: request)
        let value = { (name: String) in form.values[name] ?? "" }
        var errors: [String: String] = [:]
        for (name, problem) in form.problems { errors[name] = message(problem, language) }
        let sectors: [[String: Any]] = try layers.sectors().map { sector in
            ["value": sector.code, "label": language == .en ? sector.nameEn : sector.nameVi,
             "selected": sector.code == value("sector")]
        }
        let frequencies: [[String: Any]] = UpdateFrequency.allCases.map { frequency in
            ["value": frequency.rawValue, "label": localizer.text("edit_frequency_\(frequency.rawValue)", language),
             "selected": frequency.rawValue == value("update_frequency")]
        }
        var context: [String: Any] = [
            "csrf": csrfToken(request).token,
            "layer": ["slug": layer.slug, "title": layer.title, "agency": layer.agencyName],
            "form": form.values,
            "errors": errors,
            "has_errors": !errors.isEmpty,
            "sectors": sectors,
            "no_sector": value("sector").isEmpty,
            "frequencies": frequencies,
            "no_frequency": value("update_frequency").isEmpty,
            "may_transfer": false,
        ]
        if let actor = actor(for: request), let owners = try transferTargets(layer, actor) {
            context["may_transfer"] = true
            if let offer = try layers.transferOffer(layerID: layer.id) {
                context["offer"] = ["to": offer.toAgencyName, "offered_at": Self.auditTime(offer.offeredAt),
                                    "offered_by": offer.offeredBy ?? ""]
            }
            if request.query("done") == "transfer_offered" {
                context["notice"] = localizer.text("edit_transfer_offered", language)
            }
            context["owners"] = owners.map { agency -> [String: Any] in
                ["value": agency.code, "label": agency.name, "selected": agency.code == value("owner")]
            }
        }
        return page("layer_edit", request, title: localizer.text("edit_title", language) + " · " + layer.title,
                    status: status, context)
    }
}
