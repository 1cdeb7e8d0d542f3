import Foundation
import GRDB

// Editing a feature never touches the version it belongs to: the edit is a new pending version,
// a copy of that one with the change, written in one transaction — the version row (next
// number, same source CRS and encoding, its base the edited version), every feature copied in
// SQL in id order with its `fid` (geometry included, so the spatial index follows), its
// figures, the layer event and the audit entry. A failure anywhere leaves nothing behind; the
// published version stays what the public sees.
//
// Only the published version and pending versions can be edited: a superseded or rejected
// version is history, and a copy of it would bring back what was replaced or refused.
//
// A version made by edits is recognised by its features, not by its words: a copy keeps each
// feature's `fid`, so its first feature carries an identity older than its own row, while an
// import's features start their own (`fid` = row id). Edits on the published version chain
// through such versions (each based on the one before), and `pendingEdit` finds the newest.

/// One attribute change: set `field` to `value` (`.null` clears it; a field the feature lacks
/// is added).
public struct AttributeChange: Sendable, Equatable {
    public var field: String
    public var value: StoredProperty

    public init(field: String, value: StoredProperty) {
        self.field = field
        self.value = value
    }
}

/// The pending version an edit created, and where the edited feature lives in it.
public struct EditedVersion: Sendable, Equatable {
    public var versionID: Int64
    public var number: Int
    /// The edited feature's id in the new version; nil after a deletion.
    public var featureID: Int64?
}

/// The newest pending version made by edits on top of a version, and a feature in it.
public struct PendingEdit: Sendable, Equatable {
    public var versionID: Int64
    public var number: Int
    /// The feature with the asked `fid` in that version; nil when an edit deleted it.
    public var featureID: Int64?
}

/// How the new version and its history entries describe the edit, in the words the caller chose.
public struct EditDescription: Sendable {
    /// The new version's `source_name`, e.g. "sửa thuộc tính đối tượng 123 (từ phiên bản 4)".
    public var sourceName: String
    /// The note of the `submitted` layer event.
    public var note: String
    /// The audit entry, given the new version's number.
    public var audit: @Sendable (Int) -> AuditEntry

    public init(sourceName: String, note: String, audit: @escaping @Sendable (Int) -> AuditEntry) {
        self.sourceName = sourceName
        self.note = note
        self.audit = audit
    }
}

/// Attribute edits and feature deletions, each as a new pending version.
public struct VersionEdits: Sendable {
    let database: SpatialDatabase
    public init(_ database: SpatialDatabase) { self.database = database }

    /// Whether an edit can name the field: SQLite's JSON paths cannot spell a name holding a
    /// double quote or a backslash.
    public static func canEdit(field: String) -> Bool { FeatureRepository.jsonPath(field) != nil }

    /// Whether a version in `status` may be edited: the published one and pending ones.
    public static func canEdit(_ status: VersionStatus) -> Bool { status == .published || status == .pending }

    /// A new pending version of `layerID`: a copy of the version holding `featureID` in which
    /// that feature's attributes carry `changes`.
    public func editFeature(layerID: Int64, featureID: Int64, changes: [AttributeChange], userID: Int64?,
                            _ description: EditDescription) throws(StoreError) -> EditedVersion {
        guard !changes.isEmpty else { throw .invalid("feature \(featureID): no attribute was changed") }
        var setters = ""
        var values: [DatabaseValueConvertible?] = []
        for change in changes {
            guard let path = FeatureRepository.jsonPath(change.field) else {
                throw .invalid("field \(change.field) cannot be edited: its name holds a quote or a backslash")
            }
            setters += ", ?, "
            values.append(path)
            switch change.value {
            case .null:
                setters += "json('null')"
            case .integer(let number):
                setters += "?"
                values.append(number)
            case .real(let number):
                guard number.isFinite else { throw .invalid("field \(change.field): \(number) is not a number JSON can hold") }
                setters += "?"
                values.append(number)
            case .text(let text):
                setters += "?"
                values.append(text)
            case .boolean(let flag):
                setters += flag ? "json('true')" : "json('false')"
            }
        }
        return try copy(layerID: layerID, featureID: featureID, userID: userID, description) { db, versionID in
            var arguments: [DatabaseValueConvertible?] = [versionID]
            arguments += values
            arguments.append(featureID)
            try db.execute(sql: """
                INSERT INTO features(version_id, fid, properties, geom)
                SELECT ?, fid, json_set(properties\(setters)), geom FROM features WHERE id = ?
                """, arguments: StatementArguments(arguments))
            return db.lastInsertedRowID
        }
    }

