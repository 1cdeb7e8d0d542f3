/// Runs the handler for a parsed request (or renders the error for a parse failure) and encodes
/// the result. Runs on handler threads (parse errors and overloads on I/O threads).
struct Responder: Sendable {
    let handler: Handler
    let errorPage: (@Sendable (HTTPError, Request?) -> Response)?
    /// Headers every response carries unless it sets its own (security headers, error pages included).
    var defaultHeaders = HTTPHeaders()

    func decorate(_ response: Response) -> Response {
        var response = response
        for (name, value) in defaultHeaders where !response.headers.contains(name) {
            response.headers[name] = value
        }
        return response
    }

    /// The encoded response and its access-log line (duration filled in when sending ends).
    /// `draining` is asked after the handler returns, so a response finished during shutdown closes.
    func respond(to event: RequestParser.Event, remoteAddress: String, draining: () -> Bool) -> (OutgoingResponse, AccessLogEntry) {
        switch event {
        case .request(let request):
            defer { request.bodyStorage.removeAll() }
            return encode(run(request), for: request, remoteAddress: remoteAddress, draining: draining)
        case .failure(let error):
            let outgoing = encodeError(error, request: nil, closeAfter: true)
            let entry = AccessLogEntry(method: "-", target: "-", status: outgoing.status, bytes: outgoing.bodyBytes,
                                       durationMs: 0, remoteAddress: remoteAddress)
            return (outgoing, entry)
        case .needMore:
            let outgoing = encodeError(HTTPError(500, "Internal Server Error"), request: nil, closeAfter: true)
            return (outgoing, AccessLogEntry(method: "-", target: "-", status: 500, bytes: outgoing.bodyBytes,
                                             durationMs: 0, remoteAddress: remoteAddress))
        }
    }

    /// The fast path's answer, encoded, or nil when it hands the request to the handler pool.
    func respondFast(_ request: Request, _ fast: @Sendable (Request) -> Response?, remoteAddress: String,
                     draining: () -> Bool) -> (OutgoingResponse, AccessLogEntry)? {
        guard let response = fast(request) else { return nil }
        return encode(response, for: request, remoteAddress: remoteAddress, draining: draining)
    }

    private func encode(_ answer: Response, for request: Request, remoteAddress: String,
                        draining: () -> Bool) -> (OutgoingResponse, AccessLogEntry) {
        let response = decorate(answer)
        let close = request.wantsClose || draining() || response.headers.hasToken("close", in: "Connection")
        let outgoing: OutgoingResponse
        do {
            outgoing = try ResponseEncoder.encode(response, for: request, closeAfter: close)
        } catch {
            outgoing = encodeError(error, request: request, closeAfter: close)
        }
        var entry = AccessLogEntry(method: request.method.rawValue, target: request.target, status: outgoing.status,
                                   bytes: outgoing.bodyBytes, durationMs: 0, remoteAddress: remoteAddress,
                                   userAgent: request.headers["User-Agent"])
        entry.route = response.route
        return (outgoing, entry)
    }

    /// The answer when no handler thread can take `request` (or a parse error) now: a fixed
    /// 503 (or the parse error) built without the error page, so an I/O thread never waits for
    /// anything while it is refused.
    func refused(_ event: RequestParser.Event, remoteAddress: String) -> (OutgoingResponse, AccessLogEntry) {
        var error = HTTPError(503, "The server is busy; try again in a moment.", headers: ["Retry-After": "1"])
        var request: Request?
        switch event {
        case .request(let parsed): request = parsed
        case .failure(let failure): error = failure
        case .needMore: break
        }
        let close = request.map { $0.wantsClose } ?? true
        let response = decorate(error.defaultResponse)
        let outgoing = (try? ResponseEncoder.encode(response, for: request, closeAfter: close))
            ?? OutgoingResponse(status: 500, head: ResponseEncoder.serializeHead(500, HTTPHeaders(), contentLength: 0,
                                                                                 closeAfter: true, request: nil),
                                body: [], closeAfter: true)
        let entry = AccessLogEntry(method: request?.method.rawValue ?? "-", target: request?.target ?? "-",
                                   status: outgoing.status, bytes: outgoing.bodyBytes, durationMs: 0,
                                   remoteAddress: remoteAddress, userAgent: request?.headers["User-Agent"])
        return (outgoing, entry)
    }

    /// The handler's response; thrown HTTPErrors become error pages, other errors a 500.
    func run(_ request: Request) -> Response {
        do {
            return try handler(request)
        } catch let error as HTTPError {
            return errorResponse(error, request)
        } catch {
            return errorResponse(HTTPError(500, "Something went wrong on the server."), request)
        }
    }

    func errorResponse(_ error: HTTPError, _ request: Request?) -> Response {
        guard let errorPage else {
            var response = error.defaultResponse
            response.route = error.route
            return response
        }
        var response = errorPage(error, request)
        response.route = error.route
        for (name, value) in error.headers where !response.headers.contains(name) {
            response.headers[name] = value
        }
        return response
    }

    private func encodeError(_ error: HTTPError, request: Request?, closeAfter: Bool) -> OutgoingResponse {
        let response = decorate(errorResponse(error, request))
        if let encoded = try? ResponseEncoder.encode(response, for: request, closeAfter: closeAfter) {
            return encoded
        }
        let fallback = decorate(HTTPError(error.status, error.message).defaultResponse)
        if let encoded = try? ResponseEncoder.encode(fallback, for: request, closeAfter: true) { return encoded }
        let head = ResponseEncoder.serializeHead(500, HTTPHeaders(), contentLength: 0, closeAfter: true, request: nil)
        return OutgoingResponse(status: 500, head: head, body: [], closeAfter: true)
    }
}
