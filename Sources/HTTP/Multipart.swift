import Glibc

/// One part of a `multipart/form-data` body. Large parts arrive as `.file` bodies in temporary
/// files that the server deletes after the response.
public struct MultipartPart: Sendable {
    public var name: String
    public var filename: String?
    public var contentType: String?
    public var body: RequestBody

    public init(name: String, filename: String? = nil, contentType: String? = nil, body: RequestBody) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
        self.body = body
    }

    /// The part's bytes when it is held in memory, else nil.
    public var bytes: [UInt8]? {
        if case .bytes(let bytes) = body { return bytes }
        if case .none = body { return [] }
        return nil
    }
}

extension Request {
    /// Parses a `multipart/form-data` body, streaming it when it is a file. Parts larger than the
    /// server's memory threshold are written to temporary files. Throws 400 for a malformed body
    /// and 415 when the request is not multipart.
    public func multipartParts() throws(HTTPError) -> [MultipartPart] {
        guard let contentType = headers["Content-Type"],
              let boundary = MultipartParser.boundary(fromContentType: contentType) else {
            throw HTTPError(415, "Expected a multipart/form-data body.")
        }
        let parser = MultipartParser(boundary: boundary, storage: bodyStorage)
        do {
            switch body {
            case .none:
                break
            case .bytes(let bytes):
                try parser.feed(bytes[...])
            case .file(let path, _):
                try BodyFileReader.forEachChunk(path: path) { (chunk) throws(HTTPError) in try parser.feed(chunk) }
            }
            return try parser.finish()
        } catch {
            parser.discard()
            throw error
        }
    }
}

/// Reads a file in fixed-size chunks.
enum BodyFileReader {
    static let chunkSize = 256 * 1024

    static func forEachChunk(path: String, _ body: (ArraySlice<UInt8>) throws(HTTPError) -> Void) throws(HTTPError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw HTTPError(500, "The request body file is missing.") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, chunkSize) }
            if n < 0 {
                if errno == EINTR { continue }
                throw HTTPError(500, "Cannot read the request body file.")
            }
            if n == 0 { return }
            try body(buffer[0..<n])
        }
    }

    /// The whole file, refusing files above `limit` bytes with 413.
    static func readAll(path: String, limit: Int) throws(HTTPError) -> [UInt8] {
        var out: [UInt8] = []
        try forEachChunk(path: path) { (chunk) throws(HTTPError) in
            guard out.count + chunk.count <= limit else { throw HTTPError(413, "The body is too large.") }
            out.append(contentsOf: chunk)
        }
        return out
    }
}

/// A streaming `multipart/form-data` parser fed chunk by chunk.
final class MultipartParser {
    static let maxParts = 1000
    static let maxPartHeaderBytes = 16 * 1024

    private enum State { case preamble, afterDelimiter, headers, body, done }

    private let delimiter: [UInt8]   // CRLF "--" boundary
    private let storage: BodyStorage
    private var state = State.preamble
    private var buffer: [UInt8] = Array("\r\n".utf8)
    private var parts: [MultipartPart] = []
    private var current: (name: String, filename: String?, contentType: String?)?
    private var memory: [UInt8] = []
    private var file: TemporaryFile?
    private var createdFiles: [String] = []

    init(boundary: String, storage: BodyStorage) {
        delimiter = Array("\r\n--\(boundary)".utf8)
        self.storage = storage
    }

    /// The boundary parameter of a multipart/form-data Content-Type, if valid (1–70 characters).
    static func boundary(fromContentType value: String) -> String? {
        let pieces = value.split(separator: ";")
        guard let type = pieces.first, HTTPHeaders.sameName(type.trimmingSpaces, "multipart/form-data") else { return nil }
        for piece in pieces.dropFirst() {
            let param = piece.trimmingSpaces
            guard let eq = param.firstIndex(of: "="), HTTPHeaders.sameName(param[..<eq], "boundary") else { continue }
            var boundary = String(param[param.index(after: eq)...])
            if boundary.count >= 2, boundary.hasPrefix("\""), boundary.hasSuffix("\"") {
                boundary = String(boundary.dropFirst().dropLast())
            }
            guard (1...70).contains(boundary.utf8.count),
                  boundary.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
            return boundary
        }
        return nil
    }

    func feed(_ chunk: ArraySlice<UInt8>) throws(HTTPError) {
        buffer.append(contentsOf: chunk)
        var start = 0
        defer { buffer.removeSubrange(0..<start) }
        while true {
            switch state {
            case .preamble:
                guard let hit = ByteSearch.find(delimiter, in: buffer, from: start) else {
                    start = max(start, buffer.count - (delimiter.count - 1))
                    return
                }
                start = hit + delimiter.count
                state = .afterDelimiter
            case .afterDelimiter:
                guard buffer.count - start >= 2 else { return }
                if buffer[start] == UInt8(ascii: "-") && buffer[start + 1] == UInt8(ascii: "-") {
                    state = .done
                    start = buffer.count
                    return
                }
                var index = start
                while index < buffer.count, buffer[index] == UInt8(ascii: " ") || buffer[index] == UInt8(ascii: "\t") {
                    index += 1
                }
                guard buffer.count - index >= 2 else {
                    if buffer.count - start > 256 { throw HTTPError(400, "Malformed multipart boundary line.") }
                    return
                }
                guard buffer[index] == 13, buffer[index + 1] == 10 else {
                    throw HTTPError(400, "Malformed multipart boundary line.")
                }
                start = index + 2
                state = .headers
            case .headers:
                let headerEnd: Int
                if buffer.count - start >= 2, buffer[start] == 13, buffer[start + 1] == 10 {
                    headerEnd = start
                } else if let hit = ByteSearch.find(Self.crlfcrlf, in: buffer, from: start) {
                    headerEnd = hit + 2
                } else {
                    if buffer.count - start > Self.maxPartHeaderBytes { throw HTTPError(400, "Multipart part headers are too large.") }
                    return
                }
                guard headerEnd - start <= Self.maxPartHeaderBytes else { throw HTTPError(400, "Multipart part headers are too large.") }
                try beginPart(headerBytes: buffer[start..<headerEnd])
                start = headerEnd + 2
                state = .body
            case .body:
                if let hit = ByteSearch.find(delimiter, in: buffer, from: start) {
                    try appendToPart(buffer[start..<hit])
                    try endPart()
                    start = hit + delimiter.count
                    state = .afterDelimiter
                } else {
                    let keep = delimiter.count - 1
                    let safeEnd = buffer.count - keep
                    if safeEnd > start {
                        try appendToPart(buffer[start..<safeEnd])
                        start = safeEnd
                    }
                    return
                }
            case .done:
                start = buffer.count
                return
            }
        }
    }