    /// A new pending version of `layerID`: a copy of the version holding `featureID`, without it.
    public func deleteFeature(layerID: Int64, featureID: Int64, userID: Int64?,
                              _ description: EditDescription) throws(StoreError) -> EditedVersion {
        try copy(layerID: layerID, featureID: featureID, userID: userID, description) { _, _ in nil }
    }

    /// The newest pending version made by edits on top of version `baseID` — based on it, or
    /// on a pending edit version based on it, and so on — with the feature `fid` in it; nil
    /// when no such version waits. Uploads and rejected versions break the chain.
    public func pendingEdit(of baseID: Int64, fid: Int64) throws(StoreError) -> PendingEdit? {
        try database.read { db in
            try Row.fetchOne(db, sql: """
                WITH RECURSIVE chain(id) AS (
                  SELECT v.id FROM layer_versions v
                  WHERE v.base_version_id = ? AND v.status = 'pending' AND v.import_state IS NULL AND \(Self.madeByEdits)
                  UNION
                  SELECT v.id FROM layer_versions v JOIN chain c ON v.base_version_id = c.id
                  WHERE v.status = 'pending' AND v.import_state IS NULL AND \(Self.madeByEdits)
                )
                SELECT v.id, v.number, (SELECT f.id FROM features f WHERE f.version_id = v.id AND f.fid = ? LIMIT 1)
                FROM layer_versions v JOIN chain c ON c.id = v.id
                ORDER BY v.number DESC LIMIT 1
                """, arguments: [baseID, fid]).map { row in
                PendingEdit(versionID: row[0], number: row[1], featureID: row[2])
            }
        }
    }

    /// Whether version `v` was made by an edit: its first feature keeps an identity older than
    /// its own row (see the note atop this file). A version left empty by a deletion reads as not.
    static let madeByEdits = "(SELECT f.fid <> f.id FROM features f WHERE f.version_id = v.id ORDER BY f.id LIMIT 1)"

    /// Writes the new version: features before `featureID` copied, then what `replace` writes
    /// in its place (returning the new feature's id, or nil for none), then the features after.
    private func copy(layerID: Int64, featureID: Int64, userID: Int64?, _ description: EditDescription,
                      replace: (Database, Int64) throws -> Int64?) throws(StoreError) -> EditedVersion {
        try database.write { db in
            guard let source = try Row.fetchOne(db, sql: """
                SELECT v.id, v.number, v.source_srid, v.encoding, v.warnings, v.status
                FROM features f JOIN layer_versions v ON v.id = f.version_id
                WHERE f.id = ? AND v.layer_id = ?
                """, arguments: [featureID, layerID]) else {
                throw StoreError.notFound("feature \(featureID) of layer \(layerID)")
            }
            let sourceVersionID: Int64 = source[0]
            let status: String = source[5]
            guard let known = VersionStatus(rawValue: status), Self.canEdit(known) else {
                throw StoreError.invalid(
                    "version \(source[1] as Int) is \(status): only the published version and pending versions can be edited")
            }
            let number = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(number), 0) + 1 FROM layer_versions WHERE layer_id = ?",
                                          arguments: [layerID]) ?? 1
            try db.execute(sql: """
                INSERT INTO layer_versions(layer_id, number, created_by, source_name, source_srid, encoding, warnings,
                                           base_version_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [layerID, number, userID, description.sourceName, source[2] as Int?, source[3] as String?,
                                 (source[4] as String?) ?? "[]", sourceVersionID])
            let versionID = db.lastInsertedRowID
            try db.execute(sql: """
                INSERT INTO features(version_id, fid, properties, geom)
                SELECT ?, fid, properties, geom FROM features WHERE version_id = ? AND id < ? ORDER BY id
                """, arguments: [versionID, sourceVersionID, featureID])
            let newFeatureID = try replace(db, versionID)
            try db.execute(sql: """
                INSERT INTO features(version_id, fid, properties, geom)
                SELECT ?, fid, properties, geom FROM features WHERE version_id = ? AND id > ? ORDER BY id
                """, arguments: [versionID, sourceVersionID, featureID])
            try db.execute(sql: """
                UPDATE layer_versions SET (feature_count, min_x, min_y, max_x, max_y) = (
                  SELECT count(*), min(MbrMinX(geom)), min(MbrMinY(geom)), max(MbrMaxX(geom)), max(MbrMaxY(geom))
                  FROM features WHERE version_id = ?)
                WHERE id = ?
                """, arguments: [versionID, versionID])
            try LayerEvents.record(db, layerID: layerID, versionID: versionID, action: .submitted, userID: userID,
                                   note: description.note)
            try LayerEvents.audit(db, description.audit(number))
            return EditedVersion(versionID: versionID, number: number, featureID: newFeatureID)
        }
    }
}
