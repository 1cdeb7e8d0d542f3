import Foundation
import Geometry
import GRDB

/// Reads any SpatiaLite geometry table (one named in `geometry_columns`): features intersecting
/// a box through the table's R*Tree, or the whole table loaded once into a `SpatialTableIndex`
/// for tile rendering without SQL.
///
/// Geometry is decoded from SpatiaLite's own BLOB format with `SpatiaLiteBlob` (no SQL
/// `AsBinary`), so reading needs SQLite's R*Tree module but not SpatiaLite itself. Table and
/// column names come from the database's catalogue and are quoted in every statement.
public final class SpatialTableSource: Sendable {
    /// A geometry table as `geometry_columns` describes it.
    public struct Table: Sendable, Hashable {
        public let name: String
        public let geometryColumn: String
        /// The family of the declared geometry type (nil for GEOMETRY or collections).
        public let kind: GeometryKind?
        /// The declared type code (1 point … 7 collection, + 1000/2000/3000 for Z/M/ZM).
        public let geometryType: Int
        public let srid: Int32
        /// True when the table has a SpatiaLite R*Tree `idx_<table>_<column>`.
        public let hasSpatialIndex: Bool

        public init(name: String, geometryColumn: String, kind: GeometryKind?, geometryType: Int,
                    srid: Int32, hasSpatialIndex: Bool) {
            self.name = name
            self.geometryColumn = geometryColumn
            self.kind = kind
            self.geometryType = geometryType
            self.srid = srid
            self.hasSpatialIndex = hasSpatialIndex
        }
    }

