/// Runs the handler for a parsed request (or renders the error for a parse failure) and encodes
/// the result. Runs on worker threads.
struct Responder: Sendable {
    let handler: Handler
    let errorPage: (@Sendable (HTTPError, Request?) -> Response)?

    /// The encoded response and its access-log line (duration filled in when sending ends).
    /// `draining` is asked after the handler returns, so a response finished during shutdown closes.
    func respond(to event: RequestParser.Event, remoteAddress: String, draining: () -> Bool) -> (OutgoingResponse, AccessLogEntry) {
        switch event {
        case .request(let request):
            defer { request.bodyStorage.removeAll() }
            let response = run(request)
            let close = request.wantsClose || draining() || response.headers.hasToken("close", in: "Connection")
            let outgoing: OutgoingResponse
            do {
                outgoing = try ResponseEncoder.encode(response, for: request, closeAfter: close)
            } catch {
                outgoing = encodeError(error, request: request, closeAfter: close)
            }
            let entry = AccessLogEntry(method: request.method.rawValue, target: request.target, status: outgoing.status,
                                       bytes: outgoing.bodyBytes, durationMs: 0, remoteAddress: remoteAddress,
                                       userAgent: request.headers["User-Agent"])
            return (outgoing, entry)
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
        guard let errorPage else { return error.defaultResponse }
        var response = errorPage(error, request)
        for (name, value) in error.headers where !response.headers.contains(name) {
            response.headers[name] = value
        }
        return response
    }

    private func encodeError(_ error: HTTPError, request: Request?, closeAfter: Bool) -> OutgoingResponse {
        let response = errorResponse(error, request)
        if let encoded = try? ResponseEncoder.encode(response, for: request, closeAfter: closeAfter) {
            return encoded
        }
        let fallback = HTTPError(error.status, error.message).defaultResponse
        if let encoded = try? ResponseEncoder.encode(fallback, for: request, closeAfter: true) { return encoded }
        let head = ResponseEncoder.serializeHead(500, HTTPHeaders(), contentLength: 0, closeAfter: true, request: nil)
        return OutgoingResponse(status: 500, head: head, body: [], closeAfter: true)
    }
}
