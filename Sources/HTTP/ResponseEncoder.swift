import Foundation
import Glibc

/// Turns a `Response` into wire bytes: status line, headers (plus Date, Content-Length and
/// Connection), gzip when the client accepts it, HEAD without body, files read or streamed.
enum ResponseEncoder {
    /// Files up to this size are read and sent with the head in one sendmsg; larger ones use sendfile.
    static let inlineFileLimit = 64 * 1024
    /// Compressible files up to this size are gzipped (and cached); larger ones go out as they are.
    static let gzipFileLimit = 8 << 20

    /// Encodes `response` for `request` (nil after a parse error). Throws 404 when a file body is gone.
    static func encode(_ response: Response, for request: Request?, closeAfter: Bool) throws(HTTPError) -> OutgoingResponse {
        var headers = response.headers
        var status = response.status
        var body: [UInt8] = []
        var file: Int32 = -1
        var fileSize = 0
        var fileIdentity: GzipCache.Key?
        switch response.body {
        case .empty:
            break
        case .bytes(let bytes):
            body = bytes
        case .file(let path, _):
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw HTTPError(404, "No file at this address.") }
            var info = stat()
            guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                close(fd)
                throw HTTPError(404, "No file at this address.")
            }
            file = fd
            fileSize = Int(info.st_size)
            fileIdentity = GzipCache.Key(path: path, size: fileSize, mtime: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec)
        }

        // A file answers one byte range of itself (RFC 9110 §14), as GDAL's /vsicurl/ and
        // download managers ask; anything else (several ranges, a stale If-Range) gets it whole.
        var fileStart = 0
        if file >= 0 && status == 200 && !headers.contains("Content-Encoding") {
            headers["Accept-Ranges"] = "bytes"
            if let request, request.method == .GET || request.method == .HEAD, let header = request.headers["Range"],
               Self.ifRangeHolds(request.headers["If-Range"], headers) {
                switch ByteRange.parse(header, size: fileSize) {
                case .whole:
                    break
                case .range(let range):
                    status = 206
                    fileStart = range.lowerBound
                    headers["Content-Range"] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(fileSize)"
                    fileSize = range.count
                case .unsatisfiable:
                    closeFile(&file)
                    var refused = HTTPHeaders()
                    refused["Content-Range"] = "bytes */\(fileSize)"
                    refused["Content-Type"] = "text/plain; charset=utf-8"
                    let text = Array("The range asked for lies outside the file's \(fileSize) bytes.\n".utf8)
                    let head = serializeHead(416, refused, contentLength: text.count, closeAfter: closeAfter, request: request)
                    return OutgoingResponse(status: 416, head: head, body: request.method == .HEAD ? [] : text, closeAfter: closeAfter)
                }
            }
        }

        let isHead = request?.method == .HEAD
        let noBody = HTTPStatus.forbidsBody(status)
        let size = file >= 0 ? fileSize : body.count
        if !noBody, status != 206, !headers.contains("Content-Encoding"), size >= Gzip.minimumSize,
           let type = headers["Content-Type"], Gzip.isCompressible(contentType: type),
           file < 0 || size <= gzipFileLimit {
            addVary(&headers)
            if Gzip.accepts(request?.headers["Accept-Encoding"]) {
                let compressed: [UInt8]?
                if file >= 0, let key = fileIdentity {
                    compressed = GzipCache.shared.compressed(key) { readAll(file, size: fileSize) }
                } else {
                    compressed = Gzip.compress(body)
                }
                if let compressed {
                    closeFile(&file)
                    body = compressed
                    headers["Content-Encoding"] = "gzip"
                    if let etag = headers["ETag"], !etag.hasPrefix("W/") { headers["ETag"] = "W/" + etag }
                }
            }
        }
        let contentLength = file >= 0 ? fileSize : body.count
        if isHead || noBody {
            closeFile(&file)
            return head(status, headers, contentLength: contentLength, noBody: noBody, closeAfter: closeAfter, request: request)
        }
        if file >= 0 && fileSize <= inlineFileLimit {
            let bytes = readAll(file, size: fileSize, from: fileStart)
            closeFile(&file)
            guard let bytes else { throw HTTPError(500, "The file could not be read.") }
            body = bytes
        }
        let bytes = serializeHead(status, headers, contentLength: contentLength, closeAfter: closeAfter, request: request)
        return OutgoingResponse(status: status, head: bytes, body: body, file: file, fileSize: fileSize, fileStart: fileStart,
                                closeAfter: closeAfter)
    }

    private static func head(_ status: Int, _ headers: HTTPHeaders, contentLength: Int, noBody: Bool,
                             closeAfter: Bool, request: Request?) -> OutgoingResponse {
        let bytes = serializeHead(status, headers, contentLength: noBody ? nil : contentLength, closeAfter: closeAfter, request: request)
        return OutgoingResponse(status: status, head: bytes, body: [], closeAfter: closeAfter)
    }

    private static func closeFile(_ file: inout Int32) {
        if file >= 0 { close(file); file = -1 }
    }

    private static func addVary(_ headers: inout HTTPHeaders) {
        if let vary = headers["Vary"] {
            if !headers.hasToken("Accept-Encoding", in: "Vary") && vary != "*" { headers["Vary"] = vary + ", Accept-Encoding" }
        } else {
            headers["Vary"] = "Accept-Encoding"
        }
    }

    /// Whether an `If-Range` validator (if any) still names the response's representation: it
    /// must equal its strong ETag or its Last-Modified date.
    static func ifRangeHolds(_ validator: String?, _ headers: HTTPHeaders) -> Bool {
        guard let validator = validator?.trimmingCharacters(in: .whitespaces) else { return true }
        if validator.hasPrefix("\"") { return headers["ETag"] == validator }
        return headers["Last-Modified"] == validator
    }

    /// Reads `size` bytes of an open file from `start`.
    static func readAll(_ fd: Int32, size: Int, from start: Int = 0) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        let ok = bytes.withUnsafeMutableBytes { raw -> Bool in
            while offset < size {
                let n = pread(fd, raw.baseAddress.map { $0 + offset }, size - offset, off_t(start + offset))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
        return ok ? bytes : nil
    }

    private static let statusLines: [Int: [UInt8]] = {
        var lines: [Int: [UInt8]] = [:]
        for code in [200, 201, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 405, 408, 413, 414, 431, 500, 501, 503, 505] {
            lines[code] = Array("HTTP/1.1 \(code) \(HTTPStatus.reason(code))\r\n".utf8)
        }
        return lines
    }()

    static func serializeHead(_ status: Int, _ headers: HTTPHeaders, contentLength: Int?, closeAfter: Bool,
                              request: Request?) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + headers.count * 48)
        if let line = statusLines[status] {
            out.append(contentsOf: line)
        } else {
            out.append(contentsOf: "HTTP/1.1 \(max(100, min(999, status))) \(HTTPStatus.reason(status))\r\n".utf8)
        }
        for (name, value) in headers {
            if HTTPHeaders.sameName(name, "Content-Length") || HTTPHeaders.sameName(name, "Connection")
                || HTTPHeaders.sameName(name, "Date") || HTTPHeaders.sameName(name, "Transfer-Encoding") { continue }
            appendSafe(name, to: &out)
            out.append(contentsOf: [58, 32])
            appendSafe(value, to: &out)
            out.append(contentsOf: [13, 10])
        }
        out.append(contentsOf: "Date: ".utf8)
        out.append(contentsOf: HTTPDate.now())
        out.append(contentsOf: [13, 10])
        if let contentLength {
            out.append(contentsOf: "Content-Length: ".utf8)
            out.append(contentsOf: String(contentLength).utf8)
            out.append(contentsOf: [13, 10])
        }
        if closeAfter {
            out.append(contentsOf: "Connection: close\r\n".utf8)
        } else if request?.versionMinor == 0 {
            out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        out.append(contentsOf: [13, 10])
        return out
    }

    /// Appends header text with CR, LF and NUL replaced by spaces, so no value can split the head.
    private static func appendSafe(_ text: String, to out: inout [UInt8]) {
        let utf8 = text.utf8
        let clean = utf8.withContiguousStorageIfAvailable { bytes in
            !bytes.contains { $0 == 13 || $0 == 10 || $0 == 0 }
        } ?? !utf8.contains { $0 == 13 || $0 == 10 || $0 == 0 }
        if clean {
            out.append(contentsOf: utf8)
            return
        }
        for byte in utf8 {
            out.append(byte == 13 || byte == 10 || byte == 0 ? 32 : byte)
        }
    }
}
