import Foundation
import HTTP

/// Who the client is, behind the reverse proxies the sysadmin trusts (`--trusted-proxy`).
///
/// From a trusted proxy, the client is the right-most address of X-Forwarded-For that is not
/// itself a trusted proxy, and X-Forwarded-Proto says whether it came over HTTPS. From anyone
/// else both headers are removed before any handler sees the request: a client cannot name
/// its own address (to dodge the sign-in throttle, or to pose as another) nor claim HTTPS.
enum ClientAddress {
    static func resolve(_ request: Request, trusting proxies: [AddressRange]) -> Request {
        var request = request
        guard !proxies.isEmpty, AddressRange.any(proxies, contains: request.peerAddress) else {
            request.headers["X-Forwarded-For"] = nil
            request.headers["X-Forwarded-Proto"] = nil
            return request
        }
        let hops = request.headers.values("X-Forwarded-For")
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard AddressRange(hop) != nil else { break }   // not an address: stop believing the chain
            if AddressRange.any(proxies, contains: hop) { continue }
            request.remoteAddress = hop
            break
        }
        return request
    }
}
