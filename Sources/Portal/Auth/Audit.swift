import Foundation
import HTTP
import Store

extension Portal {
    /// Appends an entry to the audit log for the request's actor (or the given user).
    /// An audit write that fails is logged loudly; the action it records has already happened.
    func audit(_ request: Request, _ action: String, target: String, detail: String = "",
               actor explicit: Actor? = nil, username: String? = nil) {
        let entry = auditEntry(request, action, target: target, detail: detail, actor: explicit, username: username)
        do { try auditLog.append(entry) } catch {
            logger.error("audit log write failed for \(action) \(target): \(error)")
        }
    }

    /// The audit entry of `action` by the request's actor (or `explicit`); what is done through
    /// a token says which token, for the owner to trace and revoke.
    func auditEntry(_ request: Request, _ action: String, target: String, detail: String = "",
                    actor explicit: Actor? = nil, username: String? = nil) -> AuditEntry {
        let actor = explicit ?? self.actor(for: request)
        var detail = detail
        if let token = (request.context as? RequestContext)?.token {
            detail += (detail.isEmpty ? "" : "; ") + "token=\(token.name) (#\(token.id))"
        }
        return AuditEntry(userID: actor?.userID, username: actor?.username ?? username, agencyID: actor?.agencyID,
                          action: action, target: target, detail: detail, clientAddress: request.remoteAddress)
    }
}
