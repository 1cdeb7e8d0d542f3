import Foundation
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where log lines go: a file descriptor written in batches.
///
/// A line per request written with its own `write(2)` costs a system call on every request;
/// here lines are appended to a buffer and a background thread writes the buffer every
/// `interval` (or sooner once it is large). Warnings and errors are written at once, and `flush()`
/// writes everything (call it before the process exits).
public final class LogSink: Sendable {
    /// Standard error, shared by every handler of the process.
    public static let standardError = LogSink(fileDescriptor: 2)

    private let fileDescriptor: Int32
    private let buffer = Mutex<[UInt8]>([])
    private let writing = Mutex<Void>(())
    private let interval: TimeInterval
    static let flushThreshold = 64 * 1024

    public init(fileDescriptor: Int32, interval: TimeInterval = 0.05) {
        self.fileDescriptor = fileDescriptor
        self.interval = interval
        let thread = Thread { [weak self] in
            while let sink = self {
                Thread.sleep(forTimeInterval: sink.interval)
                sink.flush()
            }
        }
        thread.name = "log-writer"
        thread.start()
    }

    /// Adds one line (a newline is appended); `urgent` lines are written before returning.
    public func append(_ line: String, urgent: Bool = false) {
        let full = buffer.withLock { bytes -> Bool in
            bytes.append(contentsOf: line.utf8)
            bytes.append(UInt8(ascii: "\n"))
            return bytes.count >= Self.flushThreshold
        }
        if urgent || full { flush() }
    }

    /// Writes everything buffered so far, in order.
    public func flush() {
        writing.withLock { _ in
            let pending = buffer.withLock { bytes -> [UInt8] in
                defer { bytes.removeAll(keepingCapacity: true) }
                return bytes
            }
            var offset = 0
            while offset < pending.count {
                let written = pending[offset...].withUnsafeBytes { write(fileDescriptor, $0.baseAddress, $0.count) }
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}

/// A swift-log handler that formats lines like swift-log's stream handler
/// (`2026-11-21T10:00:00+0000 info bando: message`) and hands them to a `LogSink`.
public struct BufferedLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    let label: String
    let sink: LogSink

    public init(label: String, sink: LogSink = .standardError) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        let details = all.isEmpty ? "" : " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let line = LogText.escaped("\(label):\(details) \(event.message)")
        sink.append("\(Timestamp.now()) \(event.level) \(line)", urgent: event.level >= .warning)
    }
}

/// Log lines carry text from outside (file names, paths, user agents, messages of readers):
/// every control character is written as an escape (`\n`, `\r`, `\t`, `\u{1B}`…) and a backslash
/// doubled, so no value can forge a line, colour a terminal, or be mistaken for an escape.
enum LogText {
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\\": out += "\\\\"
            case _ where needsEscape(scalar): out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) || scalar == "\\"
            || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}

/// The current time as ISO 8601 text, formatted at most once a second.
enum Timestamp {
    private static let cache = Mutex<(second: Int, text: String)>((-1, ""))

    static func now() -> String {
        let second = Int(time(nil))
        if let text = cache.withLock({ $0.second == second ? $0.text : nil }) { return text }
        var seconds = time_t(second)
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        let text = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        cache.withLock { $0 = (second, text) }
        return text
    }
}
