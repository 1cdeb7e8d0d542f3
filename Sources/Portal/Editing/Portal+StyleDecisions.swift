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
        let posted = try checkedForm(request)
        let layer = try authorizedLayer(request.parameters["slug"] ?? "", request, .approve)
        guard let actor = actor(for: request) else { throw HTTPError(404, "no such layer") }
        let language = Localizer.language(for: request)
        let proposal: (json: String, fingerprint: String)
        switch try reviewedProposal(layer, posted) {
        case .success(let found): proposal = found
        case .failure(let problem): return try stylePage(request, layer, error: localizer.text(problem.key, language), status: 409)
        }
        guard (try? Style(json: proposal.json)) != nil else {
            return try stylePage(request, layer, error: localizer.text("style_problem_stored", language), status: 409)
        }
        let audit = AuditEntry(userID: actor.userID, username: actor.username, agencyID: actor.agencyID,
                               action: "layer.style_approve", target: layer.slug,
                               detail: "fingerprint=\(proposal.fingerprint)", clientAddress: request.remoteAddress)
        do {
            try LayerStyles(database).approve(layerID: layer.id, expected: proposal.json, userID: actor.userID, audit: audit)
        } catch {
            // `.invalid`: decided or replaced between the check above and the write.
            guard case .invalid = error else { throw error }
            return try stylePage(request, layer, error: localizer.text(ProposalProblem.replaced.key, language), status: 409)
        }
        return .redirect(to: "/layers/\(layer.slug)/style?done=style_approved")
    }

    /// `POST /layers/{slug}/style/reject`: the proposal goes, with a reason the editors read.
    func rejectStyle(_ request: Request) throws -> Response {
        let posted = try checkedForm(request)
        let layer = try authorizedLayer(request.parameters["slug"] ?? "", request, .approve)
        guard let actor = actor(for: request) else { throw HTTPError(404, "no such layer") }
        let language = Localizer.language(for: request)
        let proposal: (json: String, fingerprint: String)
        switch try reviewedProposal(layer, posted) {
        case .success(let found): proposal = found
        case .failure(let problem): return try stylePage(request, layer, error: localizer.text(problem.key, language), status: 409)
        }
        let reason: String
        do {
            reason = try posted.line("reason", label: "style_field_reason", maxLength: 500)
        } catch {
            return try stylePage(request, layer, error: message(error, language), status: 400)
        }
        let audit = AuditEntry(userID: actor.userID, username: actor.username, agencyID: actor.agencyID,
                               action: "layer.style_reject", target: layer.slug,
                               detail: "fingerprint=\(proposal.fingerprint); reason=\(reason)",
                               clientAddress: request.remoteAddress)
        do {
            try LayerStyles(database).reject(layerID: layer.id, expected: proposal.json, userID: actor.userID,
                                             reason: reason, audit: audit)
        } catch {
            // `.invalid`: decided or replaced between the check above and the write.
            guard case .invalid = error else { throw error }
            return try stylePage(request, layer, error: localizer.text(ProposalProblem.replaced.key, language), status: 409)
        }
        return .redirect(to: "/layers/\(layer.slug)/style?done=style_rejected")
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
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in json.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return "text-" + String(hash, radix: 16)
    }
}
