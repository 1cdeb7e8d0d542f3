import Foundation
import Store

/// When repeated failed sign-ins are slowed, then refused for a while.
///
/// Counted per (account, client address), so a stranger guessing at an account cannot lock its
/// owner out from the owner's own desk:
/// - one account from one address: after `slowAfter` failures each further attempt waits
///   2^(n - slowAfter) seconds after the previous failure; at `lockAfter` that pair is refused
///   for `lockout`;
/// - one address, whatever the accounts: at `addressLockAfter` failures in the window the
///   address is refused for `lockout` (guessing across many accounts);
/// - one account from addresses that have not failed for it: never locked; once the account
///   has `lockAfter` failures elsewhere, an attempt waits at most `maximumSlowdown` seconds
///   after the account's latest failure.
/// A success clears the account's counts. Client addresses are the real clients' (behind a
/// trusted proxy, from its X-Forwarded-For). Nothing here sleeps on a thread.
public struct LoginThrottle: Sendable {
    public var window: TimeInterval = 15 * 60
    public var slowAfter = 3
    public var lockAfter = 6
    public var addressLockAfter = 20
    public var lockout: TimeInterval = 15 * 60
    public var maximumSlowdown: TimeInterval = 5

    public init() {}

    /// What to do with an attempt now.
    public enum Verdict: Equatable, Sendable {
        case allow
        case wait(seconds: Int)
        case locked(seconds: Int)
    }

    /// Failures in the window (since the account's last success), and when the latest was.
    public typealias Failures = LoginFailures

    public func verdict(_ failures: Failures, now: Date) -> Verdict {
        var verdict = Verdict.allow
        func worse(_ other: Verdict) {
            switch (verdict, other) {
            case (_, .allow), (.locked, .wait): return
            case (.locked(let a), .locked(let b)): verdict = .locked(seconds: max(a, b))
            case (.wait(let a), .wait(let b)): verdict = .wait(seconds: max(a, b))
            default: verdict = other
            }
        }
        func remaining(_ span: TimeInterval, after last: Date?) -> Int? {
            guard let last else { return nil }
            let left = span - now.timeIntervalSince(last)
            return left > 0 ? Int(left.rounded(.up)) : nil
        }
        if failures.address >= addressLockAfter, let seconds = remaining(lockout, after: failures.lastForAddress) {
            worse(.locked(seconds: seconds))
        }
        if failures.pair >= lockAfter {
            if let seconds = remaining(lockout, after: failures.lastForPair) { worse(.locked(seconds: seconds)) }
        } else if failures.pair >= slowAfter {
            if let seconds = remaining(pow(2, Double(failures.pair - slowAfter)), after: failures.lastForPair) {
                worse(.wait(seconds: seconds))
            }
        }
        if failures.pair == 0, failures.account >= lockAfter,
           let seconds = remaining(maximumSlowdown, after: failures.lastForAccount) {
            worse(.wait(seconds: seconds))
        }
        return verdict
    }
}
