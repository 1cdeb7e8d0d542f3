import Foundation
import OIDC
import Store

/// The system administrator's settings for sign-in with the province's central accounts,
/// kept in the store as one JSON value (`settings.sso`).
struct SSOSettings: Codable, Equatable, Sendable {
    /// How an official the portal does not know yet gets an account.
    enum NewAccounts: String, Codable, CaseIterable, Sendable {
        /// The agency claim names an agency by its code: a viewer account is made there at once;
        /// without a usable claim, as `approval`.
        case claim
        /// An administrator places the official in an agency first.
        case approval
    }

    var enabled = false
    /// The sign-in button's text; empty for the localized default.
    var label = ""
    var issuer = ""
    var clientID = ""
    var clientSecret = ""
    var redirectURI = ""
    var scope = "openid profile email"
    /// The claim whose value is the local username.
    var usernameClaim = "preferred_username"
    var nameClaim = "name"
    var emailClaim = "email"
    /// The claim that names the official's agency by code; empty for none.
    var agencyClaim = ""
    var newAccounts: NewAccounts = .approval
    /// Seconds the provider's clock may be off.
    var clockSkew = 120

    static let key = "sso"

    init() {}

    /// Members missing from a stored value (written by an older Bando) take their defaults.
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SSOSettings()
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? d.enabled
        label = try c.decodeIfPresent(String.self, forKey: .label) ?? d.label
        issuer = try c.decodeIfPresent(String.self, forKey: .issuer) ?? d.issuer
        clientID = try c.decodeIfPresent(String.self, forKey: .clientID) ?? d.clientID
        clientSecret = try c.decodeIfPresent(String.self, forKey: .clientSecret) ?? d.clientSecret
        redirectURI = try c.decodeIfPresent(String.self, forKey: .redirectURI) ?? d.redirectURI
        scope = try c.decodeIfPresent(String.self, forKey: .scope) ?? d.scope
        usernameClaim = try c.decodeIfPresent(String.self, forKey: .usernameClaim) ?? d.usernameClaim
        nameClaim = try c.decodeIfPresent(String.self, forKey: .nameClaim) ?? d.nameClaim
        emailClaim = try c.decodeIfPresent(String.self, forKey: .emailClaim) ?? d.emailClaim
        agencyClaim = try c.decodeIfPresent(String.self, forKey: .agencyClaim) ?? d.agencyClaim
        newAccounts = try c.decodeIfPresent(NewAccounts.self, forKey: .newAccounts) ?? d.newAccounts
        clockSkew = try c.decodeIfPresent(Int.self, forKey: .clockSkew) ?? d.clockSkew
    }

    static func load(_ settings: SettingsRepository) -> SSOSettings {
        guard let text = try? settings.get(key), let value = try? JSONDecoder().decode(SSOSettings.self, from: Data(text.utf8)) else {
            return SSOSettings()
        }
        return value
    }

    func save(_ settings: SettingsRepository) throws {
        let data = try JSONEncoder().encode(self)
        try settings.set(Self.key, String(decoding: data, as: UTF8.self))
    }

    var client: OpenIDClient.Configuration {
        OpenIDClient.Configuration(issuer: issuer, clientID: clientID, clientSecret: clientSecret, redirectURI: redirectURI,
                                   scope: scope, clockSkew: TimeInterval(clockSkew))
    }
}

/// The relying party for the current settings, kept between requests (its discovery document and
/// keys with it) and replaced when the settings change.
final class SSOService: @unchecked Sendable {
    private let lock = NSLock()
    private var current: OpenIDClient?

    func client(for settings: SSOSettings) -> OpenIDClient {
        lock.withLock {
            if let current, current.configuration == settings.client { return current }
            let fresh = OpenIDClient(settings.client)
            current = fresh
            return fresh
        }
    }
}
