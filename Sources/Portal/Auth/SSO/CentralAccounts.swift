import Foundation
import HTTP
import OIDC
import Store

/// Who a verified central account is here.
enum CentralAccount {
    /// A local account, tied now or before.
    case account(User)
    /// An official waiting for an administrator (or refused by one).
    case waiting(AccessRequest)
    /// Cannot be used; a locale key says why.
    case unusable(String)
}

extension Portal {
    /// The local account of a verified central account, in this order: the account tied to its
    /// issuer and subject; the account whose username the username claim names (tied now — but
    /// never a system administrator's, who signs in with a local password); a new viewer account
    /// in the agency the agency claim names, when the settings allow it; else a request for an
    /// administrator to place the official.
    func official(_ claims: JSONObject, _ settings: SSOSettings, _ request: Request) throws -> CentralAccount {
        guard let subject = claims.string("sub") else { return .unusable("sso_problem_username") }
        if let user = try identities.user(issuer: settings.issuer, subject: subject) { return .account(user) }
        guard let rawName = claims.string(settings.usernameClaim) else { return .unusable("sso_problem_username") }
        let username = rawName.trimmingCharacters(in: .whitespaces).lowercased()
        guard AdminForm.matches(username, first: AdminForm.lowerAlnum, rest: AdminForm.lowerAlnum.union([".", "-", "_"]),
                                length: 2...64) else { return .unusable("sso_problem_username") }
        if let existing = try users.find(username: username) {
            guard existing.role != .sysadmin else { return .unusable("sso_problem_sysadmin") }
            try identities.link(issuer: settings.issuer, subject: subject, userID: existing.id)
            audit(request, "user.link.sso", target: existing.username, detail: "issuer=\(settings.issuer)", username: existing.username)
            return .account(existing)
        }
        let displayName = Self.claimLine(claims.string(settings.nameClaim)) ?? username
        let email = Self.claimLine(claims.string(settings.emailClaim))
        let claimed = settings.agencyClaim.isEmpty ? nil : Self.claimLine(claims.string(settings.agencyClaim))?.lowercased()
        if settings.newAccounts == .claim, let code = claimed, let agency = try agencies.find(code: code),
           !agency.disabled, !agency.isSystem {
            do {
                let user = try identities.createLinked(issuer: settings.issuer, subject: subject, username: username,
                                                       displayName: displayName, email: email, agencyID: agency.id, role: .viewer)
                audit(request, "user.create.sso", target: username, detail: "agency=\(agency.code); role=viewer", username: username)
                return .account(user)
            } catch {
                guard case .invalid = error else { throw error }
                return .unusable("sso_problem_username")
            }
        }
        return .waiting(try identities.fileRequest(issuer: settings.issuer, subject: subject, username: username,
                                                   displayName: displayName, email: email, claimedAgency: claimed))
    }

    /// A claim's text as one line of at most 200 characters in NFC, or nil.
    static func claimLine(_ value: String?) -> String? {
        guard let value else { return nil }
        let line = String(value.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
            .unicodeScalars.filter { $0.properties.generalCategory != .control }.prefix(200))
        return line.isEmpty ? nil : line
    }
}
