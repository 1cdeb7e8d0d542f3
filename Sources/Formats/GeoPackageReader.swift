import Foundation
import GRDB
import GRDBSQLite
import Geometry

/// Reads one feature table of a GeoPackage (OGC 12-128r18), an SQLite database, opened
/// read-only.
///
/// Design note: `gpkg_contents` lists the feature tables and `gpkg_geometry_columns` names
/// each one's geometry column and SRS. Geometry values are "GeoPackage binary": a header
/// ("GP", version, flags, SRS id, an optional envelope whose size the flags give) followed
/// by standard WKB, which the Geometry target decodes. Other columns become attributes typed
/// by their declared SQL type; the integer primary key (the feature id) and BLOB columns
/// are left out.
///
/// The file comes from outside, so it is opened read-only with `trusted_schema = OFF`, only
/// real tables named in `gpkg_contents` are read (never views: a view is a query of the
/// uploader's choosing), and every query runs under a time budget
/// (`ImportLimits.maxQuerySeconds`, enforced by `sqlite3_progress_handler`).
enum GeoPackageReader {
    /// GeoPackage binary envelope sizes by the flags' envelope indicator.
    static let envelopeSizes = [0, 32, 48, 48, 64]

    static func read(path: String, fileName: String, options: ReadOptions, maxRecords: Int? = nil) throws(FormatError) -> ImportedDataset {
        try reading(path: path, fileName: fileName, seconds: options.limits.maxQuerySeconds) { db in
            try readTable(db, fileName: fileName, options: options, maxRecords: maxRecords)
        }
    }

    /// The names of the GeoPackage's feature tables, sorted: the layers `ReadOptions.layerName` chooses among.
    static func tables(path: String, fileName: String, seconds: Double) throws(FormatError) -> [String] {
        try reading(path: path, fileName: fileName, seconds: seconds) { db in try featureTables(db, fileName: fileName) }
    }