    func finish() throws(HTTPError) -> [MultipartPart] {
        guard state == .done else {
            discard()
            throw HTTPError(400, "The multipart body ends before its closing boundary.")
        }
        return parts
    }

    /// Deletes temporary files created so far (on failure).
    func discard() {
        file?.discard()
        file = nil
        for path in createdFiles { unlink(path) }
        createdFiles.removeAll()
    }

    private static let crlfcrlf: [UInt8] = Array("\r\n\r\n".utf8)

    private func beginPart(headerBytes: ArraySlice<UInt8>) throws(HTTPError) {
        guard parts.count < Self.maxParts else { throw HTTPError(413, "Too many multipart parts.") }
        let text = String(decoding: headerBytes, as: UTF8.self)
        var disposition: String?
        var contentType: String?
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else { throw HTTPError(400, "Malformed multipart part header.") }
            let name = line[..<colon]
            let value = line[line.index(after: colon)...].trimmingSpaces
            if HTTPHeaders.sameName(name, "Content-Disposition") { disposition = value }
            else if HTTPHeaders.sameName(name, "Content-Type") { contentType = value }
        }
        guard let disposition else { throw HTTPError(400, "A multipart part has no Content-Disposition.") }
        let params = HeaderParameters.parse(disposition)
        guard HTTPHeaders.sameName(params.value, "form-data"), let name = params["name"] else {
            throw HTTPError(400, "A multipart part is not form-data with a name.")
        }
        current = (name, params["filename"], contentType)
        memory = []
        file = nil
    }

    private func appendToPart(_ bytes: ArraySlice<UInt8>) throws(HTTPError) {
        guard !bytes.isEmpty else { return }
        if let file {
            try file.write(bytes)
        } else if memory.count + bytes.count > storage.memoryThreshold {
            let file = try TemporaryFile(directory: storage.temporaryDirectory, prefix: "part")
            createdFiles.append(file.path)
            self.file = file
            try file.write(memory)
            try file.write(bytes)
            memory = []
        } else {
            memory.append(contentsOf: bytes)
        }
    }

    private func endPart() throws(HTTPError) {
        guard let current else { throw HTTPError(400, "Malformed multipart body.") }
        let body: RequestBody
        if let file {
            file.close()
            storage.track(file.path)
            body = .file(path: file.path, size: file.size)
            self.file = nil
        } else {
            body = memory.isEmpty ? .bytes([]) : .bytes(memory)
        }
        parts.append(MultipartPart(name: current.name, filename: current.filename,
                                   contentType: current.contentType, body: body))
        self.current = nil
        memory = []
    }
}

/// Parses header values of the form `value; key=token; key="quoted \" string"`.
struct HeaderParameters {
    var value: String
    var parameters: [(key: String, value: String)]

    subscript(key: String) -> String? {
        parameters.first { HTTPHeaders.sameName($0.key, key) }?.value
    }

    static func parse(_ text: String) -> HeaderParameters {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        func skipSpaces() { while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 } }
        var head = ""
        while index < scalars.count, scalars[index] != ";" { head.unicodeScalars.append(scalars[index]); index += 1 }
        var params: [(key: String, value: String)] = []
        while index < scalars.count {
            index += 1   // the ';'
            skipSpaces()
            var key = ""
            while index < scalars.count, scalars[index] != "=", scalars[index] != ";" {
                key.unicodeScalars.append(scalars[index]); index += 1
            }
            var value = ""
            if index < scalars.count, scalars[index] == "=" {
                index += 1
                skipSpaces()
                if index < scalars.count, scalars[index] == "\"" {
                    index += 1
                    while index < scalars.count, scalars[index] != "\"" {
                        if scalars[index] == "\\", index + 1 < scalars.count { index += 1 }
                        value.unicodeScalars.append(scalars[index]); index += 1
                    }
                    while index < scalars.count, scalars[index] != ";" { index += 1 }
                } else {
                    while index < scalars.count, scalars[index] != ";" { value.unicodeScalars.append(scalars[index]); index += 1 }
                    value = value.trimmingSpaces
                }
            }
            let trimmedKey = key.trimmingSpaces
            if !trimmedKey.isEmpty { params.append((key: trimmedKey, value: value)) }
        }
        return HeaderParameters(value: head.trimmingSpaces, parameters: params)
    }
}
