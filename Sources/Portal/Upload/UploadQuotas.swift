import Foundation
import Glibc
import Synchronization

/// Why the upload desk refused to store another file.
enum QuotaRefusal: Error, Equatable {
    /// The person already has `limit` uploads staged and not yet imported.
    case tooManyStaged(limit: Int)
    /// Storing the file would leave less free space than `needed` bytes; `available` are free.
    case diskFull(available: Int64, needed: Int64)
}

/// What one person may keep on the upload desk, and the room the data folder must keep free.
///
/// Staged uploads are counted on disk (the folder is the truth, across restarts too) plus those
/// being stored at this moment, under one lock, so two uploads sent at once cannot both take the
/// last place. Before a file is stored, the file system of the data folder (`statvfs`) must have
/// twice its size plus `reserve` free: the file, as much again for the import's writes to the
/// database, and room for everything else the portal writes.
final class UploadQuotas: Sendable {
    /// Uploads one person may have staged and not yet imported.
    let maxStagedPerUser: Int
    /// Bytes that must stay free beyond twice the upload.
    let reserve: Int64
    /// The bytes free for the portal on the file system holding a path; nil when unknown.
    let freeSpace: @Sendable (String) -> Int64?
    /// Uploads being stored now, per owner.
    private let storing = Mutex<[Int64: Int]>([:])

    init(maxStagedPerUser: Int = 5, reserve: Int64 = 1 << 30,
         freeSpace: @escaping @Sendable (String) -> Int64? = UploadQuotas.freeBytes(at:)) {
        self.maxStagedPerUser = max(1, maxStagedPerUser)
        self.reserve = max(0, reserve)
        self.freeSpace = freeSpace
    }

    /// Runs `store` with a place taken for one more upload of `owner`, `size` bytes, in
    /// `staging`; `isWaiting` tells which of the owner's staged uploads are not yet imported.
    /// Throws `QuotaRefusal` (and stores nothing) when the owner has no place left or the disk
    /// no room.
    func admitting<T>(_ owner: Int64, size: Int, into staging: UploadStaging, isWaiting: (StagedUpload) -> Bool,
                      _ store: () throws -> T) throws -> T {
        try storing.withLock { inFlight throws(QuotaRefusal) in
            let held = staging.uploads(ownedBy: owner).filter(isWaiting).count + inFlight[owner, default: 0]
            guard held < maxStagedPerUser else { throw .tooManyStaged(limit: maxStagedPerUser) }
            inFlight[owner, default: 0] += 1
        }
        defer {
            storing.withLock { inFlight in
                inFlight[owner, default: 1] -= 1
                if inFlight[owner] == 0 { inFlight[owner] = nil }
            }
        }
        if let available = freeSpace(staging.root) {
            let needed = 2 * Int64(size) + reserve
            guard available >= needed else { throw QuotaRefusal.diskFull(available: available, needed: needed) }
        }
        return try store()
    }

    /// The bytes an unprivileged process may still write on the file system holding `path` (or
    /// its nearest existing parent), from `statvfs`; nil when it cannot be asked.
    static func freeBytes(at path: String) -> Int64? {
        var candidate = path
        while !FileManager.default.fileExists(atPath: candidate) {
            let parent = (candidate as NSString).deletingLastPathComponent
            guard !parent.isEmpty, parent != candidate else { return nil }
            candidate = parent
        }
        var stats = statvfs()
        guard statvfs(candidate, &stats) == 0 else { return nil }
        return Int64(stats.f_bavail) * Int64(stats.f_frsize)
    }
}
