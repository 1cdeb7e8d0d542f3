/// Limits and storage settings the parser enforces; taken from `ServerConfiguration`.
struct ParserLimits: Sendable {
    var maxRequestLineBytes = 8192
    var maxHeaderBytes = 32768
    var maxHeaderCount = 100
    var maxBodyBytes = 256 * 1024 * 1024
    var memoryBodyThreshold = 1 << 20
    var temporaryDirectory = "/tmp"
    /// The route's own body limit, asked once a head is in (see `ServerConfiguration.bodyLimit`).
    var bodyLimit: (@Sendable (HTTPMethod, String, HTTPHeaders) -> Int)? = nil

    func maxBody(for method: HTTPMethod, path: String, headers: HTTPHeaders) -> Int {
        guard let bodyLimit else { return maxBodyBytes }
        return min(maxBodyBytes, bodyLimit(method, path, headers))
    }
}

/// An incremental HTTP/1.x request parser.
///
/// Bytes are appended as they arrive; `next()` returns a complete request, asks for more, or
/// fails with the HTTPError to answer with (after which the connection must be closed). Bytes past
/// the end of one request stay buffered and start the next one (pipelining). Bodies larger than
/// the memory threshold go to a temporary file as they arrive, so they never sit in memory.
final class RequestParser {
    enum Event {
        case needMore
        case request(Request)
        case failure(HTTPError)
    }

    private struct Head {
        var method: HTTPMethod
        var target: String
        var path: String
        var query: [(name: String, value: String)]
        var versionMinor: Int
        var headers: HTTPHeaders
    }

    private enum ChunkPhase { case size, data(remaining: Int), dataEnd, trailers(bytes: Int) }

    private enum State {
        case head(scanFrom: Int)
        case fixed(Head, remaining: Int)
        case chunked(Head, ChunkPhase)
        case failed
    }

    let limits: ParserLimits
    let remoteAddress: String
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var state = State.head(scanFrom: 0)
    private var memoryBody: [UInt8] = []
    private var fileBody: TemporaryFile?
    private var bodyBytes = 0
    /// The body limit of the request being received.
    private var headLimit = 0

    /// Set when a request head with `Expect: 100-continue` has been accepted; the connection
    /// sends the interim response and clears it.
    var continueRequested = false

    init(limits: ParserLimits, remoteAddress: String) {
        self.limits = limits
        self.remoteAddress = remoteAddress
    }

    /// Whether the parser has failed (the connection must close).
    var hasFailed: Bool {
        if case .failed = state { return true }
        return false
    }

    /// Whether no byte of a next request has arrived yet.
    var isIdle: Bool {
        if case .head = state { return readIndex == buffer.count }
        return false
    }

