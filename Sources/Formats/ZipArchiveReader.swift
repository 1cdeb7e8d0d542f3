import Foundation
import ZIPFoundation

/// Opens an uploaded zip archive and extracts members into memory, within `ImportLimits`.
///
/// Design note: the central directory is checked whole before anything is extracted:
/// entry count, declared total size, declared compression ratio, and every path (no
/// absolute path, no "..", no symbolic link). Declared sizes can lie, so extraction counts
/// the bytes actually produced and stops as soon as an entry outgrows its declared size or
/// the total outgrows the limit. Members are extracted into memory, or a chunk at a time into
/// a temporary file the caller names.
struct ZipArchiveReader {
    /// Entries smaller than this are not held to the ratio limit: a few kilobytes of
    /// padding compress a thousandfold without being a threat.
    static let ratioCheckThreshold: UInt64 = 1 << 20

    let fileName: String
    let limits: ImportLimits
    private let archive: Archive
    /// The file entries, by their path as written in the archive.
    private let files: [String: Entry]
    /// File entry paths in archive order.
    let paths: [String]
    private var extracted: Int64 = 0

    init(url: URL, fileName: String, limits: ImportLimits) throws(FormatError) {
        self.fileName = fileName
        self.limits = limits
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw .invalid(file: fileName, location: nil, problem: "is not a readable zip archive")
        }
        var files = [String: Entry]()
        var paths = [String]()
        var count = 0
        var declaredTotal: UInt64 = 0
        for entry in archive {
            count += 1
            guard count <= limits.maxZipEntries else {
                throw .limitExceeded(file: fileName, problem: "holds more than \(limits.maxZipEntries) entries, the limit")
            }
            let path = entry.path
            if let problem = Self.pathProblem(path) {
                throw .unsafeArchive(file: fileName, entry: path, problem: problem)
            }
            switch entry.type {
            case .symlink:
                throw .unsafeArchive(file: fileName, entry: path, problem: "is a symbolic link, which uploads may not contain")
            case .directory:
                continue
            case .file:
                break
            }
            declaredTotal &+= entry.uncompressedSize
            guard declaredTotal <= UInt64(max(0, limits.maxUncompressedBytes)) else {
                throw .limitExceeded(file: fileName, problem: "would expand to more than \(limits.maxUncompressedBytes) bytes, the limit")
            }
            if entry.uncompressedSize >= Self.ratioCheckThreshold {
                let ratio = Double(entry.uncompressedSize) / Double(max(entry.compressedSize, 1))
                guard ratio <= limits.maxCompressionRatio else {
                    throw .limitExceeded(file: fileName, problem: "zip entry \(path) is compressed \(Int(ratio)) times, more than the limit of \(Int(limits.maxCompressionRatio)); it looks like a zip bomb")
                }
            }
            if files[path] == nil { paths.append(path) }
            files[path] = entry
        }
        self.files = files
        self.paths = paths
    }

    /// Why `path` is unsafe to use, or nil.
    static func pathProblem(_ path: String) -> String? {
        let normalised = path.replacingOccurrences(of: "\\", with: "/")
        if normalised.isEmpty { return "has an empty name" }
        if normalised.hasPrefix("/") { return "has an absolute path" }
        let first = normalised.split(separator: "/").first ?? ""
        if first.count == 2 && first.hasSuffix(":") { return "has an absolute path" }
        if normalised.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
            return "has a path outside the archive"
        }
        if normalised.unicodeScalars.contains(where: { $0.value < 0x20 }) { return "has control characters in its name" }
        return nil
    }

    /// The bytes of the entry at `path`, counted against the limits; refused as soon as they
    /// pass `maxBytes` (a document read at once), without holding more.
    mutating func extract(_ path: String, maxBytes: Int64 = .max) throws(FormatError) -> [UInt8] {
        var bytes = [UInt8]()
        if let entry = files[path] { bytes.reserveCapacity(Int(min(entry.uncompressedSize, UInt64(min(maxBytes, 64 << 20))))) }
        try extract(path, maxBytes: maxBytes) { chunk in bytes.append(contentsOf: chunk) }
        return bytes
    }

    /// Writes the entry at `path` to a new file at `url`, a chunk at a time, counted against the
    /// limits; a refused or damaged entry leaves no file.
    mutating func extract(_ path: String, to url: URL, maxBytes: Int64 = .max) throws(FormatError) {
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: url) else {
            throw .cannotWrite(file: url.lastPathComponent, reason: "\(path) could not be unpacked")
        }
        let target = url.lastPathComponent
        do throws(FormatError) {
            try extract(path, maxBytes: maxBytes) { (chunk: Data) throws(FormatError) in
                do {
                    try handle.write(contentsOf: chunk)
                } catch {
                    throw FormatError.cannotWrite(file: target, reason: "\(path) could not be unpacked: \(error.localizedDescription)")
                }
            }
            try? handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: url)
            throw error
        }
    }

    /// Hands the entry's bytes to `consume` chunk by chunk, stopping at the first one past its
    /// declared size, the archive's total limit, the compression ratio limit or `maxBytes`.
    private mutating func extract(_ path: String, maxBytes: Int64,
                                  consume: (Data) throws(FormatError) -> Void) throws(FormatError) {
        guard let entry = files[path] else {
            throw .invalid(file: fileName, location: nil, problem: "has no entry \(path)")
        }
        let declared = entry.uncompressedSize
        let compressed = max(entry.compressedSize, 1)
        let limit = limits.maxUncompressedBytes
        let ratioLimit = limits.maxCompressionRatio
        var total = extracted
        var produced: UInt64 = 0
        let name = fileName
        do {
            _ = try archive.extract(entry, bufferSize: 64 * 1024, skipCRC32: false) { chunk in
                produced += UInt64(chunk.count)
                total += Int64(chunk.count)
                if produced > declared {
                    throw FormatError.limitExceeded(file: name, problem: "zip entry \(path) expands beyond its declared \(declared) bytes; the archive is damaged or hostile")
                }
                if total > limit {
                    throw FormatError.limitExceeded(file: name, problem: "expands to more than \(limit) bytes, the limit")
                }
                if produced >= Self.ratioCheckThreshold, Double(produced) / Double(compressed) > ratioLimit {
                    throw FormatError.limitExceeded(file: name, problem: "zip entry \(path) is compressed more than \(Int(ratioLimit)) times; it looks like a zip bomb")
                }
                if produced > UInt64(max(0, maxBytes)) {
                    throw FormatError.limitExceeded(file: ShapefileSource.baseName(path), problem: "expands to more than \(ImportLimits.megabytes(maxBytes)) MB, the most read at once")
                }
                try consume(chunk)
            }
        } catch let error as FormatError {
            throw error
        } catch {
            throw .invalid(file: fileName, location: nil, problem: "zip entry \(path) is damaged and cannot be extracted")
        }
        extracted = total
    }
}
