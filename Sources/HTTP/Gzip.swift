import CZlibShim

/// gzip compression of response bodies (zlib deflate with the gzip wrapper).
public enum Gzip {
    /// Bodies smaller than this are sent as they are: the header overhead eats the gain.
    public static let minimumSize = 256
    /// zlib level 5: most of level 9's ratio for less than half its time on HTML and CSS.
    public static let defaultLevel: Int32 = 5

    /// Media types worth compressing.
    static let compressibleTypes: [String] = [
        "text/html", "text/css", "text/plain", "application/javascript", "text/javascript",
        "application/json", "application/geo+json", "image/svg+xml",
    ]

    /// Whether a Content-Type value names a compressible media type (parameters ignored).
    public static func isCompressible(contentType: String) -> Bool {
        let bytes = contentType.utf8
        let type = bytes[..<(bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex)]
        let trimmed = String(decoding: type, as: UTF8.self).trimmingSpaces
        return compressibleTypes.contains { HTTPHeaders.sameName($0, trimmed) }
    }

    /// Whether an Accept-Encoding value allows gzip (`gzip` or `*` with a non-zero q).
    public static func accepts(_ acceptEncoding: String?) -> Bool {
        guard let acceptEncoding else { return false }
        var star: Bool?
        for item in acceptEncoding.split(separator: ",") {
            let params = HeaderParameters.parse(String(item))
            let quality = params["q"].flatMap(Double.init) ?? 1
            if HTTPHeaders.sameName(params.value, "gzip") || HTTPHeaders.sameName(params.value, "x-gzip") {
                return quality > 0
            }
            if params.value == "*" { star = quality > 0 }
        }
        return star ?? false
    }

    /// The gzip member holding `bytes`, or nil if zlib fails.
    public static func compress(_ bytes: [UInt8], level: Int32 = defaultLevel) -> [UInt8]? {
        var stream = z_stream()
        guard bando_deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(bytes.count)))
        var out = [UInt8](repeating: 0, count: bound)
        var input = bytes
        let status = input.withUnsafeMutableBufferPointer { inBuf in
            out.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = uInt(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = uInt(outBuf.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        out.removeSubrange(Int(stream.total_out)...)
        return out
    }

    /// Inflates a gzip or zlib stream; nil if it is corrupt or larger than `limit`.
    public static func decompress(_ bytes: [UInt8], limit: Int = 64 << 20) -> [UInt8]? {
        var stream = z_stream()
        guard bando_inflateInit2(&stream, 15 + 32) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var input = bytes
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        return input.withUnsafeMutableBufferPointer { inBuf -> [UInt8]? in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { outBuf -> (Int32, Int) in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = uInt(outBuf.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, outBuf.count - Int(stream.avail_out))
                }
                out.append(contentsOf: chunk[0..<produced])
                if out.count > limit { return nil }
                if status == Z_STREAM_END { return out }
                guard status == Z_OK, produced > 0 || stream.avail_in > 0 else { return nil }
            }
        }
    }
}
