import Foundation
import HTTP
import Store

/// The system administrator's screens of the agency tree: list and create, then one agency's page
/// to rename, move, disable or enable it and appoint its administrators.
extension Portal {
    /// The agencies in tree order (parents before children, siblings by name) with their depth.
    /// An agency no root reaches is listed last at depth 0 rather than lost.
    static func treeOrder(_ all: [Agency]) -> [(agency: Agency, depth: Int)] {
        let children = Dictionary(grouping: all.filter { $0.parentID != nil }, by: { $0.parentID ?? 0 })
        var out: [(Agency, Int)] = []
        var seen = Set<Int64>()
        func visit(_ agency: Agency, _ depth: Int) {
            guard seen.insert(agency.id).inserted else { return }
            out.append((agency, depth))
            for child in (children[agency.id] ?? []).sorted(by: { $0.name.localizedStandardCompare($1.name) == .orderedAscending }) {
                visit(child, depth + 1)
            }
        }
        let ids = Set(all.map(\.id))
        let roots = all.filter { $0.parentID.map { !ids.contains($0) } ?? true }
        for root in roots.sorted(by: { $0.name.localizedStandardCompare($1.name) == .orderedAscending }) { visit(root, 0) }
        for agency in all where !seen.contains(agency.id) { visit(agency, 0) }
        return out
    }

    /// The kinds of agency as options of a select, `selected` chosen.
    func agencyKinds(_ language: Language, selected: AgencyKind? = nil) -> [[String: Any]] {
        AgencyKind.allCases.map {
            ["value": $0.rawValue, "label": localizer.text("agency_kind_\($0.rawValue)", language), "selected": $0 == selected]
        }
    }

    /// `GET /admin/agencies`: the tree, and the form that adds an agency.
    func agencyTree(_ request: Request, error: String? = nil, status: Int = 200) throws -> Response {
        _ = try adminActor(request, .manageAgencies)
        let language = Localizer.language(for: request)
        let tree = Self.treeOrder(try agencies.all())
        let rows: [[String: Any]] = tree.map { agency, depth in
            ["code": agency.code, "name": agency.name, "kind": localizer.text("agency_kind_\(agency.kind.rawValue)", language),
             "indent": String(format: "%.1f", 0.6 + Double(depth) * 1.5), "disabled": agency.disabled, "system": agency.isSystem]
        }
        let parents: [[String: Any]] = tree.map { agency, depth in
            ["code": agency.code, "label": String(repeating: "· ", count: depth) + agency.name]
        }
        return page("admin_agencies", request, title: localizer.text("admin_agencies_title", language), status: status, [
            "csrf": csrfToken(request).token,
            "agencies": rows,
            "parents": parents,
            "kinds": agencyKinds(language, selected: .department),
        ].merging(optional: ["error": error, "message": doneNotice(request, language)]))
    }

    /// `POST /admin/agencies`: a new agency under a parent (or at the top).
    func createAgency(_ request: Request) throws -> Response {
        let form = try checkedForm(request)
        _ = try adminActor(request, .manageAgencies)
        let language = Localizer.language(for: request)
        do {
            let code = try form.agencyCode("code", label: "admin_field_code")
            let name = try form.line("name", label: "admin_field_name")
            let kind: AgencyKind = try form.choice("kind", label: "admin_field_kind", among: AgencyKind.allCases)
            let parentCode = form.text("parent").isEmpty ? nil : form.text("parent")
            if let parentCode {
                let parent = try agencies.find(code: parentCode)
                if parent == nil { throw FormProblem(field: "admin_field_parent", problem: "admin_problem_choice") }
            }
            let existing = try agencies.find(code: code)
            if existing != nil { throw FormProblem(field: "admin_field_code", problem: "admin_problem_taken") }
            if try !createIfFree({ () throws(StoreError) in
                try agencies.create(code: code, name: name, kind: kind, parentCode: parentCode)
            }) {
                throw FormProblem(field: "admin_field_code", problem: "admin_problem_taken")
            }
            audit(request, "agency.create", target: code, detail: "name=\(name); kind=\(kind.rawValue); parent=\(parentCode ?? "-")")
            return .redirect(to: "/admin/agencies/\(code)?done=agency_created")
        } catch let problem as FormProblem {
            return try agencyTree(request, error: message(problem, language), status: 400)
        }
    }

    /// `GET /admin/agencies/{code}`: one agency — rename, move, disable or enable, appoint an administrator.
    func agencyPage(_ request: Request, error: String? = nil, status: Int = 200) throws -> Response {
        _ = try adminActor(request, .manageAgencies)
        let agency = try urlAgency(request)
        let language = Localizer.language(for: request)
        let all = try agencies.all()
        let below = try agencies.subtree(of: agency.id)
        let parent = all.first { $0.id == agency.parentID }
        let parents: [[String: Any]] = Self.treeOrder(all).filter { !below.contains($0.agency.id) }.map { other, depth in
            ["code": other.code, "label": String(repeating: "· ", count: depth) + other.name, "selected": other.id == agency.parentID]
        }
        let members = try users.list(agencyID: agency.id)
        let admins = members.filter { $0.role == .admin }.map { ["username": $0.username, "name": $0.displayName, "disabled": $0.disabled] }
        let promotable = members.filter { $0.role != .admin && $0.role != .sysadmin }.map {
            ["username": $0.username, "label": "\($0.username) — \($0.displayName)"]
        }
        return page("admin_agency", request, title: agency.name, status: status, [
            "csrf": csrfToken(request).token,
            "agency": ["code": agency.code, "name": agency.name, "disabled": agency.disabled, "system": agency.isSystem,
                       "kind": localizer.text("agency_kind_\(agency.kind.rawValue)", language),
                       "parent": parent?.name ?? localizer.text("admin_top_level", language),
                       "at_top": parent == nil, "user_count": members.count] as [String: Any],
            "parents": parents,
            "admins": admins,
            "has_admins": !admins.isEmpty,
            "promotable": promotable,
            "has_promotable": !promotable.isEmpty,
        ].merging(optional: ["error": error, "message": doneNotice(request, language)]))
    }

