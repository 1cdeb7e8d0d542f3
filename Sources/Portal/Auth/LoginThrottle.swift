import Foundation

/// When repeated failed sign-ins are slowed, then refused for a while.
///
/// Per account: after `slowAfter` failures each further attempt must wait 2^(n - slowAfter) seconds
/// after the previous failure; at `lockAfter` failures the account is refused for `lockout`.
/// Per address: at `addressLockAfter` failures in the window the address is refused for `lockout`.
/// A success clears the account's count. Nothing here sleeps on a worker thread.
public struct LoginThrottle: Sendable {
    public var window: TimeInterval = 15 * 60
    public var slowAfter = 3
    public var lockAfter = 6
    public var addressLockAfter = 20
    public var lockout: TimeInterval = 15 * 60

    public init() {}

    /// What to do with an attempt now.
    public enum Verdict: Equatable, Sendable {
        case allow
        case wait(seconds: Int)
        case locked(seconds: Int)
    }

    public func verdict(failuresForUser: Int, failuresForAddress: Int, lastFailure: Date?, now: Date) -> Verdict {
        guard let last = lastFailure else { return .allow }
        let since = now.timeIntervalSince(last)
        if failuresForUser >= lockAfter || failuresForAddress >= addressLockAfter {
            let remaining = lockout - since
            return remaining > 0 ? .locked(seconds: Int(remaining.rounded(.up))) : .allow
        }
        if failuresForUser >= slowAfter {
            let delay = pow(2, Double(failuresForUser - slowAfter))
            let remaining = delay - since
            return remaining > 0 ? .wait(seconds: Int(remaining.rounded(.up))) : .allow
        }
        return .allow
    }
}