    /// An attribute value read from a column.
    public enum Value: Sendable, Hashable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
    }

    /// One row of the table: its rowid, geometry (in the table's SRID) and requested attributes.
    public struct TableFeature: Sendable, Hashable {
        public let id: Int64
        public let geometry: Geometry
        /// The bounding box stored in the BLOB header.
        public let mbr: BoundingBox
        public let attributes: [Value]
    }

    public let table: Table
    private let reader: any DatabaseReader

    /// The geometry tables of the database, ordered by name then column.
    public static func tables(in database: SpatialDatabase) throws(StoreError) -> [Table] {
        try tables(in: database.pool)
    }

    /// The geometry tables readable through `reader`, ordered by name then column.
    public static func tables(in reader: any DatabaseReader) throws(StoreError) -> [Table] {
        do {
            return try reader.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT f_table_name, f_geometry_column, geometry_type, srid, spatial_index_enabled
                    FROM geometry_columns ORDER BY f_table_name, f_geometry_column
                    """).map { row in
                    let type: Int = row[2] ?? 0
                    let name: String = row[0] ?? ""
                    let column: String = row[1] ?? ""
                    let enabled: Int = row[4] ?? 0
                    let srid: Int = row[3] ?? 0
                    let indexed = try enabled == 1 && indexExists(db, name, column)
                    return Table(name: name, geometryColumn: column, kind: kind(ofType: type),
                                 geometryType: type, srid: Int32(truncatingIfNeeded: srid),
                                 hasSpatialIndex: indexed)
                }
            }
        } catch {
            throw SpatialDatabase.map(error)
        }
    }

    /// Opens a database file for reading only (no WAL conversion, no writes), for tools that
    /// render someone else's SpatiaLite file.
    public static func openReadOnly(path: String) throws(StoreError) -> any DatabaseReader {
        guard FileManager.default.fileExists(atPath: path) else {
            throw .cannotOpen(path: path, reason: "no such file")
        }
        var config = Configuration()
        config.readonly = true
        do {
            return try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw .cannotOpen(path: path, reason: "\(error)")
        }
    }

    /// A reader for `table` in the store's database; the geometry column defaults to the
    /// table's first one.
    public convenience init(database: SpatialDatabase, table: String,
                            geometryColumn: String? = nil) throws(StoreError) {
        try self.init(reader: database.pool, table: table, geometryColumn: geometryColumn)
    }

    /// A reader for `table` through `reader`.
    /// - Throws: `StoreError.notFound` when `geometry_columns` does not list the table (and column).
    public init(reader: any DatabaseReader, table: String, geometryColumn: String? = nil) throws(StoreError) {
        let all = try Self.tables(in: reader)
        guard let found = all.first(where: { candidate in
            candidate.name.lowercased() == table.lowercased()
                && (geometryColumn.map { candidate.geometryColumn.lowercased() == $0.lowercased() } ?? true)
        }) else {
            throw .notFound("geometry table \(table)" + (geometryColumn.map { ".\($0)" } ?? ""))
        }
        self.table = found
        self.reader = reader
    }

    // MARK: - Queries

    /// Features whose box intersects `box` (in the table's SRID, EPSG:4326 for Bando's layers),
    /// found through the R*Tree when there is one, in rowid order.
    /// - Throws: `StoreError.invalid` for an unknown attribute column, `.database` for a
    ///   damaged geometry or any SQL failure.
    public func features(intersecting box: BoundingBox, attributes: [String] = []) throws(StoreError) -> [TableFeature] {
        guard !box.isEmpty else { return [] }
        let columns = try checkedColumns(attributes)
        let t = Self.quote(table.name), g = Self.quote(table.geometryColumn)
        let selected = (["t.rowid", "t.\(g)"] + columns.map { "t.\(Self.quote($0))" }).joined(separator: ", ")
        var sql = "SELECT \(selected) FROM \(t) AS t WHERE t.\(g) IS NOT NULL"
        var arguments: StatementArguments = []
        if table.hasSpatialIndex {
            let index = Self.quote("idx_\(table.name)_\(table.geometryColumn)")
            sql += " AND t.rowid IN (SELECT pkid FROM \(index) WHERE xmin <= ? AND xmax >= ? AND ymin <= ? AND ymax >= ?)"
            arguments = [box.maxX, box.minX, box.maxY, box.minY]
        }
        sql += " ORDER BY t.rowid"
        do {
            return try reader.read { db in
                var out: [TableFeature] = []
                let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
                while let row = try cursor.next() {
                    guard let decoded = try row.withUnsafeData(atIndex: 1, { try $0.map { try Self.decode($0, id: row[0]) } })
                    else { continue }
                    guard decoded.mbr.intersects(box) else { continue }
                    out.append(TableFeature(id: row[0], geometry: decoded.geometry, mbr: decoded.mbr,
                                            attributes: (0..<columns.count).map { Self.value(row, $0 + 2) }))
                }
                return out
            }
        } catch {
            throw SpatialDatabase.map(error)
        }
    }

    /// Loads the whole table into memory in Web Mercator, with generalized copies for low
    /// zooms and a packed R-tree (see `SpatialTableIndex`). Rows without geometry are skipped.
    public func loadIndex(attributes: [String] = []) throws(StoreError) -> SpatialTableIndex {
        let columns = try checkedColumns(attributes)
        let selected = (["rowid", Self.quote(table.geometryColumn)] + columns.map(Self.quote)).joined(separator: ", ")
        let sql = "SELECT \(selected) FROM \(Self.quote(table.name)) WHERE \(Self.quote(table.geometryColumn)) IS NOT NULL ORDER BY rowid"
        var builder = SpatialTableIndex.Builder(attributeCount: columns.count)
        do {
            try reader.read { db in
                let cursor = try Row.fetchCursor(db, sql: sql)
                while let row = try cursor.next() {
                    guard let decoded = try row.withUnsafeData(atIndex: 1, { try $0.map { try Self.decode($0, id: row[0]) } })
                    else { continue }
                    builder.add(id: row[0], geometry: decoded.geometry.projectedToWebMercator(),
                                attributes: (0..<columns.count).map { Self.value(row, $0 + 2) })
                }
            }
        } catch {
            throw SpatialDatabase.map(error)
        }
        return builder.build(attributeNames: columns)
    }

    // MARK: - Helpers

    private func checkedColumns(_ names: [String]) throws(StoreError) -> [String] {
        guard !names.isEmpty else { return [] }
        let existing: [String]
        do {
            existing = try reader.read { db in
                try Row.fetchAll(db, sql: "PRAGMA table_info(\(Self.quote(table.name)))").map { $0["name"] ?? "" }
            }
        } catch {
            throw SpatialDatabase.map(error)
        }
        return try names.map { (name: String) throws(StoreError) -> String in
            guard let match = existing.first(where: { $0.lowercased() == name.lowercased() }) else {
                throw .invalid("table \(table.name) has no column \(name)")
            }
            return match
        }
    }

    private static func decode(_ blob: Data, id: Int64) throws -> SpatiaLiteBlob.Decoded {
        do {
            return try SpatiaLiteBlob.decode(blob)
        } catch {
            throw StoreError.database("row \(id): \(error)")
        }
    }

    private static func value(_ row: Row, _ index: Int) -> Value {
        switch row[index] as DatabaseValue {
        case let v where v.isNull: return .null
        case let v:
            switch v.storage {
            case .int64(let i): return .integer(i)
            case .double(let d): return .real(d)
            case .string(let s): return .text(s)
            case .blob, .null: return .null
            }
        }
    }

    private static func indexExists(_ db: Database, _ table: String, _ column: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?",
                          arguments: ["idx_\(table)_\(column)"]) ?? false
    }

    static func kind(ofType type: Int) -> GeometryKind? {
        switch type % 1000 {
        case 1, 4: return .point
        case 2, 5: return .line
        case 3, 6: return .polygon
        default: return nil
        }
    }

    /// An SQL identifier in double quotes, inner quotes doubled.
    static func quote(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

// MARK: - The in-memory index

/// A whole geometry table held in memory for tile rendering: coordinates in Web Mercator
/// (interleaved `Double` x, y), each feature's box, generalized copies of the geometry for low
/// zooms, and a static packed Hilbert R-tree over the boxes (as in flatbush), queried per
/// tile with no SQL and no allocation. Immutable once built, so threads share it freely;
/// rebuild it when the layer's data changes.
///
/// Parts of a feature (points of a multi-point, lines, polygon rings) are described by
/// `partEnds`: the index of the point after each part's last, with `holeFlag` set on rings
/// that are holes.
public final class SpatialTableIndex: Sendable {
    /// Marks a ring in `partEnds` as a hole.
    public static let holeFlag: UInt32 = 0x8000_0000
    /// Children per R-tree node.
    static let nodeSize = 16

    /// One feature as a borrowed view of the index's storage, valid during the callback only.
    public struct Feature {
        public let id: Int64
        public let kind: GeometryKind
        public let coordinates: UnsafeBufferPointer<Double>
        public let partEnds: UnsafeBufferPointer<UInt32>
        public let bounds: BoundingBox
        /// Values of `attributeNames`, in order.
        public let attributes: ArraySlice<SpatialTableSource.Value>
    }

    /// One generalization of every feature's geometry.
    struct Level: Sendable {
        /// Simplification tolerance in metres (0 for the full geometry).
        let tolerance: Double
        let coordinates: [Double]
        /// Per feature (+1 sentinel): first point and first part entry.
        let pointStart: [Int]
        let partStart: [Int]
        let partEnds: [UInt32]
    }

    public let attributeNames: [String]
    let ids: [Int64]
    let kinds: [GeometryKind]
    let bounds: [BoundingBox]
    let attributes: [SpatialTableSource.Value]
    let levels: [Level]
    /// The R-tree: leaf boxes (features in Hilbert order) then the node levels, 4 numbers each;
    /// `treeIndices` holds the feature index of a leaf and the first child position of a node.
    let treeBoxes: [Double]
    let treeIndices: [Int32]
    let levelEnds: [Int]

    /// The number of features.
    public var count: Int { ids.count }
    /// The number of vertices of the full geometry.
    public var vertexCount: Int { (levels.first?.coordinates.count ?? 0) / 2 }
    /// The generalization tolerances held, in metres, finest first (the first is 0).
    public var tolerances: [Double] { levels.map(\.tolerance) }

    init(attributeNames: [String], ids: [Int64], kinds: [GeometryKind], bounds: [BoundingBox],
         attributes: [SpatialTableSource.Value], levels: [Level]) {
        self.attributeNames = attributeNames
        self.ids = ids
        self.kinds = kinds
        self.bounds = bounds
        self.attributes = attributes
        self.levels = levels
        (treeBoxes, treeIndices, levelEnds) = Self.packTree(bounds)
    }

    /// Calls `body` for every feature whose box intersects `box` (Web Mercator metres), with the
    /// coarsest geometry whose tolerance is at most half of `resolution` (metres per pixel; 0
    /// for the full geometry). A feature generalized away entirely still comes, with no parts,
    /// so a renderer can mark where it is. Order follows the R-tree, not the table.
    public func forEachFeature(intersecting box: BoundingBox, resolution: Double = 0,
                               _ body: (Feature) throws -> Void) rethrows {
        guard !box.isEmpty, !ids.isEmpty else { return }
        let level = levels.last(where: { $0.tolerance <= resolution / 2 }) ?? levels[0]
        let attributeCount = attributeNames.count
        try level.coordinates.withUnsafeBufferPointer { xy in
            try level.partEnds.withUnsafeBufferPointer { ends in
                try search(box) { i in
                    let p0 = level.pointStart[i], p1 = level.pointStart[i + 1]
                    let e0 = level.partStart[i], e1 = level.partStart[i + 1]
                    try body(Feature(
                        id: ids[i], kind: kinds[i],
                        coordinates: UnsafeBufferPointer(rebasing: xy[(p0 * 2)..<(p1 * 2)]),
                        partEnds: UnsafeBufferPointer(rebasing: ends[e0..<e1]),
                        bounds: bounds[i],
                        attributes: attributes[(i * attributeCount)..<((i + 1) * attributeCount)]))
                }
            }
        }
    }

    /// The ids of the features whose box intersects `box` (Web Mercator metres), ascending.
    public func ids(intersecting box: BoundingBox) -> [Int64] {
        var out: [Int64] = []
        search(box) { out.append(ids[$0]) }
        return out.sorted()
    }

    /// Visits the index of every feature whose box intersects `box`.
    private func search(_ box: BoundingBox, _ visit: (Int) throws -> Void) rethrows {
        let n = ids.count
        guard n > 0, !box.isEmpty else { return }
        try treeBoxes.withUnsafeBufferPointer { boxes in
            try treeIndices.withUnsafeBufferPointer { indices in
                var stack: [Int] = []
                var node = boxes.count / 4 - 1
                while true {
                    let levelEnd = levelEnds.first(where: { $0 > node }) ?? boxes.count / 4
                    let end = min(node + Self.nodeSize, levelEnd)
                    for pos in node..<end {
                        let b = pos * 4
                        if boxes[b + 2] < box.minX || boxes[b + 3] < box.minY
                            || boxes[b] > box.maxX || boxes[b + 1] > box.maxY { continue }
                        let index = Int(indices[pos])
                        if node < n { try visit(index) } else { stack.append(index) }
                    }
                    guard let next = stack.popLast() else { break }
                    node = next
                }
            }
        }
    }

    /// Packs boxes into a Hilbert-sorted R-tree: (boxes, indices, end position of each level).
    private static func packTree(_ items: [BoundingBox]) -> ([Double], [Int32], [Int]) {
        let n = items.count
        guard n > 0 else { return ([], [], []) }
        var levelEnds = [n]
        var count = n, total = n
        repeat {
            count = (count + nodeSize - 1) / nodeSize
            total += count
            levelEnds.append(total)
        } while count != 1
        let order = hilbertOrder(items)
        var boxes = [Double](repeating: 0, count: total * 4)
        var indices = [Int32](repeating: 0, count: total)
        for (pos, i) in order.enumerated() {
            let b = items[i]
            boxes[pos * 4] = b.minX
            boxes[pos * 4 + 1] = b.minY
            boxes[pos * 4 + 2] = b.maxX
            boxes[pos * 4 + 3] = b.maxY
            indices[pos] = Int32(i)
        }
        var pos = 0, out = n
        for levelEnd in levelEnds.dropLast() {
            while pos < levelEnd {
                let start = pos
                var minX = Double.infinity, minY = Double.infinity
                var maxX = -Double.infinity, maxY = -Double.infinity
                for _ in 0..<nodeSize where pos < levelEnd {
                    minX = min(minX, boxes[pos * 4])
                    minY = min(minY, boxes[pos * 4 + 1])
                    maxX = max(maxX, boxes[pos * 4 + 2])
                    maxY = max(maxY, boxes[pos * 4 + 3])
                    pos += 1
                }
                boxes[out * 4] = minX
                boxes[out * 4 + 1] = minY
                boxes[out * 4 + 2] = maxX
                boxes[out * 4 + 3] = maxY
                indices[out] = Int32(start)
                out += 1
            }
        }
        return (boxes, indices, levelEnds)
    }

    /// Item indices sorted along a Hilbert curve through the boxes' centres (stable, so boxes
    /// already in that order stay put).
    static func hilbertOrder(_ items: [BoundingBox]) -> [Int] {
        var extent = BoundingBox.empty
        for b in items { extent.formUnion(b) }
        let w = max(extent.width, 1e-9), h = max(extent.height, 1e-9)
        let hilbert = items.map { b -> UInt32 in
            let x = UInt32(min(max(((b.minX + b.maxX) / 2 - extent.minX) / w * 65535, 0), 65535))
            let y = UInt32(min(max(((b.minY + b.maxY) / 2 - extent.minY) / h * 65535, 0), 65535))
            return hilbertIndex(x, y)
        }
        return (0..<items.count).sorted { (hilbert[$0], $0) < (hilbert[$1], $1) }
    }

    /// The position of (x, y) along a Hilbert curve over a 2^16 × 2^16 grid.
    static func hilbertIndex(_ px: UInt32, _ py: UInt32) -> UInt32 {
        var x = px, y = py
        var d: UInt32 = 0
        var s: UInt32 = 1 << 15
        while s > 0 {
            let rx: UInt32 = (x & s) > 0 ? 1 : 0
            let ry: UInt32 = (y & s) > 0 ? 1 : 0
            d += s &* s &* ((3 &* rx) ^ ry)
            if ry == 0 {
                if rx == 1 {
                    x = s &- 1 &- x
                    y = s &- 1 &- y
                }
                swap(&x, &y)
            }
            s >>= 1
        }
        return d
    }

    /// One part of a feature's geometry while the index is built.
    struct Part {
        var points: [Point]
        var hole: Bool
        var kind: GeometryKind
    }

    /// Collects features, then builds the levels and the tree.
    struct Builder {
        let attributeCount: Int
        var ids: [Int64] = []
        var kinds: [GeometryKind] = []
        var bounds: [BoundingBox] = []
        var attributes: [SpatialTableSource.Value] = []
        /// The full geometry of every feature, as parts of points with their hole flag.
        var parts: [[Part]] = []

        init(attributeCount: Int) {
            self.attributeCount = attributeCount
        }

        mutating func add(id: Int64, geometry: Geometry, attributes values: [SpatialTableSource.Value]) {
            guard let (kind, featureParts) = Self.parts(of: geometry) else { return }
            let box = geometry.bbox
            guard !box.isEmpty, box.minX.isFinite, box.maxY.isFinite else { return }
            add(id: id, kind: kind, parts: featureParts, bounds: box, attributes: values)
        }

        /// Adds a feature already split into parts (which may be none, for a feature generalized
        /// away entirely: the renderer marks its box).
        mutating func add(id: Int64, kind: GeometryKind, parts featureParts: [Part], bounds box: BoundingBox,
                          attributes values: [SpatialTableSource.Value]) {
            ids.append(id)
            kinds.append(kind)
            bounds.append(box)
            attributes.append(contentsOf: values.prefix(attributeCount))
            if values.count < attributeCount {
                attributes.append(contentsOf: repeatElement(.null, count: attributeCount - values.count))
            }
            parts.append(featureParts)
        }

        /// A geometry's parts of its first member's family (a collection of several families
        /// keeps those), or nil when it has none.
        static func parts(of geometry: Geometry) -> (GeometryKind, [Part])? {
            var featureParts: [Part] = []
            func collect(_ g: Geometry) {
                switch g {
                case .point(let p): featureParts.append(Part(points: [p], hole: false, kind: .point))
                case .multiPoint(let ps):
                    for p in ps { featureParts.append(Part(points: [p], hole: false, kind: .point)) }
                case .lineString(let line): featureParts.append(Part(points: line, hole: false, kind: .line))
                case .multiLineString(let lines):
                    for line in lines { featureParts.append(Part(points: line, hole: false, kind: .line)) }
                case .polygon(let rings):
                    for (i, ring) in rings.enumerated() {
                        featureParts.append(Part(points: ring, hole: i > 0, kind: .polygon))
                    }
                case .multiPolygon(let polygons):
                    for rings in polygons {
                        for (i, ring) in rings.enumerated() {
                            featureParts.append(Part(points: ring, hole: i > 0, kind: .polygon))
                        }
                    }
                case .geometryCollection(let members): for m in members { collect(m) }
                }
            }
            collect(geometry)
            guard let kind = featureParts.first?.kind else { return nil }
            featureParts.removeAll { $0.kind != kind }
            return featureParts.isEmpty ? nil : (kind, featureParts)
        }

        /// The full level, then generalized copies at the tolerances of every other zoom from
        /// 14 down to 0, each kept only when it saves at least a quarter of the vertices of the
        /// last level kept.
        consuming func build(attributeNames: [String]) -> SpatialTableIndex {
            sortAlongHilbertCurve()
            var levels = [Self.level(parts, tolerance: 0)]
            var current = parts
            for zoom in stride(from: 14, through: 0, by: -2) {
                let tolerance = TileMath.resolution(zoom: zoom) / 2
                current = current.map { Self.simplified($0, tolerance: tolerance) }
                let candidate = Self.level(current, tolerance: tolerance)
                if let kept = levels.last, candidate.coordinates.count * 4 <= kept.coordinates.count * 3 {
                    levels.append(candidate)
                }
            }
            return SpatialTableIndex(attributeNames: attributeNames, ids: ids, kinds: kinds, bounds: bounds,
                                     attributes: attributes, levels: levels)
        }

        /// One level only, of the parts as they were added (already generalized to `tolerance`).
        consuming func build(attributeNames: [String], tolerance: Double) -> SpatialTableIndex {
            sortAlongHilbertCurve()
            return SpatialTableIndex(attributeNames: attributeNames, ids: ids, kinds: kinds, bounds: bounds,
                                     attributes: attributes, levels: [Self.level(parts, tolerance: tolerance)])
        }

        /// Puts the features in R-tree leaf order, so a query walks memory forwards.
        private mutating func sortAlongHilbertCurve() {
            let order = SpatialTableIndex.hilbertOrder(bounds)
            ids = order.map { ids[$0] }
            kinds = order.map { kinds[$0] }
            bounds = order.map { bounds[$0] }
            parts = order.map { parts[$0] }
            if attributeCount > 0 {
                let values = attributes
                attributes = order.flatMap { values[($0 * attributeCount)..<(($0 + 1) * attributeCount)] }
            }
        }

        /// A feature's parts generalized: lines by Douglas–Peucker, rings kept closed with at
        /// least three corners; a ring smaller than the tolerance goes, and with an outer ring go
        /// its holes.
        static func simplified(_ parts: [Part],
                                       tolerance: Double) -> [Part] {
            var out: [Part] = []
            var outerKept = true
            for part in parts {
                if part.hole && !outerKept { continue }
                guard part.points.count > 2, part.kind != .point else {
                    out.append(part)
                    continue
                }
                if part.kind == .polygon {
                    let ring = Simplify.ring(part.points, tolerance: tolerance)
                    if !part.hole { outerKept = ring != nil }
                    if let ring { out.append(Part(points: ring, hole: part.hole, kind: part.kind)) }
                } else {
                    out.append(Part(points: Simplify.douglasPeucker(part.points, tolerance: tolerance),
                                    hole: part.hole, kind: part.kind))
                }
            }
            return out
        }

        private static func level(_ parts: [[Part]], tolerance: Double) -> Level {
            var coordinates: [Double] = [], pointStart: [Int] = [], partStart: [Int] = []
            var partEnds: [UInt32] = []
            let total = parts.reduce(0) { $0 + $1.reduce(0) { $0 + $1.points.count } }
            coordinates.reserveCapacity(total * 2)
            pointStart.reserveCapacity(parts.count + 1)
            partStart.reserveCapacity(parts.count + 1)
            for featureParts in parts {
                let first = coordinates.count / 2
                pointStart.append(first)
                partStart.append(partEnds.count)
                for part in featureParts {
                    for p in part.points {
                        coordinates.append(p.x)
                        coordinates.append(p.y)
                    }
                    let end = UInt32(truncatingIfNeeded: coordinates.count / 2 - first)
                    partEnds.append(part.hole ? end | holeFlag : end)
                }
            }
            pointStart.append(coordinates.count / 2)
            partStart.append(partEnds.count)
            return Level(tolerance: tolerance, coordinates: coordinates, pointStart: pointStart,
                         partStart: partStart, partEnds: partEnds)
        }
    }
}
