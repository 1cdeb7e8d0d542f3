import Foundation
import Synchronization

/// A token bucket per access token: another system may read steadily and in bursts (a QGIS
/// canvas asks for dozens of tiles at once), but one runaway script cannot take the portal.
/// `BANDO_TOKEN_RATE` sets the sustained requests per second (default 50); the bucket holds
/// ten seconds of them.
final class TokenRateLimit: Sendable {
    let perSecond: Double
    let burst: Double
    private let buckets = Mutex<[Int64: (tokens: Double, at: Double)]>([:])

    init(perSecond: Double = 50) {
        self.perSecond = max(0.1, perSecond)
        burst = max(1, self.perSecond * 10)
    }

    static func configured(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> TokenRateLimit {
        guard let text = environment["BANDO_TOKEN_RATE"], let rate = Double(text), rate > 0 else { return TokenRateLimit() }
        return TokenRateLimit(perSecond: rate)
    }

    /// Takes one request from token `id`'s bucket at `now` (seconds); nil when allowed, else
    /// the whole seconds to wait.
    func take(_ id: Int64, now: Double = Date().timeIntervalSinceReferenceDate) -> Int? {
        buckets.withLock { buckets in
            var bucket = buckets[id] ?? (burst, now)
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.at) * perSecond)
            bucket.at = now
            defer { buckets[id] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
        }
    }
}
