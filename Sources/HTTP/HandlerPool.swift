import Foundation

/// The threads that run handlers, with a bounded queue in front of them.
///
/// Handlers may block for as long as SQLite, Argon2id, rendering or a preview takes; they run
/// here, never on the I/O threads, so a blocked handler holds one of these threads and nothing
/// else. `submit` never waits: when every thread is busy and the queue is full it refuses, and
/// the caller answers 503 at once. Jobs from one client address beyond `perClientLimit` (queued
/// or running) are refused the same way, so one address cannot take every thread.
final class HandlerPool: @unchecked Sendable {
    // `queue`, `perClient`, `running` and `stopped` are guarded by `lock`.
    private let lock = ConditionLock()
    private var queue: [Job] = []
    private var head = 0
    private var perClient: [String: Int] = [:]
    private var running = 0
    private var stopped = false
    private let capacity: Int
    private let perClientLimit: Int
    private let exempt: @Sendable (String) -> Bool
    private let threadCount: Int
    private var pool: WorkerPool?

    struct Job {
        let client: String
        let run: () -> Void
        let then: () -> Void
    }


    /// `threads` handler threads; at most `queueCapacity` jobs wait; at most `perClientLimit`
    /// jobs per client address (unless `exempt` says the address is a trusted proxy).
    init(threads: Int, queueCapacity: Int, perClientLimit: Int, exempt: @escaping @Sendable (String) -> Bool = { _ in false }) {
        self.capacity = max(0, queueCapacity)
        self.perClientLimit = max(1, perClientLimit)
        self.exempt = exempt
        self.threadCount = max(1, threads)
    }

    /// Starts the threads; call once.
    func start() {
        pool = WorkerPool(threads: threadCount, name: "http-handler") { [self] in self.work() }
    }

    /// Queues `run`; false (and nothing queued) when the pool is full or the client is over its
    /// share. `then` runs on the same thread once the job's slot is given back (so a client that
    /// has its answer can never find its own finished request still counted against it).
    func submit(client: String, _ run: @escaping () -> Void, then: @escaping () -> Void = {}) -> Bool {
        lock.withLock {
            guard !stopped else { return false }
            let busy = running + queue.count - head
            guard busy < threadCount + capacity else { return false }
            let counted = !exempt(client)
            if counted {
                let mine = perClient[client, default: 0]
                guard mine < perClientLimit else { return false }
                perClient[client] = mine + 1
            }
            queue.append(Job(client: counted ? client : "", run: run, then: then))
            lock.signal()
            return true
        }
    }

    var load: ServerLoad {
        lock.withLock { ServerLoad(queuedRequests: queue.count - head, runningHandlers: running, handlerThreads: threadCount) }
    }

    /// Lets the threads finish the jobs already queued, then stops them; blocks until they have.
    func stop() {
        lock.withLock {
            stopped = true
            lock.broadcast()
        }
        pool?.join()
    }

    private func work() {
        while let job = nextJob() {
            job.run()
            lock.withLock {
                running -= 1
                if !job.client.isEmpty {
                    let left = (perClient[job.client] ?? 1) - 1
                    perClient[job.client] = left > 0 ? left : nil
                }
            }
            job.then()
        }
    }

    private func nextJob() -> Job? {
        lock.withLock {
            while head == queue.count && !stopped { lock.wait() }
            guard head < queue.count else { return nil }
            let job = queue[head]
            head += 1
            if head == queue.count {
                queue.removeAll(keepingCapacity: queue.capacity <= 1024)
                head = 0
            }
            running += 1
            return job
        }
    }
}
