import Cartography
import Foundation
import HTTP
import Store

/// The approver's decisions on a proposed style. Each form carries the fingerprint of the
/// proposal the approver saw, so a proposal replaced in the meantime is never decided unseen.
extension Portal {
    /// `POST /layers/{slug}/style/approve`: the proposal becomes the layer's style; tiles and
    /// legends change with it (a new fingerprint is a new cache key).
    func approveStyle(_ request: Request) throws -> Response {
        try decideStyle(request, done: "style_approved") { decision throws(StoreError) in
            guard (try? Style(json: decision.proposal.json)) != nil else { return "style_problem_stored" }
            try LayerStyles(database).approve(layerID: decision.layer.id, expected: decision.proposal.json,
                                              userID: decision.actor.userID,
                                              audit: decision.audit("layer.style_approve", detail: ""))
            return nil
        }
    }

    /// `POST /layers/{slug}/style/reject`: the proposal goes, with a reason the editors read.
    func rejectStyle(_ request: Request) throws -> Response {
        let form = try checkedForm(request)
        let reason: String
        do {
            reason = try form.line("reason", label: "style_field_reason", maxLength: 500)
        } catch {
            let layer = try authorizedLayer(request.parameters["slug"] ?? "", request, .approve)
            return try stylePage(request, layer, error: message(error, Localizer.language(for: request)), status: 400)
        }
        return try decideStyle(request, form: form, done: "style_rejected") { decision throws(StoreError) in
            try LayerStyles(database).reject(layerID: decision.layer.id, expected: decision.proposal.json,
                                             userID: decision.actor.userID, reason: reason,
                                             audit: decision.audit("layer.style_reject", detail: "; reason=\(reason)"))
            return nil
        }
    }

    /// What an approver's decision acts on: the layer, the approver and the proposal they saw.
    struct StyleDecision {
        let layer: LayerSummary
        let actor: Actor
        let proposal: (json: String, fingerprint: String)
        let clientAddress: String

        func audit(_ action: String, detail: String) -> AuditEntry {
            AuditEntry(userID: actor.userID, username: actor.username, agencyID: actor.agencyID, action: action,
                       target: layer.slug, detail: "fingerprint=\(proposal.fingerprint)" + detail,
                       clientAddress: clientAddress)
        }
    }

    /// An approver's decision on the proposal of the path: the CSRF token, `.approve` (else the
    /// missing layer's 404), the proposal the form saw (else the style page, 409), then `decide`,
    /// which answers nil when done or the locale key of why it refused (the style page, 409). A
    /// proposal decided or replaced between the check and the write (the store's `.invalid`)
    /// is a 409 too.
    private func decideStyle(_ request: Request, form: AdminForm? = nil, done: String,
                             _ decide: (StyleDecision) throws(StoreError) -> String?) throws -> Response {
        let posted = try form ?? checkedForm(request)
        let layer = try authorizedLayer(request.parameters["slug"] ?? "", request, .approve)
        guard let actor = actor(for: request) else { throw HTTPError(404, "no such layer") }
        let language = Localizer.language(for: request)
        let refuse = { (key: String) in try self.stylePage(request, layer, error: self.localizer.text(key, language), status: 409) }
        let decision: StyleDecision
        switch try reviewedProposal(layer, posted) {
        case .success(let proposal):
            decision = StyleDecision(layer: layer, actor: actor, proposal: proposal, clientAddress: request.remoteAddress)
        case .failure(let problem):
            return try refuse(problem.key)
        }
        let problem: String?
        do {
            problem = try decide(decision)
        } catch {
            guard case .invalid = error else { throw error }
            return try refuse(ProposalProblem.replaced.key)
        }
        if let problem { return try refuse(problem) }
        return .redirect(to: "/layers/\(layer.slug)/style?done=\(done)")
    }

    /// Why a decision cannot be taken on what the approver saw.
    enum ProposalProblem: Error {
        /// Nothing waits for approval (decided already, by another approver or an earlier click).
        case none
        /// The proposal was replaced after the page was shown.
        case replaced

        var key: String {
            switch self {
            case .none: return "style_problem_not_pending"
            case .replaced: return "style_problem_replaced"
            }
        }
    }

    /// The proposal waiting on `layer` when it is the one whose fingerprint the form carries.
    private func reviewedProposal(_ layer: LayerSummary, _ form: AdminForm)
        throws -> Result<(json: String, fingerprint: String), ProposalProblem> {
        guard let json = try LayerStyles(database).state(layerID: layer.id)?.pending else { return .failure(.none) }
        let fingerprint = Self.proposalFingerprint(json)
        guard form.text("pending") == fingerprint else { return .failure(.replaced) }
        return .success((json, fingerprint))
    }

    /// The fingerprint a decision form carries for a proposal: its style's, or for stored text
    /// that is no longer a valid style, the fingerprint of the text itself.
    static func proposalFingerprint(_ json: String) -> String {
        if let style = try? Style(json: json) { return style.fingerprint }
        return "text-" + Style.fingerprint(of: json)
    }
}
