import Foundation
import HTTP
import Store

extension Portal {
    /// `POST /layers/{slug}/features/{id}/edit`: the editor's new attribute values become a new
    /// pending version (a copy of the feature's version with the change); then to the feature's
    /// page in that version. Refused values come back on the form with a problem per field; a
    /// superseded or rejected version is refused whole (409).
    func editFeature(_ request: Request) throws -> Response {
        let form = try checkedForm(request)
        let (layer, version, feature) = try editableFeature(request)
        if let refusal = refuseUneditable(request, layer, version, feature) { return refusal }
        let language = Localizer.language(for: request)
        let versionFields = try FeatureRepository(database).fields(versionID: version.id)
        let fields = AttributeInput.fields(of: feature, versionFields: versionFields)
        var state = FeatureFormState()
        var changes: [AttributeChange] = []
        var posted: [String: String] = [:]
        for field in form.fields where posted[field.name] == nil { posted[field.name] = field.value }
        for (index, field) in fields.enumerated() {
            guard let typed = posted[AttributeInput.inputName(index)] else { continue }
            state.typed[index] = typed
            do throws(AttributeInput.Problem) {
                let current = AttributeInput.current(feature, field.name)
                if let value = try AttributeInput.change(typed, kind: field.kind, current: current) {
                    guard VersionEdits.canEdit(field: field.name) else { throw AttributeInput.Problem(key: "table_problem_field_name") }
                    changes.append(AttributeChange(field: field.name, value: value))
                }
            } catch {
                state.problems[index] = localizer.text(error.key, language)
            }
        }
        if !state.problems.isEmpty {
            state.error = localizer.text("table_error_fields", language)
            return renderFeature(request, layer, version, feature, state: state, status: 400)
        }
        if changes.isEmpty {
            state.error = localizer.text("table_error_nothing_changed", language)
            return renderFeature(request, layer, version, feature, state: state, status: 400)
        }
        let names = changes.map(\.field).joined(separator: ", ")
        let edited: EditedVersion
        do {
            edited = try VersionEdits(database).editFeature(
                layerID: layer.id, featureID: feature.id, changes: changes, userID: actor(for: request)?.userID,
                editDescription(request, layer, version, feature, action: "feature_edit", fields: names))
        } catch {
            guard case .invalid = error else { throw error }
            return try refuseChanged(request, layer, version, feature)
        }
        return .redirect(to: "/layers/\(layer.slug)/features/\(edited.featureID ?? feature.id)?done=edited")
    }

    /// `POST /layers/{slug}/features/{id}/delete` (with `confirm=yes`): a new pending version
    /// without the feature; then to that version's table. A superseded or rejected version is
    /// refused (409).
    func deleteFeature(_ request: Request) throws -> Response {
        let form = try checkedForm(request)
        let (layer, version, feature) = try editableFeature(request)
        if let refusal = refuseUneditable(request, layer, version, feature) { return refusal }
        let language = Localizer.language(for: request)
        guard form.raw("confirm") == "yes" else {
            let state = FeatureFormState(error: localizer.text("table_error_confirm_delete", language))
            return renderFeature(request, layer, version, feature, state: state, status: 400)
        }
        let edited: EditedVersion
        do {
            edited = try VersionEdits(database).deleteFeature(
                layerID: layer.id, featureID: feature.id, userID: actor(for: request)?.userID,
                editDescription(request, layer, version, feature, action: "feature_delete", fields: nil))
        } catch {
            guard case .invalid = error else { throw error }
            return try refuseChanged(request, layer, version, feature)
        }
        return .redirect(to: "/layers/\(layer.slug)/table?version=\(edited.number)&done=deleted")
    }

    /// The feature of the request if the actor may see it and edit the layer; 404 otherwise.
    func editableFeature(_ request: Request) throws -> (LayerSummary, VersionRecord, FeatureRecord) {
        let found = try authorizedFeature(request)
        _ = try authorizedLayer(found.0.slug, request, .edit)
        return found
    }

    /// The feature page with the reason, as a 409, when `version` may not be edited (only the
    /// published version and pending ones may); nil when it may.
    func refuseUneditable(_ request: Request, _ layer: LayerSummary, _ version: VersionRecord,
                          _ feature: FeatureRecord) -> Response? {
        guard !VersionEdits.canEdit(version.status) else { return nil }
        let language = Localizer.language(for: request)
        let message = localizer.text("table_not_editable", language)
            .replacingOccurrences(of: "{number}", with: String(version.number))
            .replacingOccurrences(of: "{status}", with: localizer.text("table_status_\(version.status.rawValue)", language))
        return renderFeature(request, layer, version, feature, state: FeatureFormState(error: message), status: 409)
    }

    /// The answer when the store refused an edit the page had allowed: the version was decided
    /// meanwhile (409, with the page as it is now).
    func refuseChanged(_ request: Request, _ layer: LayerSummary, _ version: VersionRecord,
                       _ feature: FeatureRecord) throws -> Response {
        let now = try VersionRepository(database).find(layerID: layer.id, number: version.number) ?? version
        if let refusal = refuseUneditable(request, layer, now, feature) { return refusal }
        let message = localizer.text("version_state_changed", Localizer.language(for: request))
        return renderFeature(request, layer, now, feature, state: FeatureFormState(error: message), status: 409)
    }

    /// How the new version, its layer event and its audit entry describe an edit (`feature_edit`,
    /// with the changed field names) or a deletion (`feature_delete`). Stored words are
    /// Vietnamese, the province's language, whoever edits.
    func editDescription(_ request: Request, _ layer: LayerSummary, _ version: VersionRecord, _ feature: FeatureRecord,
                         action: String, fields: String?) -> EditDescription {
        let fill = { (key: String) in
            self.localizer.text(key, .vi)
                .replacingOccurrences(of: "{id}", with: String(feature.id))
                .replacingOccurrences(of: "{number}", with: String(version.number))
                .replacingOccurrences(of: "{fields}", with: fields ?? "")
        }
        let actor = self.actor(for: request)
        let slug = layer.slug, featureID = feature.id, from = version.number, address = request.remoteAddress
        let detail = "feature=\(featureID); from=\(from)" + (fields.map { "; fields=\($0)" } ?? "")
        return EditDescription(sourceName: fill("table_source_\(action)"), note: fill("table_note_\(action)")) { number in
            AuditEntry(userID: actor?.userID, username: actor?.username, agencyID: actor?.agencyID,
                       action: "layer.\(action)", target: slug, detail: detail + "; version=\(number)", clientAddress: address)
        }
    }
}
