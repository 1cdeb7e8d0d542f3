import Foundation
import GRDB

/// How often the owner agency means to update a layer's data.
public enum UpdateFrequency: String, Sendable, CaseIterable, Codable {
    case monthly, quarterly, yearly
    case adHoc = "adhoc"
}

/// The officer to contact about a layer: the focal-officer fields of Decree 47, shown publicly
/// with the layer.
public struct ContactOfficer: Sendable, Equatable {
    public var name: String
    public var position: String
    public var phone: String
    public var email: String

    public init(name: String = "", position: String = "", phone: String = "", email: String = "") {
        self.name = name
        self.position = position
        self.phone = phone
        self.email = email
    }

    /// True when no field is filled in.
    public var isEmpty: Bool { name.isEmpty && position.isEmpty && phone.isEmpty && email.isEmpty }
}

/// What a layer says about itself, as its editors keep it. Empty text stands for "not said";
/// changes take effect at once (they are not data, so no approval).
public struct LayerMetadata: Sendable, Equatable {
    public var title: String
    public var description: String
    /// A code of `sectors`, or nil.
    public var sector: String?
    /// Search words, each trimmed, in the order given.
    public var keywords: [String]
    public var ownerAgencyID: Int64
    public var updateFrequency: UpdateFrequency?
    /// The date the data describes, `yyyy-mm-dd`.
    public var dataDate: String?
    public var license: String
    public var attribution: String
    public var contact: ContactOfficer

    public init(title: String, description: String = "", sector: String? = nil, keywords: [String] = [],
                ownerAgencyID: Int64, updateFrequency: UpdateFrequency? = nil, dataDate: String? = nil,
                license: String = "", attribution: String = "", contact: ContactOfficer = ContactOfficer()) {
        self.title = title
        self.description = description
        self.sector = sector
        self.keywords = keywords
        self.ownerAgencyID = ownerAgencyID
        self.updateFrequency = updateFrequency
        self.dataDate = dataDate
        self.license = license
        self.attribution = attribution
        self.contact = contact
    }

    /// The stored form of `keywords`: comma-separated.
    public static func joinKeywords(_ keywords: [String]) -> String { keywords.joined(separator: ", ") }

    /// Keywords from their stored (or typed) comma-separated form, trimmed, empty ones dropped.
    public static func splitKeywords(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// The column of each field other than the owner, with its value as stored: the audit names
    /// changed fields by these column names. Empty text is stored as NULL where the column allows it.
    var columns: [(name: String, value: DatabaseValue)] {
        func optional(_ text: String?) -> DatabaseValue {
            guard let text, !text.isEmpty else { return .null }
            return text.databaseValue
        }
        return [
            ("title", title.databaseValue), ("description", description.databaseValue), ("sector", optional(sector)),
            ("keywords", Self.joinKeywords(keywords).databaseValue),
            ("update_frequency", optional(updateFrequency?.rawValue)), ("data_date", optional(dataDate)),
            ("license", optional(license)), ("attribution", optional(attribution)),
            ("contact_name", optional(contact.name)), ("contact_position", optional(contact.position)),
            ("contact_phone", optional(contact.phone)), ("contact_email", optional(contact.email)),
        ]
    }
}

/// A sector that layers are grouped by, for a select.
public struct Sector: Sendable, Equatable {
    public var code: String
    public var nameVi: String
    public var nameEn: String
}

extension LayerRepository {
    /// The metadata of layer `layerID`, or nil when there is no such layer.
    public func metadata(layerID: Int64) throws(StoreError) -> LayerMetadata? {
        try database.read { db in try Self.metadata(db, layerID: layerID) }
    }

