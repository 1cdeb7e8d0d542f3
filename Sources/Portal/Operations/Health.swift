import Foundation
import HTTP

extension Portal {
    /// `/healthz`: 200 with the database state, for monitors and load balancers.
    func health() -> Response {
        let database = self.database.health()
        let body: [String: Any] = [
            "status": database["state"] == "ok" ? "ok" : "degraded",
            "database": database,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
        var response = Response.json(Array(data), status: database["state"] == "ok" ? 200 : 503)
        response.headers["Cache-Control"] = "no-store"
        return response
    }
}
