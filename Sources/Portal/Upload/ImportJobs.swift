// Design note — imports in the background.
//
// An import reads, checks and writes a whole file: seconds to minutes. It must not hold an HTTP
// worker, nor run on Swift's cooperative pool (it blocks on SQLite). Jobs wait in a queue served
// by at most `maxConcurrent` dedicated threads, started when work arrives and ending when the
// queue is empty, so an idle portal holds no thread. SQLite has one writer anyway; more threads
// would only wait for each other. Each job's state is kept in memory (a restart forgets it, and
// the import it was running rolled back with the process); a finished job's result is kept for
// `retention`, long enough for its status page to be read.
import Foundation
import Synchronization

/// Where one background import stands.
enum ImportJobState: Sendable {
    case queued
    /// Running; `total` is 0 while the file is read and checked, then features written of total.
    case running(written: Int, total: Int)
    case done(ImportOutcome)
    /// Refused or failed, with the pipeline's error naming what and where (worded for each
    /// reader of the status page in their language).
    case failed(ImportError)

    /// "queued", "running", "done" or "failed".
    var name: String {
        switch self {
        case .queued: return "queued"
        case .running: return "running"
        case .done: return "done"
        case .failed: return "failed"
        }
    }

    var isFinished: Bool {
        switch self {
        case .done, .failed: return true
        case .queued, .running: return false
        }
    }
}

/// The background import queue of one portal router, keyed by upload token.
final class ImportJobs: Sendable {
    /// A job: whose it is, where it stands, when it finished.
    struct Job: Sendable {
        var ownerUserID: Int64
        var layerSlug: String?
        var state: ImportJobState
        var finishedAt: Date?
    }

    /// Reports progress and returns the outcome, or throws the pipeline's refusal.
    typealias Work = @Sendable (_ progress: @escaping @Sendable (Int, Int) -> Void) throws(ImportError) -> ImportOutcome

    /// Imports running at once.
    let maxConcurrent: Int
    /// How long a finished job's result stays readable.
    static let retention: TimeInterval = 60 * 60

    private struct Queue {
        var waiting: [(token: String, work: Work, finally: @Sendable () -> Void)] = []
        var threads = 0
    }

    private let jobs = Mutex<[String: Job]>([:])
    private let queue = Mutex(Queue())

    init(maxConcurrent: Int = 1) {
        self.maxConcurrent = max(1, maxConcurrent)
    }

    /// The job of `token`, if any.
    func job(_ token: String) -> Job? { jobs.withLock { $0[token] } }

    /// Tokens whose imports are queued or running (their files must stay).
    var activeTokens: Set<String> {
        jobs.withLock { Set($0.filter { !$0.value.state.isFinished }.keys) }
    }

    /// Queues `work` for `token`; `finally` runs after it, whatever the outcome. False (and
    /// nothing queued) when the token already has a job.
    @discardableResult
    func submit(_ token: String, owner: Int64, layerSlug: String?, work: @escaping Work,
                finally: @escaping @Sendable () -> Void) -> Bool {
        let now = Date()
        let added = jobs.withLock { jobs -> Bool in
            jobs = jobs.filter { $0.value.finishedAt.map { now.timeIntervalSince($0) < Self.retention } ?? true }
            guard jobs[token] == nil else { return false }
            jobs[token] = Job(ownerUserID: owner, layerSlug: layerSlug, state: .queued, finishedAt: nil)
            return true
        }
        guard added else { return false }
        let startThread = queue.withLock { queue -> Bool in
            queue.waiting.append((token, work, finally))
            guard queue.threads < maxConcurrent else { return false }
            queue.threads += 1
            return true
        }
        if startThread {
            let thread = Thread { [self] in drain() }
            thread.name = "bando-import"
            thread.start()
        }
        return true
    }

    /// Runs queued jobs until none is left, then lets the thread end.
    private func drain() {
        while let next = queue.withLock({ queue -> (token: String, work: Work, finally: @Sendable () -> Void)? in
            if queue.waiting.isEmpty {
                queue.threads -= 1
                return nil
            }
            return queue.waiting.removeFirst()
        }) {
            let token = next.token
            update(token, .running(written: 0, total: 0))
            let state: ImportJobState
            do {
                state = .done(try next.work { [self] written, total in update(token, .running(written: written, total: total)) })
            } catch {
                state = .failed(error)
            }
            next.finally()
            update(token, state)
        }
    }

    private func update(_ token: String, _ state: ImportJobState) {
        jobs.withLock { jobs in
            jobs[token]?.state = state
            if state.isFinished { jobs[token]?.finishedAt = Date() }
        }
    }
}