    /// Every sector in display order.
    public func sectors() throws(StoreError) -> [Sector] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT code, name_vi, name_en FROM sectors ORDER BY sort, code").map {
                Sector(code: $0["code"], nameVi: $0["name_vi"], nameEn: $0["name_en"])
            }
        }
    }

    /// Writes `metadata` over layer `layerID` in one transaction with its audit: `layer.metadata`
    /// naming the changed fields when any changed, and an offer of the layer to another agency
    /// (`layer.transfer.offer`) when the owner agency changed — the caller has checked that the
    /// actor may move the layer; it moves when that agency's administrator accepts
    /// (`acceptTransfer`). Returns the names of the changed fields (`owner_agency` for an offer);
    /// nothing is written when none changed.
    /// - Parameter audit: who acts, from where; its action, target and detail are filled in here.
    /// - Throws: `.notFound` for a missing layer; `.invalid` for a new owner that does not exist
    ///   or is disabled.
    @discardableResult
    public func updateMetadata(layerID: Int64, _ metadata: LayerMetadata, audit: AuditEntry) throws(StoreError) -> [String] {
        try database.write { db in
            guard let old = try Self.metadata(db, layerID: layerID) else { throw StoreError.notFound("layer \(layerID)") }
            let slug = try String.fetchOne(db, sql: "SELECT slug FROM layers WHERE id = ?", arguments: [layerID]) ?? ""
            let before = Dictionary(uniqueKeysWithValues: old.columns.map { ($0.name, $0.value) })
            let changed = metadata.columns.filter { before[$0.name] != $0.value }
            if !changed.isEmpty {
                let assignments = changed.map { "\($0.name) = ?" }.joined(separator: ", ")
                var arguments = StatementArguments(changed.map(\.value))
                arguments += [layerID]
                try db.execute(sql: """
                    UPDATE layers SET \(assignments), updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?
                    """, arguments: arguments)
                var entry = audit
                entry.action = "layer.metadata"
                entry.target = slug
                entry.detail = "fields=" + changed.map(\.name).joined(separator: ",")
                try LayerEvents.audit(db, entry)
            }
            var names = changed.map(\.name)
            if metadata.ownerAgencyID != old.ownerAgencyID {
                try Self.offer(db, layerID: layerID, slug: slug, from: old.ownerAgencyID, to: metadata.ownerAgencyID,
                               audit: audit)
                names.append("owner_agency")
            }
            return names
        }
    }

    /// The code of an enabled agency `id`; `.invalid` for one that does not exist or is disabled.
    static func enabledAgencyCode(_ db: Database, _ id: Int64) throws -> String {
        guard let target = try Row.fetchOne(db, sql: "SELECT code, disabled FROM agencies WHERE id = ?", arguments: [id]) else {
            throw StoreError.invalid("agency \(id) does not exist")
        }
        let code: String = target["code"]
        if target["disabled"] as Bool? == true { throw StoreError.invalid("agency \(code) is disabled") }
        return code
    }

    /// Offers a layer to another enabled agency, replacing an earlier offer.
    private static func offer(_ db: Database, layerID: Int64, slug: String, from: Int64, to: Int64,
                              audit: AuditEntry) throws {
        let code = try enabledAgencyCode(db, to)
        let fromCode = try String.fetchOne(db, sql: "SELECT code FROM agencies WHERE id = ?", arguments: [from]) ?? "\(from)"
        try db.execute(sql: "INSERT OR REPLACE INTO layer_transfers(layer_id, to_agency_id, offered_by) VALUES (?, ?, ?)",
                       arguments: [layerID, to, audit.username])
        var entry = audit
        entry.action = "layer.transfer.offer"
        entry.target = slug
        entry.detail = "from=\(fromCode); to=\(code)"
        try LayerEvents.audit(db, entry)
    }

    /// Moves a layer to another enabled agency; the new owner's own grant on it, now pointless, goes.
    static func transfer(_ db: Database, layerID: Int64, slug: String, from: Int64, to: Int64,
                         audit: AuditEntry) throws {
        let code = try enabledAgencyCode(db, to)
        let fromCode = try String.fetchOne(db, sql: "SELECT code FROM agencies WHERE id = ?", arguments: [from]) ?? "\(from)"
        try db.execute(sql: """
            UPDATE layers SET owner_agency_id = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?
            """, arguments: [to, layerID])
        try db.execute(sql: "DELETE FROM layer_grants WHERE layer_id = ? AND agency_id = ?", arguments: [layerID, to])
        var entry = audit
        entry.action = "layer.transfer"
        entry.target = slug
        entry.detail = "from=\(fromCode); to=\(code)"
        try LayerEvents.audit(db, entry)
    }

    static func metadata(_ db: Database, layerID: Int64) throws -> LayerMetadata? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT title, description, sector, keywords, owner_agency_id, update_frequency, data_date, license,
                   attribution, contact_name, contact_position, contact_phone, contact_email
            FROM layers WHERE id = ?
            """, arguments: [layerID]) else { return nil }
        return LayerMetadata(
            title: row["title"], description: row["description"], sector: row["sector"],
            keywords: LayerMetadata.splitKeywords(row["keywords"]), ownerAgencyID: row["owner_agency_id"],
            updateFrequency: (row["update_frequency"] as String?).flatMap(UpdateFrequency.init(rawValue:)),
            dataDate: row["data_date"], license: row["license"] ?? "", attribution: row["attribution"] ?? "",
            contact: ContactOfficer(name: row["contact_name"] ?? "", position: row["contact_position"] ?? "",
                                    phone: row["contact_phone"] ?? "", email: row["contact_email"] ?? ""))
    }
}
