import Cartography
import Foundation
import HTTP
import Store

/// The style page (`/layers/{slug}/style`) of the owner agency's editors, approvers and admins:
/// the approved style's legend and preview, the proposal waiting for approval and the last
/// rejection; for editors the style form with its live preview, for the approver the decision
/// forms. Tiles and legends keep the approved style until a proposal is approved.
extension Portal {
    /// The `?done=` keys the style page announces after a decision.
    static let styleDoneKeys: Set<String> = ["style_proposed", "style_approved", "style_rejected"]

    /// `GET /layers/{slug}/style`.
    func stylePage(_ request: Request) throws -> Response {
        let layer = try authorizedLayer(request.parameters["slug"] ?? "", request, .viewPending)
        return try stylePage(request, layer)
    }

    /// `POST /layers/{slug}/style`: with `intent=preview`, the page again with the posted style's
    /// preview (the form's way without the script); otherwise the posted style is proposed.
    func proposeStyle(_ request: Request) throws -> Response {
        let posted = try checkedForm(request)
        let layer = try authorizedLayer(request.parameters["slug"] ?? "", request, .edit)
        guard let actor = actor(for: request), let state = try LayerStyles(database).state(layerID: layer.id) else {
            throw HTTPError(404, "no such layer")
        }
        let (style, form) = StyleForm.read(posted, kind: StyleForm.simpleKind(layer.geometryKind))
        guard let style else { return try stylePage(request, layer, form: form, status: 400) }
        if posted.text("intent") == "preview" {
            return try stylePage(request, layer, form: form, preview: try previewPNG(style, version: try previewVersion(layer)))
        }
        let language = Localizer.language(for: request)
        if style == map.published.resolvedStyle(state.style, kind: layer.geometryKind).style {
            return try stylePage(request, layer, form: form, error: localizer.text("style_problem_unchanged", language),
                                 status: 400)
        }
        let audit = AuditEntry(userID: actor.userID, username: actor.username, agencyID: actor.agencyID,
                               action: "layer.style_propose", target: layer.slug, detail: "fingerprint=\(style.fingerprint)",
                               clientAddress: request.remoteAddress)
        try LayerStyles(database).propose(layerID: layer.id, json: style.canonicalJSON, userID: actor.userID, audit: audit)
        return .redirect(to: "/layers/\(layer.slug)/style?done=style_proposed")
    }

    /// `POST /layers/{slug}/style/preview`: the posted form's style drawn over the layer's data,
    /// as `image/png`; 400 with the problems as plain text when the form makes no style.
    func stylePreview(_ request: Request) throws -> Response {
        let posted = try checkedForm(request)
        let layer = try authorizedLayer(request.parameters["slug"] ?? "", request, .viewPending)
        let (style, form) = StyleForm.read(posted, kind: StyleForm.simpleKind(layer.geometryKind))
        guard let style else {
            let language = Localizer.language(for: request)
            var response = Response.text(styleProblems(form, language).joined(separator: "\n"), status: 400)
            response.headers["Cache-Control"] = "no-store"
            return response
        }
        let png = try previewPNG(style, version: try previewVersion(layer))
        return Response(status: 200, headers: ["Content-Type": "image/png", "Cache-Control": "no-store"], body: .bytes(png))
    }

    /// Every problem of a refused style form, in the visitor's language.
    func styleProblems(_ form: StyleForm, _ language: Language) -> [String] {
        var out = StyleForm.fieldOrder.compactMap { form.problems[$0].map { message($0, language) } }
        if let json = form.jsonProblem { out.append(localizer.text("style_problem_json", language) + " " + json) }
        return out
    }

