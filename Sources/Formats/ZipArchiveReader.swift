import Foundation
import ZIPFoundation

/// Opens an uploaded zip archive and extracts members into memory, within `ImportLimits`.
///
/// Design note: the central directory is checked whole before anything is extracted:
/// entry count, declared total size, declared compression ratio, and every path (no
/// absolute path, no "..", no symbolic link). Declared sizes can lie, so extraction counts
/// the bytes actually produced and stops as soon as an entry outgrows its declared size or
/// the total outgrows the limit. Nothing is written to disk.
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

    /// The bytes of the entry at `path`, counted against the limits.
    mutating func extract(_ path: String) throws(FormatError) -> [UInt8] {
        guard let entry = files[path] else {
            throw .invalid(file: fileName, location: nil, problem: "has no entry \(path)")
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(Int(min(entry.uncompressedSize, 64 << 20)))
        let declared = entry.uncompressedSize
        let compressed = max(entry.compressedSize, 1)
        let limit = limits.maxUncompressedBytes
        let ratioLimit = limits.maxCompressionRatio
        var total = extracted
        let name = fileName
        do {
            _ = try archive.extract(entry, bufferSize: 64 * 1024, skipCRC32: false) { chunk in
                bytes.append(contentsOf: chunk)
                total += Int64(chunk.count)
                if UInt64(bytes.count) > declared {
                    throw FormatError.limitExceeded(file: name, problem: "zip entry \(path) expands beyond its declared \(declared) bytes; the archive is damaged or hostile")
                }
                if total > limit {
                    throw FormatError.limitExceeded(file: name, problem: "expands to more than \(limit) bytes, the limit")
                }
                if UInt64(bytes.count) >= Self.ratioCheckThreshold, Double(bytes.count) / Double(compressed) > ratioLimit {
                    throw FormatError.limitExceeded(file: name, problem: "zip entry \(path) is compressed more than \(Int(ratioLimit)) times; it looks like a zip bomb")
                }
            }
        } catch let error as FormatError {
            throw error
        } catch {
            throw .invalid(file: fileName, location: nil, problem: "zip entry \(path) is damaged and cannot be extracted")
        }
        extracted = total
        return bytes
    }
}
