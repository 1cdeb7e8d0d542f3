import Foundation
import ZIPFoundation

/// A zip archive of files written for a download, each entry deflated and read from disk in
/// chunks (never whole in memory).
public enum ZipPackage {
    /// Writes `files` (by their last path component) into a new archive at `url`.
    public static func write(_ files: [URL], to url: URL) throws(FormatError) {
        do {
            let archive = try Archive(url: url, accessMode: .create)
            for file in files {
                try archive.addEntry(with: file.lastPathComponent, relativeTo: file.deletingLastPathComponent(),
                                     compressionMethod: .deflate)
            }
        } catch {
            throw .cannotWrite(file: url.lastPathComponent, reason: "\(error)")
        }
    }
}
