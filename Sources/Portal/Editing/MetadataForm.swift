import Foundation
import Store

/// The layer metadata form: its values as shown (from the store, or as posted) and, after a
/// post, a problem per field. Every field is checked, so all problems show at once.
struct MetadataForm {
    /// The text of each field by its name, to fill the form in.
    var values: [String: String]
    /// What is wrong with each refused field, by field name.
    var problems: [String: FormProblem] = [:]

    /// The longest title, contact name or position.
    static let titleLimit = 200
    /// The longest licence or attribution.
    static let noteLimit = 500
    static let descriptionLimit = 5000
    /// The longest keyword, and how many keywords a layer may have.
    static let keywordLimit = 80
    static let keywordCount = 30

    /// The form filled in from stored metadata.
    init(_ metadata: LayerMetadata, ownerCode: String) {
        values = [
            "title": metadata.title, "description": metadata.description, "sector": metadata.sector ?? "",
            "keywords": LayerMetadata.joinKeywords(metadata.keywords), "owner": ownerCode,
            "update_frequency": metadata.updateFrequency?.rawValue ?? "", "data_date": metadata.dataDate ?? "",
            "license": metadata.license, "attribution": metadata.attribution,
            "contact_name": metadata.contact.name, "contact_position": metadata.contact.position,
            "contact_phone": metadata.contact.phone, "contact_email": metadata.contact.email,
        ]
    }

    /// Reads a posted form over `current`. The metadata is nil when any field has a problem.
    /// - Parameters:
    ///   - sectors: the sector codes one may choose.
    ///   - owners: the agencies (code → id) the layer may move to, nil when the actor may not
    ///     move it (the owner then stays as it is, whatever was posted).
    static func read(_ form: AdminForm, current: LayerMetadata, ownerCode: String, sectors: [String],
                     owners: [String: Int64]?) -> (metadata: LayerMetadata?, form: MetadataForm) {
        var out = MetadataForm(current, ownerCode: ownerCode)
        for name in out.values.keys where name != "owner" || owners != nil { out.values[name] = form.text(name) }
        var metadata = current
        func check<T>(_ field: String, _ read: () throws(FormProblem) -> T) -> T? {
            do { return try read() } catch {
                out.problems[field] = error
                return nil
            }
        }
        if let title = check("title", { () throws(FormProblem) -> String in
            try form.line("title", label: "edit_field_title", maxLength: titleLimit)
        }) {
            metadata.title = title
        }
        if let description = check("description", { () throws(FormProblem) -> String in
            try optionalText(form.text("description"), label: "edit_field_description", maxLength: descriptionLimit, multiline: true)
        }) {
            metadata.description = description
        }
        let sector = form.text("sector")
        if sector.isEmpty {
            metadata.sector = nil
        } else if sectors.contains(sector) {
            metadata.sector = sector
        } else {
            out.problems["sector"] = FormProblem(field: "edit_field_sector", problem: "admin_problem_choice")
        }
        if let keywords = check("keywords", { () throws(FormProblem) -> [String] in try Self.keywords(form.text("keywords")) }) {
            metadata.keywords = keywords
        }
        if let owners {
            if let id = owners[form.text("owner")] {
                metadata.ownerAgencyID = id
            } else {
                out.problems["owner"] = FormProblem(field: "edit_field_owner", problem: "admin_problem_choice")
            }
        }
        let frequency = form.text("update_frequency")
        if frequency.isEmpty {
            metadata.updateFrequency = nil
        } else if let chosen = UpdateFrequency(rawValue: frequency) {
            metadata.updateFrequency = chosen
        } else {
            out.problems["update_frequency"] = FormProblem(field: "edit_field_frequency", problem: "admin_problem_choice")
        }
        if let day = check("data_date", { () throws(FormProblem) -> String? in
            try AdminForm.day(form.text("data_date"), label: "edit_field_data_date")
        }) {
            metadata.dataDate = day
        }
        let notes: [(String, String, WritableKeyPath<LayerMetadata, String>, Int)] = [
            ("license", "edit_field_license", \.license, noteLimit),
            ("attribution", "edit_field_attribution", \.attribution, noteLimit),
            ("contact_name", "edit_field_contact_name", \.contact.name, titleLimit),
            ("contact_position", "edit_field_contact_position", \.contact.position, titleLimit),
        ]
        for (name, label, path, limit) in notes {
            if let value = check(name, { () throws(FormProblem) -> String in
                try optionalText(form.text(name), label: label, maxLength: limit, multiline: false)
            }) {
                metadata[keyPath: path] = value
            }
        }
        if let phone = check("contact_phone", { () throws(FormProblem) -> String in try Self.phone(form.text("contact_phone")) }) {
            metadata.contact.phone = phone
        }
        if let email = check("contact_email", { () throws(FormProblem) -> String in try Self.email(form.text("contact_email")) }) {
            metadata.contact.email = email
        }
        return (out.problems.isEmpty ? metadata : nil, out)
    }

    /// Free text that may be empty, at most `maxLength` characters, without control characters
    /// (line breaks and tabs allowed when `multiline`).
    static func optionalText(_ value: String, label: String, maxLength: Int, multiline: Bool) throws(FormProblem) -> String {
        if value.count > maxLength { throw FormProblem(field: label, problem: "admin_problem_too_long") }
        let allowed: Set<Unicode.Scalar> = multiline ? ["\n", "\r", "\t"] : []
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !allowed.contains($0) }) {
            throw FormProblem(field: label, problem: "admin_problem_control")
        }
        return value
    }

    /// Comma-separated keywords: each trimmed, repeats (ignoring case) dropped, each at most
    /// `keywordLimit` characters, at most `keywordCount` of them.
    static func keywords(_ value: String) throws(FormProblem) -> [String] {
        _ = try optionalText(value, label: "edit_field_keywords", maxLength: keywordLimit * keywordCount, multiline: false)
        var seen = Set<String>()
        let words = LayerMetadata.splitKeywords(value).filter { seen.insert($0.lowercased()).inserted }
        if words.count > keywordCount || words.contains(where: { $0.count > keywordLimit }) {
            throw FormProblem(field: "edit_field_keywords", problem: "edit_problem_keywords")
        }
        return words
    }

    /// A telephone number: digits with spaces, `+ - ( ) .`, holding 3 to 20 digits.
    static func phone(_ value: String) throws(FormProblem) -> String {
        if value.isEmpty { return "" }
        let punctuation = Set(" +-().")
        let digits = value.filter { $0.isASCII && $0.isNumber }.count
        guard value.count <= 40, value.allSatisfy({ ($0.isASCII && $0.isNumber) || punctuation.contains($0) }),
              (3...20).contains(digits) else {
            throw FormProblem(field: "edit_field_contact_phone", problem: "edit_problem_phone")
        }
        return value
    }

    /// An e-mail address of the usual shape: `local@domain.tld`, no spaces, at most 254 characters.
    static func email(_ value: String) throws(FormProblem) -> String {
        if value.isEmpty { return "" }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        let forbidden = Set(" \t<>()[]\\,;:\"")
        let control = { (c: Character) in c.unicodeScalars.contains { $0.properties.generalCategory == .control } }
        guard value.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64,
              !value.contains(where: { forbidden.contains($0) || control($0) }),
              case let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false), labels.count >= 2,
              labels.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }) else {
            throw FormProblem(field: "edit_field_contact_email", problem: "edit_problem_email")
        }
        return value
    }
}
