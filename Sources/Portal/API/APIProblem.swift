import Formats
import HTTP

/// An error of the JSON API, answered as `application/problem+json` (RFC 9457): `type`, `title`,
/// `status`, `detail`, and where one applies the request's part at fault — `pointer` (a JSON
/// Pointer into the request body) or `parameter` (a query parameter or form field). `code` names
/// the kind of problem for programs. A layer the requester may not see answers exactly like one
/// that does not exist.
struct APIProblem: Error, Equatable {
    var status: Int
    var code: String
    var title: String
    var detail: String
    var pointer: String?
    var parameter: String?
    var headers: HTTPHeaders = HTTPHeaders()

    static func == (a: APIProblem, b: APIProblem) -> Bool {
        a.status == b.status && a.code == b.code && a.detail == b.detail && a.pointer == b.pointer && a.parameter == b.parameter
    }

    static let mediaType = "application/problem+json"

    /// The one answer for a thing that is missing or hidden.
    static let notFound = APIProblem(status: 404, code: "not_found", title: "Not Found",
                                     detail: "There is no such resource.")

    /// A query parameter or form field the API cannot take.
    static func invalidParameter(_ name: String, _ why: String) -> APIProblem {
        APIProblem(status: 400, code: "invalid_parameter", title: "Invalid parameter",
                   detail: "\(name): \(why)", parameter: name)
    }

    /// A member of the JSON body the API cannot take; `member` is its JSON Pointer.
    static func invalidMember(_ member: String, _ why: String, status: Int = 422) -> APIProblem {
        APIProblem(status: status, code: "invalid_body", title: "Invalid request body",
                   detail: "\(member): \(why)", pointer: member)
    }

    /// No credentials where the route needs an actor.
    static let unauthenticated: APIProblem = {
        var problem = APIProblem(status: 401, code: "unauthenticated", title: "Unauthorized",
                                 detail: "This route needs an access token: Authorization: Bearer <token>.")
        problem.headers["WWW-Authenticate"] = "Bearer realm=\"Bando\", Basic realm=\"Bando\", charset=\"UTF-8\""
        return problem
    }()

    /// A token without the scope the route needs.
    static func insufficientScope(_ scope: String) -> APIProblem {
        var problem = APIProblem(status: 403, code: "insufficient_scope", title: "Forbidden",
                                 detail: "This route needs a token with the \(scope) scope.")
        problem.headers["WWW-Authenticate"] = "Bearer realm=\"Bando\", error=\"insufficient_scope\", scope=\"\(scope)\""
        return problem
    }

    /// The server is busy (its writer, its queue); try again after `seconds`.
    static func busy(seconds: Int = 2) -> APIProblem {
        var problem = APIProblem(status: 503, code: "busy", title: "Service Unavailable",
                                 detail: "The portal is busy; try again in \(seconds) s.")
        problem.headers["Retry-After"] = String(seconds)
        return problem
    }

    static let serverError = APIProblem(status: 500, code: "server_error", title: "Internal Server Error",
                                        detail: "The portal could not answer; the failure has been logged.")

    /// The problem document.
    var document: JSONValue {
        .members([
            ("type", "about:blank"),
            ("title", .string(title)),
            ("status", .int(status)),
            ("detail", .string(detail)),
            ("code", .string(code)),
            ("pointer", pointer.map(JSONValue.string)),
            ("parameter", parameter.map(JSONValue.string)),
        ])
    }

    var response: Response {
        var response = Response(status: status, headers: ["Content-Type": Self.mediaType, "Cache-Control": "no-store"],
                                body: .bytes(document.jsonBytes))
        for (name, value) in headers { response.headers[name] = value }
        return response
    }
}
