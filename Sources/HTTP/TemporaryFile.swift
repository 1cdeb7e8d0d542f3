import Glibc

/// A file created with `mkstemp` and written sequentially; used for large request bodies and
/// multipart parts. The owner closes it and is responsible for deleting the path.
final class TemporaryFile {
    let path: String
    private(set) var size = 0
    private var fd: Int32

    /// Creates `bando-<prefix>-XXXXXX` in `directory`.
    init(directory: String, prefix: String) throws(HTTPError) {
        var dir = directory
        while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
        if dir.isEmpty { dir = "/tmp" }
        var template = Array("\(dir)/bando-\(prefix)-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard fd >= 0 else { throw HTTPError(500, "Cannot create a temporary file.") }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        self.fd = fd
        self.path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Appends bytes; throws 500 if the disk refuses them.
    func write<C: ContiguousCollection>(_ bytes: C) throws(HTTPError) where C.Element == UInt8 {
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
        guard ok else { throw HTTPError(500, "Cannot write a temporary file.") }
        size += bytes.count
    }

    func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }

    /// Closes and deletes the file.
    func discard() {
        close()
        unlink(path)
    }

    deinit { close() }
}

/// Collections whose bytes can be read in place.
protocol ContiguousCollection: Collection {
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension Array: ContiguousCollection {}
extension ArraySlice: ContiguousCollection {}
