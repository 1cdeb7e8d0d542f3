import Formats
import HTTP

/// An error of the OGC API – Features door, as its JSON exception (`code`, `description`) with
/// the HTTP status the standard names: 400 for a bad parameter, 404 for a collection or item that
/// does not exist — or that the requester may not download, which answers exactly alike.
struct FeaturesError: Error, Equatable {
    var status: Int
    var code: String
    var description: String

    static func notFound(_ what: String) -> FeaturesError {
        FeaturesError(status: 404, code: "NotFound", description: String(what.prefix(200)) + " does not exist")
    }

    static func invalid(_ parameter: String, _ why: String) -> FeaturesError {
        FeaturesError(status: 400, code: "InvalidParameterValue", description: "\(parameter): \(why)")
    }

    var response: Response {
        var text = "{\"code\":"
        JSONText.appendString(code, to: &text)
        text += ",\"description\":"
        JSONText.appendString(description, to: &text)
        text += "}"
        return Response(status: status, headers: [
            "Content-Type": "application/json; charset=utf-8",
            "Cache-Control": "no-store",
        ], body: .bytes(Array(text.utf8)))
    }
}