    /// The style page: `form` as posted (else filled in from the proposal, else the approved
    /// style), `preview` of a posted style, and an `error` for the decision forms.
    func stylePage(_ request: Request, _ layer: LayerSummary, form posted: StyleForm? = nil, preview: [UInt8]? = nil,
                   error: String? = nil, status: Int = 200) throws -> Response {
        let language = Localizer.language(for: request)
        let actor = self.actor(for: request)
        guard let state = try LayerStyles(database).state(layerID: layer.id) else { throw HTTPError(404, "no such layer") }
        let kind = StyleForm.simpleKind(layer.geometryKind)
        let current = map.published.resolvedStyle(state.style, kind: layer.geometryKind).style
        let version = try previewVersion(layer)
        let currentPreview = try previewPNG(current, version: version)
        let mayEdit = Policy.can(actor, .edit, Self.facts(layer))
        var context: [String: Any] = [
            "csrf": csrfToken(request).token,
            "layer": ["slug": layer.slug, "title": layer.title],
            "current": [
                "legend_url": "/legend/\(layer.slug).png?v=\(current.fingerprint)",
                "labels": current.legendLabels,
                "preview": StylePreview.dataURL(currentPreview),
                "is_default": state.style == nil,
            ] as [String: Any],
            "no_data": version == nil,
            "may_edit": mayEdit,
        ]
        var pendingStyle: Style?
        var pendingPreview: [UInt8]?
        if let json = state.pending {
            pendingStyle = try? Style(json: json)
            var pending: [String: Any] = ["by": state.pendingBy ?? "", "at": state.pendingAt.map(DisplayTime.local) ?? "",
                                          "fingerprint": Self.proposalFingerprint(json)]
            if let pendingStyle {
                let png = try previewPNG(pendingStyle, version: version)
                pendingPreview = png
                pending["preview"] = StylePreview.dataURL(png)
                pending["legend"] = StylePreview.dataURL(LegendRenderer.render(pendingStyle).png)
                pending["labels"] = pendingStyle.legendLabels
                pending["may_approve"] = Policy.can(actor, .approve, Self.facts(layer))
            }
            pending["may_reject"] = Policy.can(actor, .approve, Self.facts(layer))
            context["pending"] = pending
        }
        if let rejection = state.rejection {
            context["rejection"] = ["reason": rejection.reason, "by": rejection.by ?? "", "at": DisplayTime.local(rejection.at)]
        }
        if mayEdit {
            let form = posted ?? StyleForm(pendingStyle ?? current, kind: kind)
            let shown = preview ?? (posted == nil ? pendingPreview ?? currentPreview : nil)
            context["form"] = styleFormContext(form, kind: kind, language).merging(optional: [
                "preview": shown.map(StylePreview.dataURL),
            ])
        }
        let done = request.query("done").flatMap { Self.styleDoneKeys.contains($0) ? localizer.text($0, language) : nil }
        return page("layer_style", request, title: localizer.text("style_title", language) + " · " + layer.title,
                    status: status, context.merging(optional: ["error": error, "message": done]))
    }

    private func styleFormContext(_ form: StyleForm, kind: SymbolizerKind?, _ language: Language) -> [String: Any] {
        var errors: [String: String] = [:]
        for (name, problem) in form.problems { errors[name] = message(problem, language) }
        if let json = form.jsonProblem { errors["json"] = localizer.text("style_problem_json", language) + " " + json }
        let mode = form.values["mode"] ?? StyleForm.Mode.advanced.rawValue
        return [
            "values": form.values,
            "errors": errors,
            "has_errors": !errors.isEmpty,
            "simple": kind != nil,
            "mode_simple": mode == StyleForm.Mode.simple.rawValue,
            "mode_advanced": mode == StyleForm.Mode.advanced.rawValue,
            "kind_polygon": kind == .polygon,
            "kind_line": kind == .line,
            "kind_point": kind == .point,
            "shapes": PointShape.allCases.map { shape -> [String: Any] in
                ["value": shape.rawValue, "label": localizer.text("style_shape_\(shape.rawValue)", language),
                 "selected": shape.rawValue == form.values["shape"]]
            },
        ]
    }
}
