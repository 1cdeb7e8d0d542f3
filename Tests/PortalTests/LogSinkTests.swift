import Foundation
import Logging
import Testing
@testable import Portal
#if canImport(Glibc)
import Glibc
#endif

@Suite struct LogSinkTests {
    /// A new temporary file open for writing, and a separate descriptor reading it from the start.
    func pipeEnds() -> (read: Int32, write: Int32) {
        let path = NSTemporaryDirectory() + "bando-log-" + UUID().uuidString
        let w = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let r = open(path, O_RDONLY)
        unlink(path)
        return (r, w)
    }

    /// What was written since the last drain.
    func drain(_ fd: Int32) -> String {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func linesWaitInTheBufferThenArriveInOrder() {
        let (r, w) = pipeEnds(); defer { close(r); close(w) }
        let sink = LogSink(fileDescriptor: w, interval: 3600)
        for i in 1...3 { sink.append("request \(i)") }
        #expect(drain(r).isEmpty, "nothing written before a flush")
        sink.flush()
        #expect(drain(r) == "request 1\nrequest 2\nrequest 3\n")
    }

    @Test func urgentLinesAndAFullBufferAreWrittenAtOnce() {
        let (r, w) = pipeEnds(); defer { close(r); close(w) }
        let sink = LogSink(fileDescriptor: w, interval: 3600)
        sink.append("quiet")
        sink.append("the database is locked", urgent: true)
        #expect(drain(r) == "quiet\nthe database is locked\n")
        let long = String(repeating: "x", count: 1000)
        for _ in 0..<(LogSink.flushThreshold / 1000 + 1) { sink.append(long) }
        #expect(drain(r).count >= LogSink.flushThreshold, "written once the buffer passed its threshold")
    }

    @Test func theBackgroundWriterFlushesOnItsOwn() throws {
        let (r, w) = pipeEnds(); defer { close(r); close(w) }
        let sink = LogSink(fileDescriptor: w, interval: 0.02)
        sink.append("eventually")
        var seen = ""
        for _ in 0..<100 where !seen.contains("eventually") {
            Thread.sleep(forTimeInterval: 0.02)
            seen += drain(r)
        }
        #expect(seen == "eventually\n")
    }

    @Test func handlerFormatsLikeTheStreamHandler() {
        let (r, w) = pipeEnds(); defer { close(r); close(w) }
        let sink = LogSink(fileDescriptor: w, interval: 3600)
        var logger = Logger(label: "bando") { label in BufferedLogHandler(label: label, sink: sink) }
        logger.logLevel = .info
        logger.debug("hidden")
        logger.info("127.0.0.1 GET / 200")
        logger.error("disk full", metadata: ["path": "/data"])
        sink.flush()
        let lines = drain(r).split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0].hasSuffix(" info bando: 127.0.0.1 GET / 200"))
        #expect(lines[0].range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} "#, options: .regularExpression) != nil)
        #expect(lines[1].hasSuffix(" error bando: path=/data disk full"))
    }

    @Test func controlCharactersFromOutsideCannotForgeALine() {
        let (r, w) = pipeEnds(); defer { close(r); close(w) }
        let sink = LogSink(fileDescriptor: w, interval: 3600)
        let logger = Logger(label: "bando") { label in BufferedLogHandler(label: label, sink: sink) }
        let name = "diem.geojson\n2026-12-02T10:00:00+0000 info bando: sysadmin signed in\r\u{1B}[31m\\"
        logger.info("upload received: \(name)", metadata: ["file": "\(name)"])
        sink.flush()
        let lines = drain(r).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 2 && lines[1].isEmpty, "one line and its newline: \(lines)")
        #expect(lines[0].contains(#"diem.geojson\n2026-12-02T10:00:00+0000 info bando: sysadmin signed in\r\u{1B}[31m\\"#))
        #expect(!lines[0].contains("\u{1B}") && !lines[0].contains("\r"))
    }
}
