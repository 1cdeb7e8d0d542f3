import Foundation
import HTTP

/// The upload size limit (`bando serve --max-upload-mb`) and the page a refused upload gets.
///
/// The HTTP server refuses an oversize body with 413 as soon as it reads the `Content-Length`,
/// before any route runs, so that page may have no request to take the visitor's language from;
/// it then says the limit in both languages. The upload form states the limit and `upload.js`
/// checks the file's size before sending it, in the visitor's language.
extension Portal {
    /// The default limit, in megabytes.
    public static let defaultMaxUploadMegabytes = 200
    /// A megabyte, as the limit counts it.
    static let bytesPerMegabyte = 1 << 20
    /// Room in a request body beyond the file: the form's other fields and the multipart framing.
    static let multipartAllowance = 64 * 1024

    /// The body limit of the upload routes.
    var uploadBodyLimit: Int { Self.maxBodyBytes(forUploadMegabytes: maxUploadMegabytes) }

    /// The body limit of the style forms: a style of up to 256 KiB, form-encoded (up to 3× larger).
    static let styleFormLimit = 1 << 20

    /// The server's body limit for a request head: the route's own, and for a route that takes
    /// large bodies only with a session cookie (the API: with an Authorization header) — a
    /// visitor who is not signed in cannot stream megabytes to disk (the handler still checks the
    /// session or token itself).
    public func bodyLimit(_ router: Router) -> @Sendable (HTTPMethod, String, HTTPHeaders) -> Int {
        let small = router.defaultBodyLimit
        return { method, path, headers in
            let limit = router.bodyLimit(method, path)
            guard limit > small else { return limit }
            // The API takes large bodies only with credentials (the handler checks the token itself).
            if Portal.isAPI(path) { return headers["Authorization"] == nil ? small : limit }
            let cookies = Cookie.parse(headers.values("Cookie"))
            return (cookies[SessionPolicy.cookieName]?.isEmpty ?? true) ? small : limit
        }
    }

    /// The HTTP server's body limit that lets through a file of `megabytes` with its form.
    public static func maxBodyBytes(forUploadMegabytes megabytes: Int) -> Int {
        max(1, megabytes) * bytesPerMegabyte + multipartAllowance
    }

    /// "The file is too large: the limit is 200 MB." in `language`.
    static func tooLargeMessage(_ localizer: Localizer, _ language: Language, megabytes: Int) -> String {
        localizer.text("upload_too_large", language).replacingOccurrences(of: "{mb}", with: String(megabytes))
    }

    /// The error page for a refused request: for a 413 of the upload form (or of a body refused
    /// before routing), one that says the upload limit — in the visitor's language when the
    /// request is known, else in both; any other error as usual.
    public func uploadAwareErrorPage(_ error: HTTPError, _ request: Request?) -> Response {
        let middleware = PortalMiddleware(trustedProxies: trustedProxies, secureCookies: sessionPolicy.secureCookies)
        let resolved = request.map { ClientAddress.resolve($0, trusting: trustedProxies) }
        var response = uploadAwareErrorBody(error, resolved)
        if let resolved { middleware.finish(&response, for: resolved) }
        return response
    }

    private func uploadAwareErrorBody(_ error: HTTPError, _ request: Request?) -> Response {
        guard error.status == 413, request.map({ $0.path.hasSuffix("/upload") }) ?? true else { return errorPage(error, request) }
        let megabytes = maxUploadMegabytes
        if let request {
            let language = Localizer.language(for: request)
            return page("error", request, title: localizer.text("error_title", language), status: 413,
                        ["status": 413, "message": Self.tooLargeMessage(localizer, language, megabytes: megabytes)])
        }
        guard let anonymous = try? Request(method: .GET, target: "/upload") else { return errorPage(error, nil) }
        let messages = Language.allCases.map { ["lang": $0.rawValue, "message": Self.tooLargeMessage(localizer, $0, megabytes: megabytes)] }
        return page("upload_too_large", anonymous, title: localizer.text("error_title", .vi), status: 413, ["messages": messages])
    }
}
