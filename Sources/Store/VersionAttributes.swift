import Foundation
import Geometry
import GRDB
import Synchronization

// The attribute table of a layer version, read in SQL: the field list in source order, one page
// of rows sorted by any field (json_extract keeps values typed, so numbers sort as numbers and
// before text) and filtered by a "contains" on one field or on any of them that ignores case and
// Vietnamese diacritics ("dong" finds "Đông"). Folding is Unicode-aware (SQLite's own LIKE folds
// ASCII only), through `bando_fold`, a function added to the reading connection for the query.

/// What the values of one field of a version are, as the edit form needs to know.
public enum FieldKind: String, Sendable, Equatable {
    /// Integers only (and nulls).
    case integer
    /// Numbers, at least one of them with a fraction (and nulls).
    case real
    /// Text only (and nulls).
    case text
    /// true or false only (and nulls).
    case boolean
    /// Several kinds, or objects and arrays.
    case mixed
    /// Nothing but nulls.
    case empty
}

/// One field (attribute name) of a version and the kind of its values.
public struct VersionField: Sendable, Equatable {
    public var name: String
    public var kind: FieldKind

    public init(name: String, kind: FieldKind) {
        self.name = name
        self.kind = kind
    }
}

/// Which page of the attribute table to read, in what order, with which filter.
public struct AttributeQuery: Sendable, Equatable {
    /// The field to sort by (nil: feature order).
    public var sortField: String?
    public var descending: Bool
    /// The field the filter looks in (nil: any field).
    public var filterField: String?
    /// Text the value must contain, ignoring case and diacritics (nil or empty: no filter).
    public var filterText: String?
    public var offset: Int
    public var limit: Int

    public init(sortField: String? = nil, descending: Bool = false, filterField: String? = nil,
                filterText: String? = nil, offset: Int = 0, limit: Int = 50) {
        self.sortField = sortField
        self.descending = descending
        self.filterField = filterField
        self.filterText = filterText
        self.offset = offset
        self.limit = limit
    }
}

/// One row of the attribute table: a feature's id and its values, one per asked field.
public struct AttributeRow: Sendable, Equatable {
    public var id: Int64
    public var values: [StoredProperty]
}

/// One page of the attribute table and how many features match the filter in all.
public struct AttributePage: Sendable, Equatable {
    public var total: Int
    public var rows: [AttributeRow]
}

/// One feature as its page shows it: the version it belongs to, its attributes in stored order
/// and its geometry in EPSG:4326.
public struct FeatureRecord: Sendable {
    public var id: Int64
    /// The feature's identity across versions (the same in every copy an edit makes).
    public var fid: Int64
    public var layerID: Int64
    public var versionID: Int64
    public var versionNumber: Int
    public var properties: [(String, StoredProperty)]
    /// Nil when the stored geometry cannot be read.
    public var geometry: Geometry?
}

extension FeatureRepository {
    /// At most this many fields are listed; wider tables are cut.
    public static let maxFields = 500
    /// At most this many rows in one page.
    public static let maxPageSize = 500
    /// Filter texts are cut to this many characters.
    public static let maxFilterLength = 200

    /// The fields of `versionID` in source order — by the first feature holding each, then by
    /// its place in that feature's object — with the kind of their values, at most `maxFields`.
    /// Reading them walks every feature's object, so the answer is kept per version (see
    /// `VersionFieldCache`).
    public func fields(versionID: Int64) throws(StoreError) -> [VersionField] {
        try database.read { db in
            guard let version = try Row.fetchOne(db, sql: "SELECT created_at, feature_count FROM layer_versions WHERE id = ?",
                                                 arguments: [versionID]) else { return [] }
            let key = VersionFieldCache.Key(database: database.path, versionID: versionID, createdAt: version[0],
                                            featureCount: version[1])
            if let known = VersionFieldCache.shared[key] { return known }
            let rows = try Row.fetchAll(db, sql: """
                SELECT j.key, min(f.id * 4294967296 + j.id) AS first, group_concat(DISTINCT j.type) AS types
                FROM features f, json_each(f.properties) j
                WHERE f.version_id = ? AND \(Self.isObject)
                GROUP BY j.key ORDER BY first LIMIT ?
                """, arguments: [versionID, Self.maxFields])
            let fields = rows.map { row in
                let types = Set(((row[2] as String?) ?? "").split(separator: ",").map(String.init))
                return VersionField(name: row[0], kind: Self.kind(of: types))
            }
            VersionFieldCache.shared[key] = fields
            return fields
        }
    }

