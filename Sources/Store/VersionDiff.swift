import Foundation
import GRDB

// What changed between two versions of a layer, for the review page: features are matched by
// `fid` (their identity across versions, kept by every edit's copy), so a feature present in
// both is the same feature, changed or not. Each count is one SQL statement walking the
// `features_version_fid` index, never rows in Swift, so a version of 100 000 features compares
// in one pass per count. Attributes count as changed when their JSON differs once minified
// (stored text first, so unchanged copies cost no parsing); geometry when its stored blob differs.
// An import starts fresh identities, so an upload compared with the version before it reads as
// every old feature removed and every new one added.

/// The summary of what changed from one version of a layer to another.
public struct VersionDiff: Sendable, Equatable {
    /// Features only the newer version holds.
    public var added: Int
    /// Features only the older version holds.
    public var removed: Int
    /// Features in both whose attributes or geometry differ.
    public var changed: Int
    /// Of `changed`, those whose attributes differ.
    public var attributesChanged: Int
    /// Of `changed`, those whose geometry differs (a feature may count in both).
    public var geometryChanged: Int
    /// Features in both, identical.
    public var unchanged: Int
    /// Field names only the newer version has, in its field order.
    public var fieldsAdded: [String]
    /// Field names only the older version had, in its field order.
    public var fieldsRemoved: [String]

    public init(added: Int = 0, removed: Int = 0, changed: Int = 0, attributesChanged: Int = 0, geometryChanged: Int = 0,
                unchanged: Int = 0, fieldsAdded: [String] = [], fieldsRemoved: [String] = []) {
        self.added = added
        self.removed = removed
        self.changed = changed
        self.attributesChanged = attributesChanged
        self.geometryChanged = geometryChanged
        self.unchanged = unchanged
        self.fieldsAdded = fieldsAdded
        self.fieldsRemoved = fieldsRemoved
    }

    /// Whether the two versions hold the same features and fields.
    public var isEmpty: Bool {
        added == 0 && removed == 0 && changed == 0 && fieldsAdded.isEmpty && fieldsRemoved.isEmpty
    }
}

extension VersionRepository {
    /// What changed from version `from` to version `to` (version ids, both of `layerID`):
    /// features added, removed and changed by `fid`, and fields added and removed. A version
    /// that is not the layer's throws `.notFound`.
    public func diff(layerID: Int64, from: Int64, to: Int64) throws(StoreError) -> VersionDiff {
        try database.read { db in
            for id in [from, to] {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM layer_versions WHERE id = ? AND layer_id = ?",
                                        arguments: [id, layerID]) == true else {
                    throw StoreError.notFound("version id \(id) of layer \(layerID)")
                }
            }
        }
        var diff = try featureDiff(from: from, to: to)
        let features = FeatureRepository(database)
        let before = try features.fields(versionID: from).map(\.name)
        let after = try features.fields(versionID: to).map(\.name)
        diff.fieldsAdded = after.filter { !Set(before).contains($0) }
        diff.fieldsRemoved = before.filter { !Set(after).contains($0) }
        return diff
    }

    /// The feature counts of `diff`, in SQL.
    func featureDiff(from: Int64, to: Int64) throws(StoreError) -> VersionDiff {
        try database.read { db in
            let added = try Int.fetchOne(db, sql: Self.onlyInFirst, arguments: [to, from]) ?? 0
            let removed = try Int.fetchOne(db, sql: Self.onlyInFirst, arguments: [from, to]) ?? 0
            let both = try Row.fetchOne(db, sql: Self.matched, arguments: [from, to])
            let matched: Int = both?[0] ?? 0
            let changed = Int((both?[3] as Double?) ?? 0)
            return VersionDiff(added: added, removed: removed, changed: changed,
                               attributesChanged: Int((both?[1] as Double?) ?? 0),
                               geometryChanged: Int((both?[2] as Double?) ?? 0), unchanged: matched - changed)
        }
    }

    /// How many features of the first version argument the second does not hold.
    static let onlyInFirst = """
        SELECT count(*) FROM features n WHERE n.version_id = ?
          AND NOT EXISTS (SELECT 1 FROM features o WHERE o.version_id = ? AND o.fid = n.fid)
        """

    /// Of the features both versions hold (arguments: the older version, then the newer): how
    /// many, and how many of them changed their attributes, their geometry, either.
    static let matched = """
        SELECT count(*), total(attributes), total(geometry), total(attributes OR geometry) FROM (
          SELECT \(attributesDiffer) AS attributes, n.geom IS NOT o.geom AS geometry
          FROM features n JOIN features o ON o.version_id = ? AND o.fid = n.fid
          WHERE n.version_id = ?)
        """

    /// Whether `n.properties` and `o.properties` differ: as text, and still once both are
    /// minified (when both are valid JSON), so spacing alone is no change.
    static let attributesDiffer = """
        (n.properties IS NOT o.properties
         AND NOT (json_valid(n.properties) AND json_valid(o.properties)
                  AND json(n.properties) = json(o.properties)))
        """
}
