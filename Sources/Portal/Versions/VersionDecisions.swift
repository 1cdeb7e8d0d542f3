import Foundation
import HTTP
import Store

extension Portal {
    /// POST `/layers/{slug}/versions/{n}/publish`: the approver makes a pending version the one
    /// everyone allowed to see the layer sees. The previous one is kept as superseded.
    func publishVersion(_ request: Request) throws -> Response {
        try decide(request, done: "published", ownWorkForbidden: true) { actor, layer, version, _ throws(StoreError) in
            try VersionRepository(database).publish(
                layerID: layer.id, number: version.number, userID: actor.userID,
                audit: decisionAudit(request, actor, "layer.publish", layer, "version \(version.number)"))
            prepareMap(slug: layer.slug)
        }
    }

    /// POST `/layers/{slug}/versions/{n}/reject`: the approver refuses a pending version with a
    /// reason, which the editors then read on the layer and version pages.
    func rejectVersion(_ request: Request) throws -> Response {
        try decide(request, done: "rejected") { actor, layer, version, form throws(StoreError) in
            let reason = form.text("reason")
            try VersionRepository(database).reject(
                layerID: layer.id, number: version.number, userID: actor.userID, reason: reason,
                audit: decisionAudit(request, actor, "layer.reject", layer, "version \(version.number): \(reason)"))
        } check: { form, language in
            let reason = form.text("reason")
            if reason.isEmpty { return localizer.text("version_reason_required", language) }
            if reason.count > 2000 { return localizer.text("version_reason_too_long", language) }
            return nil
        }
    }

    /// POST `/layers/{slug}/versions/{n}/rollback`: the approver publishes again a version that
    /// was published before; the rollback is recorded with its note.
    func rollbackVersion(_ request: Request) throws -> Response {
        try decide(request, done: "rolled_back", ownWorkForbidden: true) { actor, layer, version, form throws(StoreError) in
            let note = form.text("note")
            try VersionRepository(database).rollback(
                layerID: layer.id, number: version.number, userID: actor.userID, note: note,
                audit: decisionAudit(request, actor, "layer.rollback", layer,
                                     "to version \(version.number)\(note.isEmpty ? "" : ": \(note)")"))
            prepareMap(slug: layer.slug)
        } check: { form, language in
            form.text("note").count > 2000 ? localizer.text("version_reason_too_long", language) : nil
        }
    }

    /// The approver's decision on the version of the path: access (`.approve`, else 404), the
    /// CSRF token, the form's own check (the review page again with the problem, 422), then
    /// `change`; a version no longer in the right state answers 409 with the page as it is now.
    /// `ownWorkForbidden`: separation of duties — the account that uploaded or edited a version
    /// (its creator) cannot publish it, nor publish it again; another approver must (422).
    private func decide(_ request: Request, done: String, ownWorkForbidden: Bool = false,
                        _ change: (Actor, LayerSummary, VersionRecord, AdminForm) throws(StoreError) -> Void,
                        check: (AdminForm, Language) -> String? = { _, _ in nil }) throws -> Response {
        let (layer, version) = try authorizedVersion(request)
        _ = try authorizedLayer(layer.slug, request, .approve)
        let actor = try requireActor(request)
        let form = try checkedForm(request)
        let language = Localizer.language(for: request)
        if ownWorkForbidden, version.createdBy == actor.username {
            return try versionReview(request, problem: localizer.text("version_own_work", language), status: 422)
        }
        if let problem = check(form, language) {
            return try versionReview(request, problem: problem, status: 422)
        }
        do {
            try change(actor, layer, version, form)
        } catch {
            if case .invalid = error {
                return try versionReview(request, problem: localizer.text("version_state_changed", language), status: 409)
            }
            throw error
        }
        return .redirect(to: "/layers/\(layer.slug)/versions/\(version.number)?done=\(done)")
    }

    private func decisionAudit(_ request: Request, _ actor: Actor, _ action: String, _ layer: LayerSummary,
                               _ detail: String) -> AuditEntry {
        AuditEntry(userID: actor.userID, username: actor.username, agencyID: actor.agencyID, action: action,
                   target: layer.slug, detail: detail, clientAddress: request.remoteAddress)
    }
}
