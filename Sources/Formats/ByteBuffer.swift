import Foundation

/// Bytes a parser reads in place: a file mapped read-only (`mapping(path:)`), or a copy of an
/// array. A mapped file's pages come from the page cache as they are read, and `release(_:)`
/// gives back the ones already read, so reading a large file front to back holds a few pages of
/// it, not the whole file.
final class ByteBuffer: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
    private let mapped: Bool

    /// A copy of `array`.
    init(_ array: [UInt8]) {
        let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(array.count, 1))
        _ = copy.initialize(from: array)
        bytes = UnsafeBufferPointer(start: copy.baseAddress, count: array.count)
        mapped = false
    }

    /// The file at `path` mapped read-only; nil when it cannot be opened or mapped.
    static func mapping(path: String) -> ByteBuffer? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        let size = Int(status.st_size)
        guard size > 0 else { return ByteBuffer([]) }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else { return nil }
        madvise(address, size, MADV_SEQUENTIAL)
        return ByteBuffer(mapping: UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self), count: size))
    }

    private init(mapping: UnsafeBufferPointer<UInt8>) {
        bytes = mapping
        mapped = true
    }

    /// Gives back the pages wholly inside `range` (a mapped file only; a later read of them
    /// brings them back from the page cache).
    func release(_ range: Range<Int>) {
        guard mapped, let base = bytes.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (max(range.lowerBound, 0) + page - 1) / page * page
        let end = min(range.upperBound, bytes.count) / page * page
        guard end > start else { return }
        madvise(UnsafeMutableRawPointer(mutating: base) + start, end - start, MADV_DONTNEED)
    }

    deinit {
        guard let base = bytes.baseAddress else { return }
        if mapped {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        } else {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }
}
