import Foundation
import Formats
import HTTP
import Store

/// `GET /api/v1/audit`: the audit log for administrators' tokens, with the screen's filter and
/// rule — the system administrator reads every agency's entries (or one agency's), an agency's
/// administrator only their own agency's, a condition the SQL query itself carries.
extension Portal {
    static let apiAuditMaxLimit = 1000

    func apiAudit(_ request: Request) throws -> Response {
        let actor = try apiActor(request, .admin)
        let known: Set<String> = ["agency", "user", "action", "from", "to", "limit", "offset"]
        if let unknown = request.queryItems.first(where: { !known.contains($0.name) }) {
            throw APIProblem.invalidParameter(unknown.name, "is not a parameter of the audit log")
        }
        var agencyID: Int64?
        if let code = request.query("agency"), !code.isEmpty {
            guard let agency = try agencies.find(code: code) else { throw APIProblem.notFound }
            agencyID = agency.id
        } else if !Policy.can(actor, .readAudit(agencyID: nil)) {
            agencyID = actor.agencyID
        }
        guard Policy.can(actor, .readAudit(agencyID: agencyID)) else { throw APIProblem.notFound }
        func text(_ name: String) throws -> String? {
            guard let value = request.query(name)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            guard value.count <= 100 else { throw APIProblem.invalidParameter(name, "is longer than 100 characters") }
            return value
        }
        func day(_ name: String) throws -> String? {
            do {
                return try AdminForm.day(request.query(name) ?? "", label: name)
            } catch {
                throw APIProblem.invalidParameter(name, "must be a day as yyyy-mm-dd")
            }
        }
        let filter = AuditFilter(agencyID: agencyID, username: try text("user"), action: try text("action"),
                                 from: try day("from"), to: try day("to"))
        let limit = try apiInteger(request, "limit", in: 1...Self.apiAuditMaxLimit, default: Self.apiDefaultLimit)
        let offset = try apiInteger(request, "offset", in: 0...100_000_000, default: 0)
        let total = try auditLog.count(filter)
        let entries = try auditLog.entries(filter, limit: limit, offset: offset)
        return apiJSON([
            "total": .int(total),
            "offset": .int(offset),
            "limit": .int(limit),
            "entries": .array(entries.map { entry in
                .members([
                    ("id", .integer(entry.id)), ("at", .string(entry.at)), ("username", entry.username.map(JSONValue.string)),
                    ("agency", entry.agencyCode.map(JSONValue.string)), ("action", .string(entry.action)),
                    ("target", .string(entry.target)), ("detail", .string(entry.detail)),
                    ("clientAddress", entry.clientAddress.map(JSONValue.string)),
                ])
            }),
            "links": .array(apiPageLinks(request, Self.apiBase + "/audit", offset: offset, limit: limit,
                                         returned: entries.count, total: total)),
        ])
    }
}