    func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 256 * 1024)
            readIndex = 0
            if case .head = state { state = .head(scanFrom: 0) }
        } else if readIndex > 64 * 1024 {
            buffer.removeSubrange(0..<readIndex)
            if case .head(let scanFrom) = state { state = .head(scanFrom: max(0, scanFrom - readIndex)) }
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Deletes a partly received body file (on close).
    func discard() {
        fileBody?.discard()
        fileBody = nil
        memoryBody = []
    }

    func next() -> Event {
        do {
            while true {
                switch state {
                case .failed:
                    return .failure(HTTPError(400, "The connection is in a failed state."))
                case .head(let scanFrom):
                    guard let head = try parseHead(scanFrom: scanFrom) else { return .needMore }
                    try beginBody(head)
                case .fixed(let head, let remaining):
                    let take = min(remaining, buffer.count - readIndex)
                    if take > 0 {
                        try appendBody(buffer[readIndex..<readIndex + take])
                        readIndex += take
                    }
                    if remaining - take > 0 {
                        state = .fixed(head, remaining: remaining - take)
                        return .needMore
                    }
                    return .request(finish(head))
                case .chunked(let head, let phase):
                    guard try advanceChunked(head, phase) else { return .needMore }
                    return .request(finish(head))
                }
            }
        } catch {
            state = .failed
            discard()
            return .failure(error)
        }
    }

    // MARK: Head

    private static let crlf: [UInt8] = [13, 10]
    private static let crlfcrlf: [UInt8] = [13, 10, 13, 10]

    private func parseHead(scanFrom: Int) throws(HTTPError) -> Head? {
        // Tolerate empty lines before a request line (RFC 9112 §2.2).
        while buffer.count - readIndex >= 2, buffer[readIndex] == 13, buffer[readIndex + 1] == 10 { readIndex += 2 }
        if buffer.count - readIndex == 1, buffer[readIndex] == 13 { return nil }
        let from = max(scanFrom, readIndex)
        guard let end = ByteSearch.find(Self.crlfcrlf, in: buffer, from: from) else {
            try checkPartialHead()
            state = .head(scanFrom: max(readIndex, buffer.count - 3))
            return nil
        }
        guard let lineEnd = ByteSearch.find(Self.crlf, in: buffer, from: readIndex) else { return nil }
        guard lineEnd - readIndex <= limits.maxRequestLineBytes else { throw HTTPError(414, "The request line is too long.") }
        guard end - lineEnd <= limits.maxHeaderBytes else { throw HTTPError(431, "The request headers are too large.") }
        var head = try parseRequestLine(buffer[readIndex..<lineEnd])
        head.headers = try parseHeaderLines(from: lineEnd + 2, to: end + 2)
        readIndex = end + 4
        return head
    }

    /// Fails early when an unfinished head is already over a limit.
    private func checkPartialHead() throws(HTTPError) {
        let available = buffer.count - readIndex
        if let lineEnd = ByteSearch.find(Self.crlf, in: buffer, from: readIndex) {
            guard lineEnd - readIndex <= limits.maxRequestLineBytes else { throw HTTPError(414, "The request line is too long.") }
            guard buffer.count - lineEnd <= limits.maxHeaderBytes + 4 else { throw HTTPError(431, "The request headers are too large.") }
        } else if available > limits.maxRequestLineBytes {
            throw HTTPError(414, "The request line is too long.")
        }
    }

    private func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPError) -> Head {
        let parts = line.split(separator: UInt8(ascii: " "), maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw HTTPError(400, "The request line is malformed.")
        }
        guard parts[0].allSatisfy(Self.isTokenByte) else { throw HTTPError(400, "The request method is malformed.") }
        guard let method = HTTPMethod(rawValue: String(decoding: parts[0], as: UTF8.self)) else {
            throw HTTPError(501, "This method is not supported.")
        }
        let version = parts[2]
        let minor: Int
        if version.elementsEqual("HTTP/1.1".utf8) {
            minor = 1
        } else if version.elementsEqual("HTTP/1.0".utf8) {
            minor = 0
        } else if version.count == 8, version.starts(with: "HTTP/".utf8),
                  version.dropFirst(5).enumerated().allSatisfy({ $0.offset == 1 ? $0.element == UInt8(ascii: ".") : (48...57).contains($0.element) }) {
            throw HTTPError(505, "Only HTTP/1.0 and HTTP/1.1 are supported.")
        } else {
            throw HTTPError(400, "The protocol version is malformed.")
        }
        guard parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw HTTPError(400, "The request target contains invalid characters.")
        }
        let target = String(decoding: parts[1], as: UTF8.self)
        let (path, query) = try Request.splitTarget(target, method: method)
        return Head(method: method, target: target, path: path, query: query, versionMinor: minor, headers: HTTPHeaders())
    }

    private func parseHeaderLines(from start: Int, to end: Int) throws(HTTPError) -> HTTPHeaders {
        var headers = HTTPHeaders()
        var lineStart = start
        while lineStart < end {
            guard let lineEnd = ByteSearch.find(Self.crlf, in: buffer, from: lineStart), lineEnd <= end else { break }
            defer { lineStart = lineEnd + 2 }
            if lineEnd == lineStart { continue }
            guard headers.count < limits.maxHeaderCount else { throw HTTPError(431, "Too many request headers.") }
            let line = buffer[lineStart..<lineEnd]
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > lineStart else {
                throw HTTPError(400, "A header line is malformed.")
            }
            let name = line[lineStart..<colon]
            guard name.allSatisfy(Self.isTokenByte) else { throw HTTPError(400, "A header name is malformed.") }
            var valueStart = colon + 1, valueEnd = lineEnd
            while valueStart < valueEnd, buffer[valueStart] == 32 || buffer[valueStart] == 9 { valueStart += 1 }
            while valueEnd > valueStart, buffer[valueEnd - 1] == 32 || buffer[valueEnd - 1] == 9 { valueEnd -= 1 }
            let value = buffer[valueStart..<valueEnd]
            guard value.allSatisfy({ $0 == 9 || ($0 >= 0x20 && $0 != 0x7F) }) else {
                throw HTTPError(400, "A header value contains control characters.")
            }
            headers.add(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
        }
        return headers
    }

    /// RFC 9110 token characters.
    private static func isTokenByte(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    // MARK: Framing

    private func beginBody(_ head: Head) throws(HTTPError) {
        // RFC 9112 §3.2: an HTTP/1.1 request carries exactly one Host; none or several is a 400.
        let hosts = head.headers.values("Host")
        if hosts.count > 1 || (head.versionMinor == 1 && hosts.isEmpty) {
            throw HTTPError(400, hosts.isEmpty ? "The request has no Host header." : "The request has more than one Host header.")
        }
        let lengths = head.headers.values("Content-Length")
        let codings = head.headers.values("Transfer-Encoding")
        memoryBody = []
        fileBody = nil
        bodyBytes = 0
        guard !codings.isEmpty || !lengths.isEmpty else {
            // No body: the route's limit is not needed (and its lookup costs a route match).
            state = .fixed(head, remaining: 0)
            return
        }
        headLimit = limits.maxBody(for: head.method, path: head.path, headers: head.headers)
        if !codings.isEmpty {
            guard lengths.isEmpty else { throw HTTPError(400, "Both Content-Length and Transfer-Encoding were sent.") }
            guard head.versionMinor == 1 else { throw HTTPError(400, "Transfer-Encoding requires HTTP/1.1.") }
            let list = codings.flatMap { $0.split(separator: ",") }.map { $0.trimmingSpaces }
            guard let last = list.last, HTTPHeaders.sameName(last, "chunked") else {
                throw HTTPError(400, "The body's transfer coding must end with chunked.")
            }
            guard list.count == 1 else { throw HTTPError(501, "Only the chunked transfer coding is supported.") }
            requestContinue(head)
            state = .chunked(head, .size)
            return
        }
        guard lengths.count == 1 else { throw HTTPError(400, "Content-Length was sent more than once.") }
        let length = try Self.parseLength(lengths[0], limit: headLimit)
        if length > limits.memoryBodyThreshold {
            fileBody = try TemporaryFile(directory: limits.temporaryDirectory, prefix: "upload")
        } else {
            memoryBody.reserveCapacity(length)
        }
        if length > 0 { requestContinue(head) }
        state = .fixed(head, remaining: length)
    }

    /// A decimal Content-Length; 400 unless it is only digits, 413 above `limit`.
    static func parseLength(_ text: String, limit: Int) throws(HTTPError) -> Int {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw HTTPError(400, "Content-Length is not a number.")
        }
        var value = 0
        for digit in text.utf8 {
            value = value * 10 + Int(digit - 48)
            guard value <= limit else { throw HTTPError(413, "The request body is too large.") }
        }
        return value
    }

    private func requestContinue(_ head: Head) {
        if head.versionMinor == 1, head.headers.hasToken("100-continue", in: "Expect") { continueRequested = true }
    }

    private func appendBody(_ bytes: ArraySlice<UInt8>) throws(HTTPError) {
        bodyBytes += bytes.count
        if let fileBody {
            try fileBody.write(bytes)
        } else if bodyBytes > limits.memoryBodyThreshold {
            let file = try TemporaryFile(directory: limits.temporaryDirectory, prefix: "upload")
            fileBody = file
            try file.write(memoryBody)
            try file.write(bytes)
            memoryBody = []
        } else {
            memoryBody.append(contentsOf: bytes)
        }
    }

    /// Decodes as much chunked body as is buffered; true when the body is complete.
    private func advanceChunked(_ head: Head, _ start: ChunkPhase) throws(HTTPError) -> Bool {
        var phase = start
        defer { if case .chunked = state { state = .chunked(head, phase) } }
        while true {
            switch phase {
            case .size:
                guard let lineEnd = ByteSearch.find(Self.crlf, in: buffer, from: readIndex) else {
                    guard buffer.count - readIndex <= 1024 else { throw HTTPError(400, "A chunk size line is too long.") }
                    return false
                }
                guard lineEnd - readIndex <= 1024 else { throw HTTPError(400, "A chunk size line is too long.") }
                let size = try parseChunkSize(buffer[readIndex..<lineEnd])
                readIndex = lineEnd + 2
                if size == 0 {
                    phase = .trailers(bytes: 0)
                } else {
                    guard bodyBytes + size <= headLimit else { throw HTTPError(413, "The request body is too large.") }
                    phase = .data(remaining: size)
                }
            case .data(let remaining):
                let take = min(remaining, buffer.count - readIndex)
                guard take > 0 else { return false }
                try appendBody(buffer[readIndex..<readIndex + take])
                readIndex += take
                phase = remaining == take ? .dataEnd : .data(remaining: remaining - take)
            case .dataEnd:
                guard buffer.count - readIndex >= 2 else { return false }
                guard buffer[readIndex] == 13, buffer[readIndex + 1] == 10 else {
                    throw HTTPError(400, "Chunk data is longer than its declared size.")
                }
                readIndex += 2
                phase = .size
            case .trailers(let seen):
                guard let lineEnd = ByteSearch.find(Self.crlf, in: buffer, from: readIndex) else {
                    guard seen + buffer.count - readIndex <= limits.maxHeaderBytes else {
                        throw HTTPError(431, "The trailer section is too large.")
                    }
                    return false
                }
                let length = lineEnd - readIndex
                readIndex = lineEnd + 2
                if length == 0 { return true }
                guard seen + length <= limits.maxHeaderBytes else { throw HTTPError(431, "The trailer section is too large.") }
                phase = .trailers(bytes: seen + length + 2)
            }
        }
    }

    /// Hex digits, optionally followed by `;extensions`.
    private func parseChunkSize(_ line: ArraySlice<UInt8>) throws(HTTPError) -> Int {
        var size = 0
        var digits = 0
        var index = line.startIndex
        while index < line.endIndex, let value = PercentEncoding.hexValue(line[index]) {
            size = size << 4 | Int(value)
            digits += 1
            guard digits <= 15 else { throw HTTPError(413, "A chunk is too large.") }
            index += 1
        }
        guard digits > 0 else { throw HTTPError(400, "A chunk size is malformed.") }
        while index < line.endIndex, line[index] == 32 || line[index] == 9 { index += 1 }
        guard index == line.endIndex || line[index] == UInt8(ascii: ";") else {
            throw HTTPError(400, "A chunk size is malformed.")
        }
        guard line[index...].allSatisfy({ $0 == 9 || ($0 >= 0x20 && $0 != 0x7F) }) else {
            throw HTTPError(400, "A chunk extension contains control characters.")
        }
        return size
    }

    private func finish(_ head: Head) -> Request {
        let body: RequestBody
        if let fileBody {
            fileBody.close()
            body = .file(path: fileBody.path, size: fileBody.size)
        } else if memoryBody.isEmpty {
            body = .none
        } else {
            body = .bytes(memoryBody)
        }
        fileBody = nil
        memoryBody = []
        state = .head(scanFrom: readIndex)
        let storage = BodyStorage(memoryThreshold: limits.memoryBodyThreshold, temporaryDirectory: limits.temporaryDirectory)
        if case .file(let path, _) = body { storage.track(path) }
        var request = Request(head.method, target: head.target, path: head.path, query: head.query,
                              headers: head.headers, body: body, remoteAddress: remoteAddress, storage: storage)
        request.versionMinor = head.versionMinor
        return request
    }
}
