import Foundation
import HTTP
import Store

/// The audit log's screen and CSV export. The system administrator reads every agency's entries
/// (or one agency's); an agency administrator reads only their agency's, a condition the SQL query
/// itself carries. Reading is not recorded; exporting is (`audit.export`).
extension Portal {
    static let auditPageSize = 100
    static let auditExportLimit = 100_000

    /// The actor and the agency whose entries a request asks for (nil: every agency), once the
    /// policy has allowed it; 404 otherwise. An agency administrator who names no agency gets their own.
    func auditScope(_ request: Request) throws -> (actor: Actor, agencyID: Int64?, agencyCode: String) {
        guard let actor = actor(for: request) else { throw Self.adminNotFound }
        let agencyCode = (request.query("agency") ?? "").trimmingCharacters(in: .whitespaces)
        var agencyID: Int64?
        if !agencyCode.isEmpty {
            guard let agency = try agencies.find(code: agencyCode) else { throw Self.adminNotFound }
            agencyID = agency.id
        } else if !Policy.can(actor, .readAudit(agencyID: nil)) {
            agencyID = actor.agencyID
        }
        guard Policy.can(actor, .readAudit(agencyID: agencyID)) else { throw Self.adminNotFound }
        return (actor, agencyID, agencyCode)
    }

    /// The rest of the filter: user, action, and the dates, which throw a `FormProblem` when malformed.
    static func auditFilter(_ request: Request, agencyID: Int64?) throws(FormProblem) -> AuditFilter {
        func optional(_ name: String) -> String? {
            let value = (request.query(name) ?? "").trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : String(value.prefix(100))
        }
        return AuditFilter(agencyID: agencyID, username: optional("user"), action: optional("action"),
                           from: try AdminForm.day(request.query("from") ?? "", label: "admin_field_from"),
                           to: try AdminForm.day(request.query("to") ?? "", label: "admin_field_to"))
    }

    /// Action names offered as suggestions in the filter.
    static let knownAuditActions = [
        "agency.create", "agency.rename", "agency.move", "agency.disable", "agency.enable",
        "user.create", "user.disable", "user.enable", "user.role", "user.password_reset",
        "layer.visibility", "grant.create", "grant.revoke", "audit.export",
        "login.success", "login.failure", "login.disabled", "login.throttled", "login.locked", "logout",
        "password.change", "password.change_failed",
    ]

    /// The query string that repeats a filter (for paging and the CSV link).
    static func auditQueryString(_ filter: AuditFilter, agencyCode: String, page: Int? = nil) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        var pairs: [(String, String)] = []
        if !agencyCode.isEmpty { pairs.append(("agency", agencyCode)) }
        if let value = filter.username { pairs.append(("user", value)) }
        if let value = filter.action { pairs.append(("action", value)) }
        if let value = filter.from { pairs.append(("from", value)) }
        if let value = filter.to { pairs.append(("to", value)) }
        if let page { pairs.append(("page", String(page))) }
        return pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }

    /// `yyyy-mm-ddThh:mm:ss.sssZ` shown as `yyyy-mm-dd hh:mm:ss`.
    static func auditTime(_ stored: String) -> String {
        String(stored.prefix(19)).replacingOccurrences(of: "T", with: " ")
    }

    /// `GET /admin/audit`: the filtered log, newest first, a page at a time.
    func auditPage(_ request: Request) throws -> Response {
        let language = Localizer.language(for: request)
        let (actor, agencyID, agencyCode) = try auditScope(request)
        let filter: AuditFilter
        var failure: String?
        do {
            filter = try Self.auditFilter(request, agencyID: agencyID)
        } catch {
            filter = AuditFilter(agencyID: agencyID)
            failure = message(error, language)
        }
        let total = try auditLog.count(filter)
        let pages = max(1, (total + Self.auditPageSize - 1) / Self.auditPageSize)
        let current = min(max(1, Int(request.query("page") ?? "") ?? 1), pages)
        let entries = try auditLog.entries(filter, limit: Self.auditPageSize, offset: (current - 1) * Self.auditPageSize)
        let rows: [[String: Any]] = entries.map { entry in
            ["at": Self.auditTime(entry.at), "user": entry.username ?? "", "agency": entry.agencyCode ?? "",
             "action": entry.action, "target": entry.target, "detail": entry.detail, "address": entry.clientAddress ?? ""]
        }
        let everyAgency = Policy.can(actor, .readAudit(agencyID: nil))
        let agencyOptions: [[String: Any]] = everyAgency ? Self.treeOrder(try agencies.all()).map { agency, depth in
            ["code": agency.code, "label": String(repeating: "· ", count: depth) + agency.name, "selected": agency.code == agencyCode]
        } : []
        var context: [String: Any] = [
            "entries": rows,
            "has_entries": !rows.isEmpty,
            "total": Self.formatCount(total, language),
            "every_agency": everyAgency,
            "agencies": agencyOptions,
            "filter_user": filter.username ?? "", "action": filter.action ?? "", "from": filter.from ?? "", "to": filter.to ?? "",
            "actions": Self.knownAuditActions,
            "csv_query": Self.auditQueryString(filter, agencyCode: agencyCode),
            "page_label": localizer.text("admin_audit_page", language)
                .replacingOccurrences(of: "{page}", with: String(current)).replacingOccurrences(of: "{pages}", with: String(pages)),
        ]
        if current > 1 { context["newer"] = Self.auditQueryString(filter, agencyCode: agencyCode, page: current - 1) }
        if current < pages { context["older"] = Self.auditQueryString(filter, agencyCode: agencyCode, page: current + 1) }
        if let failure { context["error"] = failure }
        let own = try agencies.find(id: actor.agencyID)
        if !everyAgency, let own { context["own_agency"] = own.name }
        return page("admin_audit", request, title: localizer.text("admin_audit_title", language), status: failure == nil ? 200 : 400, context)
    }

    /// `GET /admin/audit.csv`: the same filter, every matching entry (up to the export limit), as CSV.
    func auditCSV(_ request: Request) throws -> Response {
        let language = Localizer.language(for: request)
        let (actor, agencyID, agencyCode) = try auditScope(request)
        let filter: AuditFilter
        do {
            filter = try Self.auditFilter(request, agencyID: agencyID)
        } catch {
            throw HTTPError(400, message(error, language))
        }
        let entries = try auditLog.entries(filter, limit: Self.auditExportLimit)
        let header = ["admin_col_time", "admin_col_user", "col_agency", "admin_col_action", "admin_col_target",
                      "admin_col_detail", "admin_col_address"].map { localizer.text($0, language) }
        let rows = entries.map { entry in
            [entry.at, entry.username ?? "", entry.agencyCode ?? "", entry.action, entry.target, entry.detail, entry.clientAddress ?? ""]
        }
        audit(request, "audit.export", target: "audit.csv",
              detail: "rows=\(entries.count); \(Self.auditQueryString(filter, agencyCode: agencyCode))", actor: actor)
        var response = Response(status: 200, body: .bytes(AuditCSV.document(header: header, rows: rows)))
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
        let day = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
        response.headers["Content-Disposition"] = "attachment; filename=\"bando-audit-\(day).csv\""
        response.headers["Cache-Control"] = "no-store"
        return response
    }
}
