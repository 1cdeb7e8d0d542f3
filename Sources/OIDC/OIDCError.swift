/// Why a sign-in through an OpenID provider did not happen.
public enum OIDCError: Error, Equatable, CustomStringConvertible {
    /// The portal's settings cannot work: an issuer that is not a URL, plain HTTP to another host,
    /// a discovery document for another issuer.
    case configuration(String)
    /// The provider did not answer, or answered something that is not what the protocol says.
    case provider(String)
    /// The provider refused (the official cancelled, a code already used, a wrong client secret).
    case refused(String)
    /// The ID token fails a check: signature, issuer, audience, time, nonce.
    case invalidToken(String)

    public var description: String {
        switch self {
        case .configuration(let text): "configuration: \(text)"
        case .provider(let text): "provider: \(text)"
        case .refused(let text): "refused: \(text)"
        case .invalidToken(let text): "ID token: \(text)"
        }
    }
}
