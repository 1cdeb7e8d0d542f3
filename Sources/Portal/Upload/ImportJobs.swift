// Design note — imports in the background.
//
// An import reads, checks and writes a whole file: seconds to minutes. It must not hold an HTTP
// worker, nor run on Swift's cooperative pool (it blocks on SQLite). Jobs wait in a queue served
// by at most `maxConcurrent` dedicated threads, started when work arrives and ending when the
// queue is empty, so an idle portal holds no thread. When a thread takes the next job it prefers
// one of an agency with no import running, so one agency's large imports never hold every slot
// against the others' waiting ones. Each person may have `maxPerOwner` jobs waiting or running.
//
// Imports run side by side while they read and check their files; each writes its version in
// one transaction through GRDB's `DatabasePool.write`, which runs writes one at a time on the
// pool's single writer connection. So two writes never interleave: the second waits for the
// first to commit (or roll back), and every decision taken inside the transaction — a new
// layer's slug, the next version number — sees the other's result. The progress of an import
// waiting for the writer stays at "reading and checking" (its total is unknown until its
// transaction starts), then counts as it writes.
//
// Each job's state is kept in memory (a restart forgets it, and the import it was running rolled
// back with the process; the staged file of a job still waiting is left to the sweep like any
// abandoned upload); a finished job's result is kept for `retention`, long enough for its
// status page to be read.
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
        var agencyCode: String
        var layerSlug: String?
        var state: ImportJobState
        var finishedAt: Date?
    }

    /// Reports progress and returns the outcome, or throws the pipeline's refusal.
    typealias Work = @Sendable (_ progress: @escaping @Sendable (Int, Int) -> Void) throws(ImportError) -> ImportOutcome

    /// What `submit` did.
    enum Submission: Equatable {
        case queued
        /// The token already has a job; nothing was queued.
        case alreadySubmitted
        /// The owner already has `maxPerOwner` jobs waiting or running; nothing was queued.
        case ownerAtLimit(Int)
    }

    /// Imports running at once.
    let maxConcurrent: Int
    /// Jobs one person may have waiting or running.
    let maxPerOwner: Int
    /// How long a finished job's result stays readable.
    static let retention: TimeInterval = 60 * 60

    private struct Waiting {
        var token: String
        var agencyCode: String
        var work: Work
        var finally: @Sendable () -> Void
    }

    private struct Queue {
        var waiting: [Waiting] = []
        var threads = 0
        /// Agencies of the imports running now, one entry per import.
        var running: [String] = []

        /// The next job: the first of an agency with no import running, else the first.
        mutating func next() -> Waiting? {
            guard !waiting.isEmpty else { return nil }
            let index = waiting.firstIndex { !running.contains($0.agencyCode) } ?? 0
            return waiting.remove(at: index)
        }
    }

    private let jobs = Mutex<[String: Job]>([:])
    private let queue = Mutex(Queue())
    /// Called on the import thread as each job starts, before its work; tests hold jobs there.
    private let beforeEach: (@Sendable (String) -> Void)?

    init(maxConcurrent: Int = 1, maxPerOwner: Int = .max, beforeEach: (@Sendable (String) -> Void)? = nil) {
        self.maxConcurrent = max(1, maxConcurrent)
        self.maxPerOwner = max(1, maxPerOwner)
        self.beforeEach = beforeEach
    }

    /// Imports waiting for a thread and imports running, for metrics.
    var counts: (queued: Int, running: Int) {
        queue.withLock { ($0.waiting.count, $0.running.count) }
    }

    /// The job of `token`, if any.
    func job(_ token: String) -> Job? { jobs.withLock { $0[token] } }

    /// Tokens whose imports are queued or running (their files must stay).
    var activeTokens: Set<String> {
        jobs.withLock { Set($0.filter { !$0.value.state.isFinished }.keys) }
    }

    /// Queues `work` for `token`; `finally` runs after it, whatever the outcome. Nothing is
    /// queued when the token already has a job or its owner has `maxPerOwner` unfinished ones.
    @discardableResult
    func submit(_ token: String, owner: Int64, agencyCode: String, layerSlug: String?, work: @escaping Work,
                finally: @escaping @Sendable () -> Void) -> Submission {
        let now = Date()
        let submission = jobs.withLock { jobs -> Submission in
            jobs = jobs.filter { $0.value.finishedAt.map { now.timeIntervalSince($0) < Self.retention } ?? true }
            guard jobs[token] == nil else { return .alreadySubmitted }
            let unfinished = jobs.values.filter { $0.ownerUserID == owner && !$0.state.isFinished }.count
            guard unfinished < maxPerOwner else { return .ownerAtLimit(maxPerOwner) }
            jobs[token] = Job(ownerUserID: owner, agencyCode: agencyCode, layerSlug: layerSlug, state: .queued, finishedAt: nil)
            return .queued
        }
        guard submission == .queued else { return submission }
        let startThread = queue.withLock { queue -> Bool in
            queue.waiting.append(Waiting(token: token, agencyCode: agencyCode, work: work, finally: finally))
            guard queue.threads < maxConcurrent else { return false }
            queue.threads += 1
            return true
        }
        if startThread {
            let thread = Thread { [self] in drain() }
            thread.name = "bando-import"
            thread.start()
        }
        return .queued
    }

    /// Runs queued jobs until none is left, then lets the thread end.
    private func drain() {
        while let next = queue.withLock({ queue -> Waiting? in
            guard let next = queue.next() else {
                queue.threads -= 1
                return nil
            }
            queue.running.append(next.agencyCode)
            return next
        }) {
            let token = next.token
            update(token, .running(written: 0, total: 0))
            beforeEach?(token)
            let state: ImportJobState
            do {
                state = .done(try next.work { [self] written, total in update(token, .running(written: written, total: total)) })
            } catch {
                state = .failed(error)
            }
            next.finally()
            update(token, state)
            queue.withLock { queue in
                if let index = queue.running.firstIndex(of: next.agencyCode) { queue.running.remove(at: index) }
            }
        }
    }

    private func update(_ token: String, _ state: ImportJobState) {
        jobs.withLock { jobs in
            jobs[token]?.state = state
            if state.isFinished { jobs[token]?.finishedAt = Date() }
        }
    }
}
