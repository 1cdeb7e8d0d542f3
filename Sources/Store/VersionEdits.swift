import Foundation
import GRDB

// Editing a feature never touches the version it belongs to: the edit is a new pending version,
// a copy of that one with the change, written in one transaction — the version row (next
// number, same source CRS and encoding), every feature copied in SQL in id order (geometry
// included, so the spatial index follows), its figures, the layer event and the audit entry.
// A failure anywhere leaves nothing behind; the published version stays what the public sees.

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
                INSERT INTO features(version_id, properties, geom)
                SELECT ?, json_set(properties\(setters)), geom FROM features WHERE id = ?
                """, arguments: StatementArguments(arguments))
            return db.lastInsertedRowID
        }
    }

    /// A new pending version of `layerID`: a copy of the version holding `featureID`, without it.
    public func deleteFeature(layerID: Int64, featureID: Int64, userID: Int64?,
                              _ description: EditDescription) throws(StoreError) -> EditedVersion {
        try copy(layerID: layerID, featureID: featureID, userID: userID, description) { _, _ in nil }
    }

    /// Writes the new version: features before `featureID` copied, then what `replace` writes
    /// in its place (returning the new feature's id, or nil for none), then the features after.
    private func copy(layerID: Int64, featureID: Int64, userID: Int64?, _ description: EditDescription,
                      replace: (Database, Int64) throws -> Int64?) throws(StoreError) -> EditedVersion {
        try database.write { db in
            guard let source = try Row.fetchOne(db, sql: """
                SELECT v.id, v.number, v.source_srid, v.encoding, v.warnings
                FROM features f JOIN layer_versions v ON v.id = f.version_id
                WHERE f.id = ? AND v.layer_id = ?
                """, arguments: [featureID, layerID]) else {
                throw StoreError.notFound("feature \(featureID) of layer \(layerID)")
            }
            let sourceVersionID: Int64 = source[0]
            let number = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(number), 0) + 1 FROM layer_versions WHERE layer_id = ?",
                                          arguments: [layerID]) ?? 1
            try db.execute(sql: """
                INSERT INTO layer_versions(layer_id, number, created_by, source_name, source_srid, encoding, warnings)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [layerID, number, userID, description.sourceName, source[2] as Int?, source[3] as String?,
                                 (source[4] as String?) ?? "[]"])
            let versionID = db.lastInsertedRowID
            try db.execute(sql: """
                INSERT INTO features(version_id, properties, geom)
                SELECT ?, properties, geom FROM features WHERE version_id = ? AND id < ? ORDER BY id
                """, arguments: [versionID, sourceVersionID, featureID])
            let newFeatureID = try replace(db, versionID)
            try db.execute(sql: """
                INSERT INTO features(version_id, properties, geom)
                SELECT ?, properties, geom FROM features WHERE version_id = ? AND id > ? ORDER BY id
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
