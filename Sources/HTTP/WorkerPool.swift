import Foundation
import Glibc

/// A fixed set of named threads running one body each (the I/O threads, the handler threads),
/// and a way to wait until every one has returned.
final class WorkerPool: Sendable {
    private let finished = ConditionLock()
    private let running: Running

    /// The count of live threads, guarded by `finished`.
    private final class Running: @unchecked Sendable {
        var count = 0
    }

    /// Starts `threads` threads running `body` until it returns.
    init(threads: Int, name: String, body: @escaping @Sendable () -> Void) {
        running = Running()
        running.count = threads
        for index in 0..<threads {
            let thread = Thread { [finished, running] in
                body()
                finished.withLock {
                    running.count -= 1
                    finished.broadcast()
                }
            }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    /// Blocks until every thread's body has returned.
    func join() {
        finished.withLock {
            while running.count > 0 { finished.wait() }
        }
    }
}
