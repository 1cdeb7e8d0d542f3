import Foundation
import Glibc
@testable import HTTP

/// A response as read off the wire by `RawClient`.
struct RawResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
}

struct RawClientError: Error, CustomStringConvertible {
    var description: String
}

/// A minimal blocking HTTP/1.1 client over a TCP socket, for end-to-end tests.
final class RawClient {
    let fd: Int32
    private var pending: [UInt8] = []

    init(port: Int, timeout: Double = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawClientError(description: "socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw RawClientError(description: "connect failed: errno \(errno)")
        }
        setTimeout(timeout)
    }

    deinit { close(fd) }

    func setTimeout(_ seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw RawClientError(description: "send failed: errno \(errno)") }
            offset += n
        }
    }

    /// Reads more bytes; false at end of stream.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0 { throw RawClientError(description: "recv failed: errno \(errno)") }
        if n == 0 { return false }
        pending.append(contentsOf: chunk[0..<n])
        return true
    }

    /// Reads one response; `head` for responses to HEAD (no body follows).
    func readResponse(head: Bool = false) throws -> RawResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        var found = ByteSearch.find(separator, in: pending)
        while found == nil {
            guard try fill() else { throw RawClientError(description: "closed before a full head") }
            found = ByteSearch.find(separator, in: pending)
        }
        guard let headEnd = found else { throw RawClientError(description: "no head") }
        let headText = String(decoding: pending[0..<headEnd], as: UTF8.self)
        pending.removeSubrange(0..<(headEnd + 4))
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw RawClientError(description: "bad status line \(headText)")
        }
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
        if status == 100 { return try readResponse(head: head) }
        var length = Int(headers["Content-Length"] ?? "0") ?? 0
        if head || status == 304 || status == 204 { length = 0 }
        while pending.count < length {
            if !(try fill()) { throw RawClientError(description: "closed before the body ended") }
        }
        let body = Array(pending[0..<length])
        pending.removeSubrange(0..<length)
        return RawResponse(status: status, headers: headers, body: body)
    }

    /// Whether the server closes the connection within `seconds` (bytes sent before are skipped).
    func waitForClose(seconds: Double) -> Bool {
        setTimeout(seconds)
        while true {
            do {
                if !(try fill()) { return true }
            } catch {
                return errno == ECONNRESET
            }
        }
    }

    /// Reads until `marker` has arrived and consumes everything up to and including it.
    func readThrough(_ marker: String) throws -> String {
        let needle = Array(marker.utf8)
        while true {
            if let hit = ByteSearch.find(needle, in: pending) {
                let text = String(decoding: pending[0..<(hit + needle.count)], as: UTF8.self)
                pending.removeSubrange(0..<(hit + needle.count))
                return text
            }
            if !(try fill()) { throw RawClientError(description: "closed before \(marker)") }
        }
    }

    /// Bytes received so far and not consumed.
    var unread: [UInt8] { pending }
}

/// Starts a server on an ephemeral port, runs `body`, then shuts it down.
func withServer(_ configure: (inout ServerConfiguration) -> Void = { _ in },
                errorPage: (@Sendable (HTTPError, Request?) -> Response)? = nil,
                accessLog: (@Sendable (AccessLogEntry) -> Void)? = nil,
                handler: @escaping Handler,
                _ body: (Int, HTTPServer) throws -> Void) throws {
    var configuration = ServerConfiguration(port: 0, workers: 2)
    configure(&configuration)
    let server = HTTPServer(configuration: configuration, handler: handler, errorPage: errorPage, accessLog: accessLog)
    let port = try server.start()
    defer {
        server.shutdown()
        server.wait()
    }
    try body(port, server)
}

func get(_ path: String, _ extra: String = "") -> String {
    "GET \(path) HTTP/1.1\r\nHost: test\r\n\(extra)\r\n"
}
