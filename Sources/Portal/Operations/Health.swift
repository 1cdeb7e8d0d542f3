import Foundation
import HTTP

extension Portal {
    /// `/healthz`: 200 with `status`, for monitors and load balancers; the database's versions
    /// and state only to loopback and the sysadmin (they tell an attacker what to try).
    func health(_ request: Request) -> Response {
        let database = self.database.health()
        var body: [String: Any] = ["status": database["state"] == "ok" ? "ok" : "degraded"]
        if AddressRange.any(AddressRange.loopback, contains: request.peerAddress) || signedIn(request)?.actor.role == .sysadmin {
            body["database"] = database
        }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
        var response = Response.json(Array(data), status: database["state"] == "ok" ? 200 : 503)
        response.headers["Cache-Control"] = "no-store"
        return response
    }
}
