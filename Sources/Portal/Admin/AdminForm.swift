import Foundation
import HTTP
import Store

/// A form input the administration screens refuse: the field (its label's locale key) and what is
/// wrong with it (a locale key). Rendered as "field: problem" in the visitor's language.
struct FormProblem: Error, Equatable {
    let field: String
    let problem: String
}

/// The fields of a posted administration form, read by name and checked one by one.
struct AdminForm {
    let fields: [(name: String, value: String)]

    init(_ fields: [(name: String, value: String)]) { self.fields = fields }

    /// The value as sent, or empty.
    func raw(_ name: String) -> String { fields.first { $0.name == name }?.value ?? "" }

    /// The value trimmed of surrounding white space and in Unicode NFC.
    func text(_ name: String) -> String {
        raw(name).trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
    }

    /// A required line of free text of at most `maxLength` characters, without control characters.
    func line(_ name: String, label: String, maxLength: Int = 200) throws(FormProblem) -> String {
        let value = text(name)
        if value.isEmpty { throw FormProblem(field: label, problem: "admin_problem_required") }
        if value.count > maxLength { throw FormProblem(field: label, problem: "admin_problem_too_long") }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw FormProblem(field: label, problem: "admin_problem_control")
        }
        return value
    }

    /// An agency code: lowercase ASCII letters, digits and hyphens, 2 to 40, starting with a letter or digit.
    func agencyCode(_ name: String, label: String) throws(FormProblem) -> String {
        let value = text(name)
        if value.isEmpty { throw FormProblem(field: label, problem: "admin_problem_required") }
        guard AdminForm.matches(value, first: AdminForm.lowerAlnum, rest: AdminForm.lowerAlnum.union(["-"]), length: 2...40) else {
            throw FormProblem(field: label, problem: "admin_problem_code")
        }
        return value
    }

    /// A username: lowercase ASCII letters, digits, dots, hyphens and underscores, 2 to 64.
    func username(_ name: String, label: String) throws(FormProblem) -> String {
        let value = text(name)
        if value.isEmpty { throw FormProblem(field: label, problem: "admin_problem_required") }
        guard AdminForm.matches(value, first: AdminForm.lowerAlnum, rest: AdminForm.lowerAlnum.union([".", "-", "_"]),
                                length: 2...64) else {
            throw FormProblem(field: label, problem: "admin_problem_username")
        }
        return value
    }

    /// One of `allowed`, by raw value.
    func choice<T: RawRepresentable>(_ name: String, label: String, among allowed: [T]) throws(FormProblem) -> T
        where T.RawValue == String {
        let value = text(name)
        if value.isEmpty { throw FormProblem(field: label, problem: "admin_problem_required") }
        guard let found = allowed.first(where: { $0.rawValue == value }) else {
            throw FormProblem(field: label, problem: "admin_problem_choice")
        }
        return found
    }

    /// A day as `yyyy-mm-dd` that exists in the calendar, or nil when the field is empty.
    static func day(_ value: String, label: String) throws(FormProblem) -> String? {
        let value = value.trimmingCharacters(in: .whitespaces)
        if value.isEmpty { return nil }
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard value.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), year >= 1900 else {
            throw FormProblem(field: label, problem: "admin_problem_date")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let components = DateComponents(year: year, month: month, day: day)
        guard calendar.date(from: components).map({ calendar.dateComponents([.year, .month, .day], from: $0) })
                .map({ $0.year == year && $0.month == month && $0.day == day }) == true else {
            throw FormProblem(field: label, problem: "admin_problem_date")
        }
        return value
    }

    /// Lowercase ASCII letters and digits.
    static let lowerAlnum: Set<Character> = Set("abcdefghijklmnopqrstuvwxyz0123456789")

    /// Whether `value` has a length in `length`, starts with one of `first` and continues with `rest`.
    static func matches(_ value: String, first: Set<Character>, rest: Set<Character>, length: ClosedRange<Int>) -> Bool {
        guard length.contains(value.count), let head = value.first, first.contains(head) else { return false }
        return value.dropFirst().allSatisfy { rest.contains($0) }
    }
}

extension Portal {
    /// "Field: problem" in the request's language.
    func message(_ problem: FormProblem, _ language: Language) -> String {
        localizer.text("admin_field_problem", language)
            .replacingOccurrences(of: "{field}", with: localizer.text(problem.field, language))
            .replacingOccurrences(of: "{problem}", with: localizer.text(problem.problem, language))
    }

    /// The notice for a `?done=` key a redirect after a successful POST carries; nil for any key
    /// that is not one of ours.
    func doneNotice(_ request: Request, _ language: Language) -> String? {
        guard let key = request.query("done"), Self.doneKeys.contains(key) else { return nil }
        return localizer.text("admin_done_\(key)", language)
    }

    /// What a redirect after a POST may announce.
    static let doneKeys: Set<String> = [
        "agency_created", "agency_renamed", "agency_moved", "agency_disabled", "agency_enabled", "admin_appointed",
        "user_created", "user_disabled", "user_enabled", "user_role", "user_password_reset",
        "layer_visibility", "grant_created", "grant_revoked", "sso_saved", "sso_approved", "sso_refused",
        "transfer_accepted", "transfer_declined", "token_revoked", "service_disabled", "service_enabled",
    ]

    /// Runs a store insert; false when the store refused it as a duplicate (another request
    /// took the same code or username first), any other failure thrown on.
    func createIfFree(_ insert: () throws(StoreError) -> Void) throws(StoreError) -> Bool {
        do {
            try insert()
            return true
        } catch {
            if case .invalid = error { return false }
            throw error
        }
    }

    /// The form fields of a POST, once its CSRF token has been checked.
    func checkedForm(_ request: Request) throws -> AdminForm {
        let fields = try request.formFields()
        try requireCSRF(request, fields)
        return AdminForm(fields)
    }
}
