import Glibc
import Synchronization

/// What `StaticFiles` remembers per relative path: the checked real path, validators, and the
/// bytes of small files (plus their gzip form once asked for).
///
/// Serving a remembered real path is safe even if a link changes later: it was inside the root
/// when checked. An entry is reused only while size and modification time match a fresh `stat`.
final class StaticFileCache: Sendable {
    /// Files up to this size are held in memory.
    static let maxFileBytes = 64 * 1024
    static let maxEntries = 4096
    static let maxTotalBytes = 32 << 20

    struct Entry: Sendable {
        var realPath: String
        var size: Int
        var mtime: Int
        var nanoseconds: Int
        var etag: String
        var lastModified: String
        var contentType: String
        var compressible: Bool
        var bytes: [UInt8]?
        var gzipped: [UInt8]?

        func matches(_ info: stat) -> Bool {
            size == Int(info.st_size) && mtime == Int(info.st_mtim.tv_sec) && nanoseconds == Int(info.st_mtim.tv_nsec)
        }

        /// Builds an entry, reading small files through one descriptor so bytes and validators agree.
        static func load(realPath: String, info: stat) -> Entry? {
            var info = info
            var bytes: [UInt8]?
            if Int(info.st_size) <= StaticFileCache.maxFileBytes {
                let fd = open(realPath, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { return nil }
                defer { close(fd) }
                guard fstat(fd, &info) == 0, Int(info.st_size) <= StaticFileCache.maxFileBytes,
                      let read = ResponseEncoder.readAll(fd, size: Int(info.st_size)) else { return nil }
                bytes = read
            }
            let size = Int(info.st_size)
            let mtime = Int(info.st_mtim.tv_sec)
            let nanoseconds = Int(info.st_mtim.tv_nsec)
            let contentType = MediaTypes.forPath(realPath)
            return Entry(realPath: realPath, size: size, mtime: mtime, nanoseconds: nanoseconds,
                         etag: "\"\(String(size, radix: 16))-\(String(mtime, radix: 16))-\(String(nanoseconds / 1000, radix: 16))\"",
                         lastModified: HTTPDate.format(mtime), contentType: contentType,
                         compressible: size >= Gzip.minimumSize && Gzip.isCompressible(contentType: contentType),
                         bytes: bytes, gzipped: nil)
        }
    }

    private let state = ReadWriteLock<(entries: [String: Entry], bytes: Int)>(([:], 0))

    subscript(relativePath: String) -> Entry? {
        get { state.read { $0.entries[relativePath] } }
        set {
            state.write { state in
                if let old = state.entries.removeValue(forKey: relativePath) { state.bytes -= old.footprint }
                guard let newValue else { return }
                if state.entries.count >= Self.maxEntries || state.bytes + newValue.footprint > Self.maxTotalBytes {
                    state = ([:], 0)
                }
                state.entries[relativePath] = newValue
                state.bytes += newValue.footprint
            }
        }
    }

    /// The gzip form of a cached small file, compressed on first use.
    func gzipped(_ relativePath: String, _ entry: Entry) -> [UInt8]? {
        if let packed = entry.gzipped { return packed }
        guard let bytes = entry.bytes, let packed = Gzip.compress(bytes) else { return nil }
        state.write { state in
            guard var current = state.entries[relativePath], current.etag == entry.etag, current.gzipped == nil else { return }
            current.gzipped = packed
            state.entries[relativePath] = current
            state.bytes += packed.count
        }
        return packed
    }
}

private extension StaticFileCache.Entry {
    var footprint: Int { (bytes?.count ?? 0) + (gzipped?.count ?? 0) + realPath.utf8.count + 128 }
}
