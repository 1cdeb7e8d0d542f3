import Foundation
import Glibc

/// The worker threads: each waits on the connections' epoll set for one ready connection at a
/// time and serves it — non-blocking reads and parsing, then the handler, then the write — so a
/// request costs no hand-off between threads. Handlers may block; a blocked worker simply stops
/// taking events while the others go on.
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