    /// `POST /admin/agencies/{code}/rename`.
    func renameAgency(_ request: Request) throws -> Response {
        let form = try checkedForm(request)
        _ = try adminActor(request, .manageAgencies)
        let agency = try urlAgency(request)
        do {
            let name = try form.line("name", label: "admin_field_name")
            guard name != agency.name else { return .redirect(to: "/admin/agencies/\(agency.code)") }
            try agencies.rename(code: agency.code, to: name)
            audit(request, "agency.rename", target: agency.code, detail: "from=\(agency.name); to=\(name)")
            return .redirect(to: "/admin/agencies/\(agency.code)?done=agency_renamed")
        } catch let problem as FormProblem {
            return try agencyPage(request, error: message(problem, Localizer.language(for: request)), status: 400)
        }
    }

    /// `POST /admin/agencies/{code}/move`: under another parent, never under itself or its descendants.
    func moveAgency(_ request: Request) throws -> Response {
        let form = try checkedForm(request)
        _ = try adminActor(request, .manageAgencies)
        let agency = try urlAgency(request)
        let language = Localizer.language(for: request)
        let parentCode = form.text("parent").isEmpty ? nil : form.text("parent")
        var oldParent: Agency?
        if let parentID = agency.parentID { oldParent = try agencies.find(id: parentID) }
        guard parentCode != oldParent?.code else { return .redirect(to: "/admin/agencies/\(agency.code)") }
        switch try agencies.move(code: agency.code, toParentCode: parentCode) {
        case .moved:
            audit(request, "agency.move", target: agency.code, detail: "from=\(oldParent?.code ?? "-"); to=\(parentCode ?? "-")")
            return .redirect(to: "/admin/agencies/\(agency.code)?done=agency_moved")
        case .wouldCycle:
            return try agencyPage(request, error: message(FormProblem(field: "admin_field_parent", problem: "admin_problem_cycle"), language),
                                  status: 400)
        case .notFound:
            return try agencyPage(request, error: message(FormProblem(field: "admin_field_parent", problem: "admin_problem_choice"), language),
                                  status: 400)
        }
    }

    /// `POST /admin/agencies/{code}/disable|enable`. Disabling ends the sessions of the agency's
    /// users, and none of them can sign in until it is enabled again. The system agency stays enabled.
    func setAgencyDisabled(_ request: Request, _ disabled: Bool) throws -> Response {
        _ = try checkedForm(request)
        _ = try adminActor(request, .manageAgencies)
        let agency = try urlAgency(request)
        if disabled && agency.isSystem {
            return try agencyPage(request, error: localizer.text("admin_problem_system_agency", Localizer.language(for: request)),
                                  status: 400)
        }
        guard agency.disabled != disabled else { return .redirect(to: "/admin/agencies/\(agency.code)") }
        try agencies.setDisabled(code: agency.code, disabled)
        audit(request, disabled ? "agency.disable" : "agency.enable", target: agency.code)
        return .redirect(to: "/admin/agencies/\(agency.code)?done=\(disabled ? "agency_disabled" : "agency_enabled")")
    }

    /// `POST /admin/agencies/{code}/admins`: promotes one of the agency's users (`existing`) to
    /// administrator, or creates a new administrator account.
    func appointAdmin(_ request: Request) throws -> Response {
        let form = try checkedForm(request)
        let actor = try adminActor(request, .manageAgencies)
        let agency = try urlAgency(request)
        do {
            let existing = form.text("existing")
            if !existing.isEmpty {
                guard let user = try users.find(username: existing), user.agencyID == agency.id, mayChange(actor, user),
                      user.role != .sysadmin else {
                    throw FormProblem(field: "admin_field_existing", problem: "admin_problem_choice")
                }
                if user.role != .admin {
                    try users.setRole(userID: user.id, .admin)
                    audit(request, "user.role", target: user.username, detail: "from=\(user.role.rawValue); to=admin")
                }
            } else {
                try createAccount(request, form, in: agency, role: .admin, by: actor)
            }
            return .redirect(to: "/admin/agencies/\(agency.code)?done=admin_appointed")
        } catch let problem as FormProblem {
            return try agencyPage(request, error: message(problem, Localizer.language(for: request)), status: 400)
        }
    }

    /// `GET /admin/users`: every account of the province, with its agency and role.
    func allUsers(_ request: Request) throws -> Response {
        _ = try adminActor(request, .manageAgencies)
        let language = Localizer.language(for: request)
        let rows: [[String: Any]] = try users.listing(agencyID: nil).map { entry in
            ["username": entry.user.username, "name": entry.user.displayName, "agency_code": entry.agencyCode,
             "agency": entry.agencyName, "role": localizer.text("role_\(entry.user.role.rawValue)", language),
             "disabled": entry.user.disabled]
        }
        return page("admin_users", request, title: localizer.text("admin_users_title", language), [
            "users": rows, "user_count": rows.count,
        ])
    }
}
