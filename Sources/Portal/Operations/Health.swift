import Foundation
import Formats
import HTTP

extension Portal {
    /// `/healthz`: 200 with `status`, for monitors and load balancers; the database's versions
    /// and state only to loopback and the sysadmin (they tell an attacker what to try).
    func health(_ request: Request) -> Response {
        let database = self.database.health()
        var body: [String: JSONValue] = ["status": database["state"] == "ok" ? "ok" : "degraded"]
        if AddressRange.any(AddressRange.loopback, contains: request.peerAddress) || signedIn(request)?.actor.role == .sysadmin {
            body["database"] = .sorted(database.mapValues(JSONValue.string))
        }
        var response = Response.json(JSONValue.sorted(body).jsonBytes, status: database["state"] == "ok" ? 200 : 503)
        response.headers["Cache-Control"] = "no-store"
        return response
    }
}