    /// One page of `versionID`'s attribute table: the values of `fields` for each feature that
    /// passes `query`'s filter, in `query`'s order — nulls last either way; ties, and no sort
    /// field, by feature id. Counts the matching features, then reads the page, both in SQL:
    /// cheap in feature order (the version's index), a pass over the whole version otherwise
    /// (see `matchingFeatureIDs` for the ids to keep).
    public func attributePage(versionID: Int64, fields: [String], query: AttributeQuery) throws(StoreError) -> AttributePage {
        let clauses = Self.clauses(versionID: versionID, order: query.order)
        let (sql, arguments) = Self.pageStatement(clauses, fields: fields, query: query)
        return try database.read { db in
            db.add(function: Self.foldFunction)
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM features f WHERE \(clauses.condition)",
                                         arguments: clauses.conditionArguments) ?? 0
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            return AttributePage(total: total, rows: rows.map { Self.attributeRow($0, fieldCount: fields.count) })
        }
    }

    /// The statement reading `query`'s page of the features `clauses` list, and its arguments.
    static func pageStatement(_ clauses: Clauses, fields: [String], query: AttributeQuery) -> (String, StatementArguments) {
        let range = query.pageRange(among: Int.max)
        let (columns, paths) = Self.valueColumns(fields)
        var arguments = StatementArguments(paths)
        arguments += clauses.arguments
        arguments += [range.count, range.lowerBound]
        return ("SELECT f.id\(columns) FROM features f WHERE \(clauses.condition) ORDER BY \(clauses.order) LIMIT ? OFFSET ?",
                arguments)
    }

    /// The feature `id` with its version, attributes and geometry; nil when there is none.
    public func feature(id: Int64) throws(StoreError) -> FeatureRecord? {
        try database.read { db in
            guard let head = try Row.fetchOne(db, sql: """
                SELECT f.id, v.layer_id, v.id, v.number, f.geom, f.fid FROM features f JOIN layer_versions v ON v.id = f.version_id
                WHERE f.id = ?
                """, arguments: [id]) else { return nil }
            let geometry: Geometry? = (head[4] as Data?).flatMap { try? SpatiaLiteBlob.decode($0).geometry }
            let properties = try Row.fetchAll(db, sql: """
                SELECT j.key, j.type, j.atom, j.value FROM features f, json_each(f.properties) j
                WHERE f.id = ? AND \(Self.isObject) ORDER BY j.id
                """, arguments: [id]).map { row -> (String, StoredProperty) in
                (row[0], Self.stored(type: row[1], atom: row[2], value: row[3]))
            }
            return FeatureRecord(id: head[0], fid: head[5], layerID: head[1], versionID: head[2], versionNumber: head[3],
                                 properties: properties, geometry: geometry)
        }
    }

    /// The id of the feature `fid` in `versionID`; nil when that version does not hold it.
    public func featureID(fid: Int64, versionID: Int64) throws(StoreError) -> Int64? {
        try database.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM features WHERE version_id = ? AND fid = ? ORDER BY id LIMIT 1",
                               arguments: [versionID, fid])
        }
    }

    // MARK: SQL pieces

    /// Whether `f.properties` is a JSON object (neither malformed nor another JSON value).
    static let isObject = "CASE WHEN json_valid(f.properties) THEN json_type(f.properties) END = 'object'"

    /// Text as the filter compares it: lowercased with Unicode rules, without diacritics (the
    /// combining marks of Unicode's first block, which hold every Vietnamese tone and vowel
    /// mark), and đ read as d — so "Đồng", "đông" and "dong" all read "dong". Any other
    /// letter stays canonically decomposed, the same whatever form the text came in.
    public static func fold(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        var scalars = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCanonicalMapping.lowercased().unicodeScalars {
            switch scalar.value {
            case 0x0300...0x036F: continue
            case 0x0111: scalars.append("d")
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// `bando_fold(text)`: `fold` for SQL; null stays null.
    static let foldFunction = DatabaseFunction("bando_fold", argumentCount: 1, pure: true) { values in
        guard case .string(let text) = values[0].storage else { return nil }
        return fold(text)
    }

    /// The JSON path of a top-level member, when SQLite's path syntax can name it.
    static func jsonPath(_ name: String) -> String? {
        name.contains("\"") || name.contains("\\") ? nil : "$.\"\(name)\""
    }

    /// An SQL expression reading field `name` of `f.properties` (typed, as json_extract gives
    /// it) and the one argument it binds. Names a JSON path cannot spell are looked up by key.
    static func valueExpression(_ name: String) -> (String, DatabaseValueConvertible) {
        if let path = jsonPath(name) { return ("json_extract(f.properties, ?)", path) }
        return ("(SELECT j.value FROM json_each(f.properties) j WHERE j.key = ?)", name)
    }

    /// Columns giving each field's JSON type and value, and the arguments they bind, in order.
    static func valueColumns(_ names: [String]) -> (String, [DatabaseValueConvertible?]) {
        var columns = ""
        var arguments: [DatabaseValueConvertible?] = []
        for name in names {
            if let path = jsonPath(name) {
                columns += ", json_type(f.properties, ?), json_extract(f.properties, ?)"
                arguments += [path, path]
            } else {
                columns += ", (SELECT j.type FROM json_each(f.properties) j WHERE j.key = ?)"
                    + ", (SELECT j.value FROM json_each(f.properties) j WHERE j.key = ?)"
                arguments += [name, name]
            }
        }
        return (columns, arguments)
    }

    /// A value as SQLite's JSON functions report it: its JSON type and its SQL value (objects
    /// and arrays as their JSON text).
    static func stored(type: String?, value: DatabaseValue) -> StoredProperty {
        switch (type, value.storage) {
        case ("true", _): return .boolean(true)
        case ("false", _): return .boolean(false)
        case ("integer", .int64(let number)): return .integer(number)
        case ("real", .double(let number)): return .real(number)
        case ("real", .int64(let number)): return .real(Double(number))
        case (_, .string(let text)): return .text(text)
        default: return .null
        }
    }

    /// A `json_each` row's value: its type, atom and value columns.
    static func stored(type: String, atom: DatabaseValue, value: DatabaseValue) -> StoredProperty {
        switch type {
        case "array", "object": return stored(type: "text", value: value)
        default: return stored(type: type, value: atom)
        }
    }

    /// The kind of a field from the set of JSON types its values take.
    static func kind(of types: Set<String>) -> FieldKind {
        let present = types.subtracting(["null"])
        if present.isEmpty { return .empty }
        if present == ["integer"] { return .integer }
        if present.isSubset(of: ["integer", "real"]) { return .real }
        if present == ["text"] { return .text }
        if present.isSubset(of: ["true", "false"]) { return .boolean }
        return .mixed
    }
}

/// The field lists of versions already read, for the life of the process. A version's features
/// never change once written (an edit makes a new version), so its fields do not either; the
/// key also holds the version's creation time and feature count, so a version id used again
/// (after a deletion, or in a new database at the same path) is never answered from an old entry.
final class VersionFieldCache: Sendable {
    static let shared = VersionFieldCache()
    /// Entries kept before the cache starts afresh.
    static let capacity = 1_000

    struct Key: Hashable {
        var database: String
        var versionID: Int64
        var createdAt: String
        var featureCount: Int
    }

    private let entries = Mutex<[Key: [VersionField]]>([:])

    subscript(key: Key) -> [VersionField]? {
        get { entries.withLock { $0[key] } }
        set {
            entries.withLock { entries in
                if entries.count >= Self.capacity { entries.removeAll() }
                entries[key] = newValue
            }
        }
    }
}
