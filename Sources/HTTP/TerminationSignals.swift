import Foundation
import Glibc
import Synchronization

/// Routes SIGTERM and SIGINT to callbacks (typically `server.shutdown()`) and ignores SIGPIPE.
///
/// The signal handler only writes the signal number to a pipe (async-signal-safe); a watcher
/// thread reads it and runs the callbacks. This works whichever thread the kernel picks and
/// whatever the threads' signal masks are, unlike signal sources that rely on the signal being
/// blocked everywhere.
public enum TerminationSignals {
    private static let pipeWrite = Atomic<Int32>(-1)
    private static let callbacks = Mutex<[@Sendable (Int32) -> Void]>([])
    private static let watching = Mutex<Bool>(false)

    /// Adds a callback for SIGTERM and SIGINT; it runs on a background thread with the signal
    /// number. The first call installs the handlers.
    public static func install(_ onSignal: @escaping @Sendable (Int32) -> Void) {
        signal(SIGPIPE, SIG_IGN)
        callbacks.withLock { $0.append(onSignal) }
        let first = watching.withLock { started -> Bool in
            defer { started = true }
            return !started
        }
        guard first else { return }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK)
        pipeWrite.store(ends[1], ordering: .sequentiallyConsistent)
        let readEnd = ends[0]
        // A process may start with these signals blocked (a parent that spawned it from a thread
        // that blocks them passes its mask on); a signal blocked in every thread stays pending
        // forever, so unblock them here, in the calling thread and in the watcher.
        unblockTerminationSignals()
        let watcher = Thread {
            unblockTerminationSignals()
            var byte: UInt8 = 0
            while true {
                let n = read(readEnd, &byte, 1)
                if n == 1 {
                    for callback in callbacks.withLock({ $0 }) { callback(Int32(byte)) }
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
        watcher.name = "termination-signals"
        watcher.start()
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { number in
            let saved = errno
            var byte = UInt8(truncatingIfNeeded: number)
            _ = write(TerminationSignals.pipeWrite.load(ordering: .relaxed), &byte, 1)
            errno = saved
        }
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        sigaction(SIGTERM, &action, nil)
        sigaction(SIGINT, &action, nil)
    }

    /// Removes SIGTERM and SIGINT from the calling thread's blocked set.
    private static func unblockTerminationSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}
