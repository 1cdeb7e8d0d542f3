import Foundation
import Synchronization

/// Runs `pngcheck` on PNG bytes when the tool is installed.
public enum PNGCheck {
    /// Where the tool is looked for.
    public static let path = "/usr/bin/pngcheck"
    /// Whether the tool is installed.
    public static let available = FileManager.default.isExecutableFile(atPath: path)

    /// `pngcheck -q` on the bytes: nil when the file passes (or the tool is absent, with a note
    /// printed once), else its output. `name` goes into the temporary file's name.
    public static func problems(_ png: [UInt8], name: String) -> String? {
        guard available else {
            notice.print()
            return nil
        }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("bando-\(name)-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            try Data(png).write(to: url)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = ["-q", url.path]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return process.terminationStatus == 0 ? nil : String(decoding: output, as: UTF8.self)
        } catch {
            return "could not run pngcheck: \(error)"
        }
    }

    private static let notice = Notice("pngcheck not found at \(path): skipping pngcheck validation")
}

/// A message printed at most once.
final class Notice: Sendable {
    private let message: String
    private let printed = Mutex(false)

    init(_ message: String) { self.message = message }

    func print() {
        let first = printed.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        if first { FileHandle.standardError.write(Data((message + "\n").utf8)) }
    }
}
