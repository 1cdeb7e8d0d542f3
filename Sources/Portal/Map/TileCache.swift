import Foundation
import Glibc
import Synchronization

/// The address of one rendered image in the tile cache: what was drawn (a layer's published
/// version in one style, or the basemap at one revision of the boundaries) and which tile.
///
/// Everything that changes the picture is in the key, so a new version or style is simply a
/// new key: nothing is ever purged, old tiles age out of the cache.
struct TileKey: Hashable, Sendable {
    /// What was drawn, e.g. "L12-v40-0123456789abcdef" or "base-r56-…"; letters, digits and dashes.
    let subject: String
    let z: Int
    let x: Int
    let y: Int
    let scale: Int

    /// The cache file below the cache root.
    var relativePath: String { "\(subject)/\(z)/\(x)/\(y)@\(scale)x.png" }

    /// The entity tag: the key itself, quoted.
    var etag: String { "\"\(subject)-\(z)-\(x)-\(y)@\(scale)x\"" }
}

/// Rendered tiles on disk under `<data dir>/tiles/`, bounded in size.
///
/// Files are written once (temporary file, then rename, so a reader never sees half a tile) and
/// never changed. An in-memory index of sizes and last use drives eviction of the least
/// recently used files once the total passes `maxBytes`, down to nine tenths of it; files left
/// from an earlier run are counted by one scan in the background at start-up. Several
/// processes may share the folder: a lookup trusts the disk, not the index.
final class TileCache: Sendable {
    let root: String
    let maxBytes: Int

    private struct Entry {
        var size: Int
        var lastUse: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var total = 0
        var clock: UInt64 = 0
        var evictions = 0
    }

    private let state = Mutex(State())
    private let temporaryCounter = Atomic<Int>(0)

    /// A cache in `root` (created when missing) holding at most about `maxBytes`.
    /// - Parameter scanExisting: count the files already there (in the background).
    init(root: String, maxBytes: Int, scanExisting: Bool = true) {
        self.root = root
        self.maxBytes = max(maxBytes, 0)
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        if scanExisting {
            Thread.detachNewThread { [self] in scan() }
        }
    }

    /// The total size the cache knows of, in bytes.
    var totalBytes: Int { state.withLock { $0.total } }

    /// How many files eviction has removed.
    var evictionCount: Int { state.withLock { $0.evictions } }

    /// The cached file of `key` and its size, or nil when it is not on disk.
    func lookup(_ key: TileKey) -> (path: String, size: Int)? {
        let relative = key.relativePath
        let path = root + "/" + relative
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            state.withLock { state in
                if let gone = state.entries.removeValue(forKey: relative) { state.total -= gone.size }
            }
            return nil
        }
        let size = Int(info.st_size)
        state.withLock { state in
            state.clock += 1
            if let old = state.entries[relative] {
                state.total += size - old.size
            } else {
                state.total += size
            }
            state.entries[relative] = Entry(size: size, lastUse: state.clock)
        }
        return (path, size)
    }

    /// Writes `bytes` as the file of `key` (atomically), then evicts if the cache is too big.
    /// Failures to write are not errors: the tile is served anyway and rendered again later.
    func store(_ bytes: [UInt8], for key: TileKey) {
        let relative = key.relativePath
        let path = root + "/" + relative
        let folder = (path as NSString).deletingLastPathComponent
        let number = temporaryCounter.wrappingAdd(1, ordering: .relaxed).newValue
        let temporary = "\(folder)/.tmp-\(getpid())-\(number)"
        guard Self.write(bytes, to: temporary) || (Self.makeFolder(folder) && Self.write(bytes, to: temporary)) else {
            unlink(temporary)
            return
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            return
        }
        let victims = state.withLock { state -> [String] in
            state.clock += 1
            if let old = state.entries[relative] { state.total -= old.size }
            state.entries[relative] = Entry(size: bytes.count, lastUse: state.clock)
            state.total += bytes.count
            return Self.evict(&state, limit: maxBytes)
        }
        for victim in victims { unlink(root + "/" + victim) }
    }

    /// Removes the least recently used entries until the total is at most nine tenths of
    /// `limit`; returns their relative paths (deleted by the caller, outside the lock).
    private static func evict(_ state: inout State, limit: Int) -> [String] {
        guard state.total > limit else { return [] }
        let target = limit / 10 * 9
        var victims: [String] = []
        for (path, entry) in state.entries.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
            guard state.total > target else { break }
            state.entries[path] = nil
            state.total -= entry.size
            victims.append(path)
        }
        state.evictions += victims.count
        return victims
    }

    /// Counts files from earlier runs as least recently used (oldest modification first).
    private func scan() {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return }
        var found: [(path: String, size: Int, mtime: Int)] = []
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(".png") else { continue }
            var info = stat()
            guard stat(root + "/" + relative, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            found.append((relative, Int(info.st_size), Int(info.st_mtim.tv_sec)))
        }
        found.sort { $0.mtime < $1.mtime }
        let victims = state.withLock { state -> [String] in
            for file in found where state.entries[file.path] == nil {
                // Older than anything used in this run; lastUse 0 sorts first.
                state.entries[file.path] = Entry(size: file.size, lastUse: 0)
                state.total += file.size
            }
            return Self.evict(&state, limit: maxBytes)
        }
        for victim in victims { unlink(root + "/" + victim) }
    }

    private static func makeFolder(_ folder: String) -> Bool {
        (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil
    }

    private static func write(_ bytes: [UInt8], to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress.map { $0 + offset }, bytes.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }
}
