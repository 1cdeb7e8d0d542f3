import Foundation

/// The state the upload pages share: the staging folder, the background import queue, the
/// preview readings and the quotas. One per router; made when the routes are registered.
struct UploadDesk: Sendable {
    /// Imports the queue runs at once (see `ImportJobs`).
    static let concurrentImports = 2
    /// Imports one person may have waiting or running.
    static let queuedImportsPerUser = 3

    let staging: UploadStaging
    let jobs: ImportJobs
    let previews: UploadPreviews
    let quotas: UploadQuotas

    init(staging: UploadStaging, jobs: ImportJobs, previews: UploadPreviews, quotas: UploadQuotas) {
        self.staging = staging
        self.jobs = jobs
        self.previews = previews
        self.quotas = quotas
    }

    /// The desk of a portal with its data in `dataDirectory`: the process's preview gate, the
    /// default quotas and `concurrentImports` import threads.
    init(dataDirectory: String) {
        self.init(staging: UploadStaging(dataDirectory: dataDirectory),
                  jobs: ImportJobs(maxConcurrent: Self.concurrentImports, maxPerOwner: Self.queuedImportsPerUser),
                  previews: UploadPreviews(), quotas: UploadQuotas())
    }

    /// Removes abandoned uploads (never those queued or being imported); at start-up, also those
    /// a stopped process was importing. Those a stopped process had queued but not started are
    /// unmarked, so they go like any abandoned upload once `UploadStaging.maxAge` has passed.
    func sweep(atStartUp: Bool = false) {
        staging.sweep(atStartUp: atStartUp) { jobs.activeTokens.contains($0) }
    }

    /// The staged uploads of `owner` not yet handed to the import queue, oldest first.
    func waitingUploads(of owner: Int64) -> [StagedUpload] {
        staging.uploads(ownedBy: owner).filter { jobs.job($0.token) == nil }
    }
}
