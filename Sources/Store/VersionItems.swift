import Foundation
import Geometry
import GRDB

// A published version's features as the items of a feature service: paged in order of their
// identity across versions (`fid`, which edits keep), filtered by a box and by attribute values
// inside SQL, each with its geometry and its attributes in stored order.

/// Which items to read.
public struct ItemQuery: Sendable {
    /// Only features whose box meets this box (EPSG:4326), through the spatial index.
    public var box: BoundingBox?
    /// Only features whose attribute equals the text (numbers compared as written: 7, 7.5).
    public var equals: [(field: String, value: String)]
    public var offset: Int
    public var limit: Int

    public init(box: BoundingBox? = nil, equals: [(field: String, value: String)] = [], offset: Int = 0, limit: Int = 10) {
        self.box = box
        self.equals = equals
        self.offset = max(0, offset)
        self.limit = max(0, limit)
    }
}

/// One item: the feature's identity across versions, its geometry and its attributes.
public struct FeatureItem: Sendable {
    public var fid: Int64
    public var geometry: Geometry?
    public var properties: [(String, StoredProperty)]
}

/// One page of items and how many match in all.
public struct ItemPage: Sendable {
    public var matched: Int
    public var items: [FeatureItem]

    public init(matched: Int, items: [FeatureItem]) {
        self.matched = matched
        self.items = items
    }
}

extension FeatureRepository {
    /// The page of `versionID`'s items `query` asks for, in `fid` order, and the number matching.
    public func items(versionID: Int64, _ query: ItemQuery) throws(StoreError) -> ItemPage {
        var condition = "f.version_id = ?"
        var arguments: StatementArguments = [versionID]
        if let box = query.box {
            condition += """
                 AND f.id IN (SELECT pkid FROM idx_features_geom WHERE xmin <= ? AND xmax >= ? AND ymin <= ? AND ymax >= ?)
                """
            arguments += [box.maxX, box.minX, box.maxY, box.minY]
        }
        for (field, value) in query.equals {
            let (expression, argument) = Self.valueExpression(field)
            condition += " AND CAST(\(expression) AS TEXT) = ?"
            arguments += [argument, value]
        }
        return try database.read { db in
            let matched = try Int.fetchOne(db, sql: "SELECT count(*) FROM features f WHERE \(condition)", arguments: arguments) ?? 0
            var pageArguments = arguments
            pageArguments += [query.limit, query.offset]
            // The page and every attribute of its features in one statement: a row per attribute
            // (one with a null key for a feature without any), in page order, then stored order.
            let rows = try Row.fetchCursor(db, sql: """
                WITH page AS (
                    SELECT f.id, f.fid, f.geom, CASE WHEN \(Self.isObject) THEN f.properties ELSE '{}' END AS properties
                    FROM features f WHERE \(condition) ORDER BY f.fid, f.id LIMIT ? OFFSET ?)
                SELECT page.id, page.fid, page.geom, j.key, j.type, j.atom, j.value
                FROM page LEFT JOIN json_each(page.properties) j
                ORDER BY page.fid, page.id, j.id
                """, arguments: pageArguments)
            var items: [FeatureItem] = []
            var current: Int64?
            while let row = try rows.next() {
                let id: Int64 = row[0]
                if id != current {
                    current = id
                    let blob: Data? = row[2]
                    items.append(FeatureItem(fid: row[1], geometry: try blob.map { try Self.decode($0, id: id).geometry },
                                             properties: []))
                }
                if let key: String = row[3] {
                    items[items.count - 1].properties.append((key, Self.stored(type: row[4], atom: row[5], value: row[6])))
                }
            }
            return ItemPage(matched: matched, items: items)
        }
    }

    /// The item `fid` of `versionID`; nil when the version does not hold it.
    public func item(versionID: Int64, fid: Int64) throws(StoreError) -> FeatureItem? {
        try database.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT id, fid, geom FROM features WHERE version_id = ? AND fid = ? ORDER BY id LIMIT 1
                """, arguments: [versionID, fid]) else { return nil }
            return try Self.item(db, id: row[0], fid: row[1], blob: row[2])
        }
    }

    private static func item(_ db: Database, id: Int64, fid: Int64, blob: Data?) throws -> FeatureItem {
        let geometry = try blob.map { try decode($0, id: id).geometry }
        let members = try db.cachedStatement(sql: """
            SELECT j.key, j.type, j.atom, j.value FROM features f, json_each(f.properties) j
            WHERE f.id = ? AND \(isObject) ORDER BY j.id
            """)
        let properties = try Row.fetchAll(members, arguments: [id]).map { row -> (String, StoredProperty) in
            (row[0], stored(type: row[1], atom: row[2], value: row[3]))
        }
        return FeatureItem(fid: fid, geometry: geometry, properties: properties)
    }
}
