import Dispatch
import Foundation

/// At most `capacity` previews read files at once, whatever the number of request workers: a
/// preview may take seconds and much memory, and the workers must stay free for everyone else.
/// A request that finds every slot taken waits `patience` at most, then is told to come back
/// (the page answers 503 with `Retry-After`) rather than holding its worker any longer.
final class PreviewGate: Sendable {
    /// The gate of the process.
    static let shared = PreviewGate()

    let capacity: Int
    let patience: TimeInterval
    private let slots: DispatchSemaphore

    init(capacity: Int = 2, patience: TimeInterval = 0.5) {
        self.capacity = max(1, capacity)
        self.patience = max(0, patience)
        slots = DispatchSemaphore(value: self.capacity)
    }

    /// Takes a slot, waiting `patience` at most; false when none came free.
    func enter() -> Bool {
        slots.wait(timeout: .now() + patience) == .success
    }

    /// Gives back a slot taken by `enter`.
    func leave() {
        slots.signal()
    }
}
