/// An error that carries the HTTP status to answer with and a message safe to show a person.
///
/// Handlers throw it to choose the status of the error page; the parser throws it for bad input.
/// `headers` are added to the error response (for example `Allow` on a 405).
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var message: String
    public var headers: HTTPHeaders
    /// The route pattern whose handler threw it, set by the Router; never sent.
    public var route: String?

    public init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
        self.headers = HTTPHeaders()
    }

    public init(_ status: Int, _ message: String, headers: HTTPHeaders) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status) \(HTTPStatus.reason(status)): \(message)" }

    /// The small built-in error page: status line as title, the message escaped.
    public var defaultResponse: Response {
        let title = "\(status) \(HTTPStatus.reason(status))"
        let html = """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>\(HTMLEscape.escape(title))</title></head>
        <body><h1>\(HTMLEscape.escape(title))</h1><p>\(HTMLEscape.escape(message))</p></body></html>

        """
        var response = Response.html(html, status: status)
        for (name, value) in headers { response.headers[name] = value }
        return response
    }
}

/// Escapes text for HTML element content and attribute values: `& < > " '`, per UTF-8 byte,
/// so a combining mark after one of them (one grapheme with it) cannot carry it out unescaped.
public enum HTMLEscape {
    public static func escape(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            switch byte {
            case 0x26: out += Array("&amp;".utf8)
            case 0x3C: out += Array("&lt;".utf8)
            case 0x3E: out += Array("&gt;".utf8)
            case 0x22: out += Array("&quot;".utf8)
            case 0x27: out += Array("&#39;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
