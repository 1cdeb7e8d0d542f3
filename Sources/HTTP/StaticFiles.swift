import Glibc

/// Serves files below a root folder with validators and caching headers.
///
/// Relative paths with `..`, absolute paths, NUL bytes, backslashes, hidden segments (`.git`) and
/// symbolic links that resolve outside the root are answered with 404, as are folders. Small
/// files are kept in memory (with their gzip form) and revalidated with one `stat` per request.
public struct StaticFiles: Sendable {
    public let root: String
    public let maxAge: Int
    private let resolvedRoot: String?
    private let cache = StaticFileCache()

    public init(root: String, maxAge: Int = 3600) {
        self.root = root
        self.maxAge = maxAge
        self.resolvedRoot = Self.realPath(root)
    }

    /// The file's response, a 304 when `If-None-Match` (or `If-Modified-Since`) still matches,
    /// or the built-in 404 page.
    public func respond(to request: Request, relativePath: String) -> Response {
        do {
            return try serve(request, relativePath: relativePath)
        } catch {
            return error.defaultResponse
        }
    }

    /// Like `respond`, but throws the 404 so the caller's error page renders it.
    public func serve(_ request: Request, relativePath: String) throws(HTTPError) -> Response {
        let notFound = HTTPError(404, "No file at this address.")
        let cached = cache[relativePath]
        guard let file = cached?.realPath ?? resolve(relativePath) else { throw notFound }
        var info = stat()
        guard stat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            if cached != nil { cache[relativePath] = nil }
            throw notFound
        }
        let entry: StaticFileCache.Entry
        if let cached, cached.matches(info) {
            entry = cached
        } else {
            guard let fresh = StaticFileCache.Entry.load(realPath: file, info: info) else { throw notFound }
            entry = fresh
            cache[relativePath] = fresh
        }
        var headers: HTTPHeaders = [
            "ETag": entry.etag,
            "Last-Modified": entry.lastModified,
            "Cache-Control": "public, max-age=\(maxAge)",
        ]
        if Self.notModified(request, etag: entry.etag, lastModified: entry.lastModified) {
            return Response(status: 304, headers: headers)
        }
        headers["Content-Type"] = entry.contentType
        guard let bytes = entry.bytes else {
            return Response(status: 200, headers: headers, body: .file(path: file, size: entry.size))
        }
        if entry.compressible {
            headers["Vary"] = "Accept-Encoding"
            if Gzip.accepts(request.headers["Accept-Encoding"]), let packed = cache.gzipped(relativePath, entry) {
                headers["Content-Encoding"] = "gzip"
                headers["ETag"] = "W/" + entry.etag
                return Response(status: 200, headers: headers, body: .bytes(packed))
            }
        }
        return Response(status: 200, headers: headers, body: .bytes(bytes))
    }

    /// Whether the request's validators match: If-None-Match by weak comparison (so a gzip
    /// variant's `W/` tag still matches), else an exact If-Modified-Since.
    static func notModified(_ request: Request, etag: String, lastModified: String) -> Bool {
        let candidates = request.headers.values("If-None-Match")
        if !candidates.isEmpty {
            let opaque = Self.opaque(etag)
            for value in candidates {
                for tag in value.split(separator: ",") {
                    let trimmed = tag.trimmingSpaces
                    if trimmed == "*" || Self.opaque(trimmed) == opaque { return true }
                }
            }
            return false
        }
        return request.headers["If-Modified-Since"] == lastModified
    }

    private static func opaque(_ tag: String) -> Substring {
        tag.hasPrefix("W/") ? tag.dropFirst(2) : Substring(tag)
    }

    /// The absolute path of a file inside the root, or nil for anything that could leave it.
    func resolve(_ relativePath: String) -> String? {
        guard let resolvedRoot, !relativePath.isEmpty, !relativePath.hasPrefix("/"),
              !relativePath.utf8.contains(where: { $0 == 0 || $0 == UInt8(ascii: "\\") }) else { return nil }
        for segment in relativePath.split(separator: "/", omittingEmptySubsequences: true) {
            if segment.hasPrefix(".") { return nil }
        }
        guard let real = Self.realPath(resolvedRoot + "/" + relativePath),
              real.hasPrefix(resolvedRoot == "/" ? "/" : resolvedRoot + "/") else { return nil }
        return real
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
