import GRDB

// The attribute table in two steps, for callers that keep the first: the ids of the features
// that pass a filter, in the table's order (one pass over the version), then one page of rows
// read by id. A version's features never change, so the ids of one (version, order) stay true
// for as long as the version; `attributePage(versionID:fields:query:)` does both steps in SQL
// on every call.

/// What decides which features of a version the attribute table lists and in what order —
/// everything in an `AttributeQuery` but the page. Equal orders list the same features in the
/// same order: the filter text is kept folded and cut as the query compares it, the filter
/// field only with a filter, the direction only with a sort field.
public struct AttributeOrder: Hashable, Sendable {
    /// The field to sort by (nil: feature order).
    public let sortField: String?
    public let descending: Bool
    /// The field the filter looks in (nil: any field).
    public let filterField: String?
    /// The folded text a value must contain (nil: no filter).
    public let needle: String?

    public init(sortField: String? = nil, descending: Bool = false, filterField: String? = nil, filterText: String? = nil) {
        let folded = filterText.map { String(FeatureRepository.fold($0).prefix(FeatureRepository.maxFilterLength)) }
        needle = folded?.isEmpty == false ? folded : nil
        self.filterField = needle == nil ? nil : filterField
        self.sortField = sortField
        self.descending = sortField != nil && descending
    }

    /// Whether this is every feature in id order, which the version's index reads a page of
    /// directly.
    public var isFeatureOrder: Bool { sortField == nil && needle == nil }
}

extension AttributeQuery {
    /// The order and filter of this query, without its page.
    public var order: AttributeOrder {
        AttributeOrder(sortField: sortField, descending: descending, filterField: filterField, filterText: filterText)
    }

    /// The rows of this query's page among `count` matching features (the limit clamped to
    /// `FeatureRepository.maxPageSize`).
    public func pageRange(among count: Int) -> Range<Int> {
        let limit = min(max(self.limit, 1), FeatureRepository.maxPageSize)
        let start = min(max(offset, 0), count)
        return start..<(start + min(limit, count - start))
    }
}

extension FeatureRepository {
    /// The ids of `versionID`'s features that pass `order`'s filter, in its order — nulls last
    /// either way; ties, and no sort field, by feature id. One pass over the version: callers
    /// keep the answer (see the portal's `AttributeOrderCache`).
    public func matchingFeatureIDs(versionID: Int64, order: AttributeOrder) throws(StoreError) -> [Int64] {
        let clauses = Self.clauses(versionID: versionID, order: order)
        return try database.read { db in
            db.add(function: Self.foldFunction)
            return try Int64.fetchAll(db, sql: "SELECT f.id FROM features f WHERE \(clauses.condition) ORDER BY \(clauses.order)",
                                      arguments: clauses.arguments)
        }
    }

    /// The page of `query` from `ids`, the matching features of `versionID` in order (as
    /// `matchingFeatureIDs` gives them): the total is their count; the rows are read by id, in
    /// that order, with the values of `fields`.
    public func attributePage(versionID: Int64, fields: [String], query: AttributeQuery,
                              orderedIDs ids: [Int64]) throws(StoreError) -> AttributePage {
        let page = ids[query.pageRange(among: ids.count)]
        guard !page.isEmpty else { return AttributePage(total: ids.count, rows: []) }
        let (sql, arguments) = Self.rowsStatement(versionID: versionID, ids: page, fields: fields)
        let rows = try database.read { db in try Row.fetchAll(db, sql: sql, arguments: arguments) }
        return AttributePage(total: ids.count, rows: rows.map { Self.attributeRow($0, fieldCount: fields.count) })
    }

    // MARK: SQL pieces

    /// The WHERE and ORDER BY of an attribute-table query over `features f`, each with the
    /// arguments it binds. The filter needs `bando_fold` on the connection.
    struct Clauses {
        var condition = "f.version_id = ?"
        var conditionArguments: StatementArguments
        var order = "f.id"
        var orderArguments = StatementArguments()

        /// Every argument, for a statement with the condition, then the order.
        var arguments: StatementArguments { conditionArguments + orderArguments }
    }

    /// The clauses listing `versionID`'s features as `order` says.
    static func clauses(versionID: Int64, order: AttributeOrder) -> Clauses {
        var clauses = Clauses(conditionArguments: [versionID])
        if let needle = order.needle {
            if let field = order.filterField {
                let (expression, argument) = Self.valueExpression(field)
                clauses.condition += " AND instr(bando_fold(CAST(\(expression) AS TEXT)), ?) > 0"
                clauses.conditionArguments += [argument, needle]
            } else {
                clauses.condition += """
                     AND EXISTS (SELECT 1 FROM json_each(f.properties) j
                                 WHERE j.type <> 'null' AND instr(bando_fold(CAST(j.value AS TEXT)), ?) > 0)
                    """
                clauses.conditionArguments += [needle]
            }
        }
        if let sort = order.sortField {
            let (expression, argument) = Self.valueExpression(sort)
            let direction = order.descending ? "DESC" : "ASC"
            clauses.order = "\(expression) IS NULL, \(expression) \(direction), f.id \(direction)"
            clauses.orderArguments += [argument, argument]
        }
        return clauses
    }

    /// The statement reading the rows of `ids` (features of `versionID`) in that order, each
    /// through the primary key, and its arguments.
    static func rowsStatement(versionID: Int64, ids: ArraySlice<Int64>, fields: [String]) -> (String, StatementArguments) {
        let (columns, paths) = Self.valueColumns(fields)
        var arguments = StatementArguments(paths)
        arguments += ["[" + ids.map(String.init).joined(separator: ",") + "]", versionID]
        return ("""
            SELECT f.id\(columns) FROM json_each(?) k CROSS JOIN features f ON f.id = k.value
            WHERE f.version_id = ? ORDER BY k.key
            """, arguments)
    }

    /// A row of `f.id` then a (type, value) pair per field as an attribute-table row.
    static func attributeRow(_ row: Row, fieldCount: Int) -> AttributeRow {
        AttributeRow(id: row[0], values: (0..<fieldCount).map { stored(type: row[1 + 2 * $0], value: row[2 + 2 * $0]) })
    }
}