    /// `body` run on the GeoPackage opened read-only, its SQLite errors worded as `FormatError`s.
    static func reading<T>(path: String, fileName: String, seconds: Double, _ body: (Database) throws -> T) throws(FormatError) -> T {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "GeoPackage import"
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA trusted_schema = OFF") }
        let budget = QueryBudget(seconds: seconds)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            return try queue.read { db in
                budget.install(on: db)
                defer { budget.remove(from: db) }
                return try body(db)
            }
        } catch let error as FormatError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
            throw .limitExceeded(file: fileName, problem: "took longer than \(String(format: "%g", seconds)) s to read (a GeoPackage whose queries run this long is refused)")
        } catch let error as DatabaseError {
            throw .invalid(file: fileName, location: nil, problem: "is not a readable GeoPackage (\(error.message ?? "SQLite error \(error.resultCode)"))")
        } catch {
            throw .invalid(file: fileName, location: nil, problem: "is not a readable GeoPackage")
        }
    }

    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The feature tables `gpkg_contents` lists, sorted; a database without it is no GeoPackage.
    static func featureTables(_ db: Database, fileName: String) throws -> [String] {
        guard try realTable("gpkg_contents", db) else {
            throw FormatError.unsupported(file: fileName, reason: "is an SQLite database but not a GeoPackage (it has no gpkg_contents table)")
        }
        return try String.fetchAll(db, sql: "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name")
    }

    /// Whether `name` is a table the file stores (not a view, not missing).
    static func realTable(_ name: String, _ db: Database) throws -> Bool {
        try String.fetchOne(db, sql: "SELECT type FROM sqlite_schema WHERE name = ? COLLATE NOCASE", arguments: [name]) == "table"
    }

    static func readTable(_ db: Database, fileName: String, options: ReadOptions, maxRecords: Int?) throws -> ImportedDataset {
        let tables = try featureTables(db, fileName: fileName)
        let table: String
        if let wanted = options.layerName {
            guard let match = tables.first(where: { $0 == wanted }) ?? tables.first(where: { $0.lowercased() == wanted.lowercased() }) else {
                throw FormatError.layerChoice(file: fileName, requested: wanted, available: tables)
            }
            table = match
        } else {
            guard let only = tables.first else {
                throw FormatError.unsupported(file: fileName, reason: "holds no feature tables")
            }
            guard tables.count == 1 else { throw FormatError.layerChoice(file: fileName, requested: nil, available: tables) }
            table = only
        }
        guard try realTable(table, db) else {
            throw FormatError.unsupported(file: fileName, reason: "lists \(table) as a feature table, but it is a view or missing: only tables the GeoPackage stores are read")
        }
        guard try realTable("gpkg_geometry_columns", db),
              let geometryRow = try Row.fetchOne(db, sql: "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?",
                                                 arguments: [table]),
              let geometryColumn = geometryRow["column_name"] as String? else {
            throw FormatError.invalid(file: fileName, location: "table \(table)", problem: "has no entry in gpkg_geometry_columns")
        }
        var dataset = ImportedDataset()
        let srsID = geometryRow["srs_id"] as Int? ?? 0
        try resolveSRS(db, srsID: srsID, fileName: fileName, dataset: &dataset)
        if let srid = options.srid { dataset.sourceSRID = srid }

        var columns = [(name: String, type: FieldType)]()
        var skipped = [String]()
        for info in try Row.fetchAll(db, sql: "PRAGMA table_info(\(quoted(table)))") {
            guard let name = info["name"] as String? else { continue }
            let declared = (info["type"] as String? ?? "").uppercased()
            let primaryKey = (info["pk"] as Int? ?? 0) > 0
            if name == geometryColumn || (primaryKey && declared.contains("INT")) { continue }
            guard let type = fieldType(declared: declared) else {
                skipped.append(name)
                continue
            }
            columns.append((name, type))
        }
        guard columns.count <= options.limits.maxFieldCount else {
            throw FormatError.limitExceeded(file: fileName, problem: "table \(table) has \(columns.count) columns; the limit is \(options.limits.maxFieldCount)")
        }
        if !skipped.isEmpty {
            dataset.warnings.append("\(fileName): column(s) \(skipped.joined(separator: ", ")) hold binary data and were not imported")
        }
        dataset.fields = columns.map { FieldInfo(name: $0.name.precomposedStringWithCanonicalMapping, type: $0.type) }
        let selected = (columns.map { quoted($0.name) } + [quoted(geometryColumn)]).joined(separator: ", ")
        let cursor = try Row.fetchCursor(db, sql: "SELECT \(selected) FROM \(quoted(table))")
        var emptyGeometries = 0
        while let row = try cursor.next() {
            let number = dataset.features.count + 1
            if let maxRecords, number > maxRecords { break }
            guard number <= options.limits.maxFeatures else {
                throw FormatError.limitExceeded(file: fileName, problem: "table \(table) has more than \(options.limits.maxFeatures) rows, the limit")
            }
            var properties = [(String, AttributeValue)]()
            properties.reserveCapacity(columns.count)
            for (index, column) in columns.enumerated() {
                let value: DatabaseValue = row[index]
                properties.append((dataset.fields[index].name, attribute(value.storage, as: column.type)))
            }
            var geometry: Geometry?
            if case .blob(let data) = (row[columns.count] as DatabaseValue).storage {
                do {
                    geometry = try decodeGeometry([UInt8](data))
                } catch {
                    throw FormatError.invalid(file: fileName, location: "table \(table), row \(number)", problem: "geometry: \(error.message)")
                }
            }
            if geometry == nil { emptyGeometries += 1 }
            dataset.features.append(ImportedFeature(geometry: geometry, properties: properties, recordNumber: number))
        }
        if emptyGeometries > 0 {
            dataset.warnings.append("\(fileName): \(emptyGeometries) row(s) of table \(table) have no geometry")
        }
        return dataset
    }

    static func resolveSRS(_ db: Database, srsID: Int, fileName: String, dataset: inout ImportedDataset) throws {
        guard let srs = try Row.fetchOne(db, sql: "SELECT srs_name, organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?",
                                         arguments: [srsID]) else {
            dataset.warnings.append("\(fileName): the spatial reference system \(srsID) is not described in the file; choose it on the form")
            return
        }
        let organization = (srs["organization"] as String? ?? "").uppercased()
        let code = srs["organization_coordsys_id"] as Int? ?? 0
        let definition = srs["definition"] as String? ?? ""
        dataset.sourceCRSDescription = definition.isEmpty || definition == "undefined" ? srs["srs_name"] as String? : definition
        if organization == "EPSG" && code > 0 {
            dataset.sourceSRID = code
        } else if !definition.isEmpty && definition != "undefined" {
            dataset.sourceSRID = ProjectionFile.identify(wkt: definition).srid
        }
        if dataset.sourceSRID == nil {
            dataset.warnings.append("\(fileName): the coordinate system \(srs["srs_name"] as String? ?? String(srsID)) was not recognised; choose it on the form")
        }
    }

    static func fieldType(declared: String) -> FieldType? {
        if declared.contains("BLOB") { return nil }
        if declared.contains("INT") { return .integer }
        if declared == "BOOLEAN" { return .boolean }
        if declared == "DATE" { return .date }
        if declared.contains("REAL") || declared.contains("FLOA") || declared.contains("DOUB") || declared.contains("NUMERIC") {
            return .real
        }
        return .text
    }

    static func attribute(_ storage: DatabaseValue.Storage, as type: FieldType) -> AttributeValue {
        switch storage {
        case .null, .blob:
            return .null
        case .int64(let value):
            switch type {
            case .boolean: return .boolean(value != 0)
            case .real: return .real(Double(value))
            case .text, .date: return .text(String(value))
            case .integer: return .integer(value)
            }
        case .double(let value):
            if type == .integer, value == value.rounded(), abs(value) < 9e18 { return .integer(Int64(value)) }
            return type == .text ? .text(String(value)) : .real(value)
        case .string(let text):
            let normalised = text.precomposedStringWithCanonicalMapping
            switch type {
            case .date:
                return TextValues.isoDate(Substring(normalised.prefix(10))).map(AttributeValue.date) ?? .text(normalised)
            case .boolean:
                return TextValues.boolean(Substring(normalised)).map(AttributeValue.boolean) ?? .text(normalised)
            case .integer:
                return TextValues.integer(Substring(normalised)).map(AttributeValue.integer) ?? .text(normalised)
            case .real:
                return TextValues.real(Substring(normalised), commaDecimal: false).map(AttributeValue.real) ?? .text(normalised)
            case .text:
                return .text(normalised)
            }
        }
    }

    /// The geometry of a GeoPackage binary value; nil when it is flagged empty.
    static func decodeGeometry(_ bytes: [UInt8]) throws(GeoPackageFailure) -> Geometry? {
        guard bytes.count >= 8 else { throw GeoPackageFailure(message: "is \(bytes.count) bytes long, shorter than the 8-byte header") }
        guard bytes[0] == 0x47, bytes[1] == 0x50 else {
            throw GeoPackageFailure(message: "does not start with the \"GP\" magic of GeoPackage geometry")
        }
        let flags = bytes[3]
        guard flags & 0x20 == 0 else { throw GeoPackageFailure(message: "uses an extended geometry type, which cannot be imported") }
        if flags & 0x10 != 0 { return nil }
        let indicator = Int((flags >> 1) & 0x07)
        guard indicator < envelopeSizes.count else {
            throw GeoPackageFailure(message: "has an invalid envelope indicator \(indicator)")
        }
        let start = 8 + envelopeSizes[indicator]
        guard bytes.count > start else { throw GeoPackageFailure(message: "ends before its WKB geometry") }
        let geometry: Geometry
        do {
            geometry = try WKB.decode(Data(bytes[start...]))
        } catch let error as GeometryError {
            throw GeoPackageFailure(message: error.description)
        } catch {
            throw GeoPackageFailure(message: "the WKB cannot be read")
        }
        if case .point(let point) = geometry, !point.isFinite { return nil }
        return geometry
    }
}

/// Why a GeoPackage geometry value could not be decoded.
struct GeoPackageFailure: Error {
    var message: String
}

/// A deadline for the queries on one untrusted SQLite file: SQLite calls back every few
/// thousand virtual-machine steps and the statement is interrupted once the time is up.
final class QueryBudget: @unchecked Sendable {
    // Written once at init; read by the C callback on the connection's thread.
    let deadline: Double

    init(seconds: Double) {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        deadline = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 + seconds
    }

    func install(on db: Database) {
        sqlite3_progress_handler(db.sqliteConnection, 4_000, { context in
            guard let context else { return 0 }
            let budget = Unmanaged<QueryBudget>.fromOpaque(context).takeUnretainedValue()
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 > budget.deadline ? 1 : 0
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    func remove(from db: Database) {
        sqlite3_progress_handler(db.sqliteConnection, 0, nil, nil)
    }
}
