import Foundation
import Geometry
import GRDB

/// Writes features as an OGC GeoPackage 1.3 (a SQLite file): the core tables, WGS 84 among the
/// reference systems, one feature table named after the layer with typed columns in the
/// layer's order (full Vietnamese names, no truncation), geometries as GeoPackage binary
/// (a header with the envelope, then WKB), and an R-tree spatial index (the
/// `gpkg_rtree_index` extension, with the triggers the standard asks for) so QGIS draws large
/// layers fast. Rows go in one transaction through one prepared statement.
public final class GeoPackageWriter {
    let queue: DatabaseQueue
    let schema: ExportSchema
    let table: String
    private var box = BoundingBox.empty
    /// Features written.
    public private(set) var count = 0
    private var pending: [(Int64, BoundingBox)] = []
    private var insert: Statement?
    private var index: Statement?

    /// Creates the file at `url` (which must not exist) and its tables.
    public init(url: URL, schema: ExportSchema) throws(FormatError) {
        self.schema = schema
        table = Self.tableName(schema.name)
        do {
            var configuration = Configuration()
            configuration.journalMode = .default
            // The one transaction spans the appends (each a separate access to the queue).
            configuration.allowsUnsafeTransactions = true
            queue = try DatabaseQueue(path: url.path, configuration: configuration)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA application_id = 1196444487; PRAGMA user_version = 10300; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF")
                try db.execute(sql: Self.coreTables)
                try db.execute(sql: Self.referenceSystems)
                try db.execute(sql: createTable())
                try db.execute(sql: "CREATE VIRTUAL TABLE \(Self.quote("rtree_\(table)_geom")) USING rtree(id, minx, maxx, miny, maxy)")
                try db.execute(sql: "BEGIN")
            }
        } catch {
            throw .cannotWrite(file: url.lastPathComponent, reason: "\(error)")
        }
    }

    /// The geometry type the table declares: the one type present, or GEOMETRY.
    var geometryTypeName: String {
        guard schema.geometryTypes.count == 1, let only = schema.geometryTypes.first else { return "GEOMETRY" }
        return only.uppercased()
    }

    private func createTable() -> String {
        var columns = ["fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL", "geom \(geometryTypeName)"]
        for field in schema.fields {
            let type: String
            switch field.type {
            case .integer: type = "INTEGER"
            case .real: type = "REAL"
            case .boolean: type = "BOOLEAN"
            case .date: type = "DATE"
            case .text: type = "TEXT"
            }
            columns.append("\(Self.quote(field.name)) \(type)")
        }
        return "CREATE TABLE \(Self.quote(table)) (\(columns.joined(separator: ", ")))"
    }

    public func append(_ feature: ImportedFeature) throws(FormatError) {
        guard let geometry = feature.geometry else { return }
        do {
            try queue.writeWithoutTransaction { db in
                if insert == nil || index == nil {
                    let names = (["geom"] + schema.fields.map(\.name)).map(Self.quote).joined(separator: ", ")
                    let marks = Array(repeating: "?", count: schema.fields.count + 1).joined(separator: ", ")
                    insert = try db.makeStatement(sql: "INSERT INTO \(Self.quote(table)) (\(names)) VALUES (\(marks))")
                    index = try db.makeStatement(sql: "INSERT INTO \(Self.quote("rtree_\(table)_geom")) VALUES (?, ?, ?, ?, ?)")
                }
                let bounds = geometry.bbox
                var arguments: [DatabaseValueConvertible?] = [Self.binary(geometry, bounds: bounds)]
                for value in ExportText.values(feature, schema.fields) {
                    switch value {
                    case .null: arguments.append(nil)
                    case .text(let text), .date(let text): arguments.append(text)
                    case .integer(let number): arguments.append(number)
                    case .real(let number): arguments.append(number.isFinite ? number : nil)
                    case .boolean(let flag): arguments.append(flag ? 1 : 0)
                    }
                }
                guard let insert, let index else { return }
                try insert.execute(arguments: StatementArguments(arguments))
                if !bounds.isEmpty {
                    try index.execute(arguments: [db.lastInsertedRowID, bounds.minX, bounds.maxX, bounds.minY, bounds.maxY])
                    box.formUnion(bounds)
                }
            }
        } catch {
            throw .cannotWrite(file: table + ".gpkg", reason: "\(error)")
        }
        count += 1
    }

    /// Registers the table with its extent, adds the index's triggers and commits.
    public func finish() throws(FormatError) {
        do {
            try queue.writeWithoutTransaction { db in
                insert = nil
                index = nil
                let empty = box.isEmpty
                try db.execute(sql: """
                    INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id)
                    VALUES (?, 'features', ?, '', ?, ?, ?, ?, 4326)
                    """, arguments: [table, schema.title, empty ? nil : box.minX, empty ? nil : box.minY,
                                     empty ? nil : box.maxX, empty ? nil : box.maxY])
                try db.execute(sql: "INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, 4326, 0, 0)",
                               arguments: [table, geometryTypeName])
                try db.execute(sql: """
                    INSERT INTO gpkg_extensions VALUES (?, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')
                    """, arguments: [table])
                try db.execute(sql: rtreeTriggers())
                try db.execute(sql: "COMMIT")
            }
            try queue.close()
        } catch {
            throw .cannotWrite(file: table + ".gpkg", reason: "\(error)")
        }
    }

    /// GeoPackage binary: "GP", version 0, flags (little-endian; an xy envelope unless a point),
    /// the SRS id, the envelope, then little-endian WKB.
    static func binary(_ geometry: Geometry, bounds: BoundingBox) -> Data {
        var header: [UInt8] = [0x47, 0x50, 0x00]
        let isPoint: Bool
        if case .point = geometry { isPoint = true } else { isPoint = false }
        let empty = bounds.isEmpty
        var flags: UInt8 = 0x01
        if empty { flags |= 0x10 } else if !isPoint { flags |= 0x02 }
        header.append(flags)
        ShapefileWriter.putLE(Int32(4326), &header)
        if !empty && !isPoint {
            for value in [bounds.minX, bounds.maxX, bounds.minY, bounds.maxY] { ShapefileWriter.putLE(value, &header) }
        }
        return Data(header) + WKB.encode(geometry)
    }

    /// A table name from a slug: letters, digits and `_`.
    static func tableName(_ slug: String) -> String {
        let name = String(slug.unicodeScalars.map { KMLWriter.isIDScalar($0) && $0 != "-" ? Character($0) : "_" })
        return name.isEmpty ? "layer" : name
    }

    static func quote(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private func rtreeTriggers() -> String {
        let t = Self.quote(table)
        let r = Self.quote("rtree_\(table)_geom")
        let name = { (suffix: String) in Self.quote("rtree_\(self.table)_geom_\(suffix)") }
        let values = "(NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom))"
        return """
            CREATE TRIGGER \(name("insert")) AFTER INSERT ON \(t) WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
            BEGIN INSERT OR REPLACE INTO \(r) VALUES \(values); END;
            CREATE TRIGGER \(name("update1")) AFTER UPDATE OF geom ON \(t)
            WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
            BEGIN INSERT OR REPLACE INTO \(r) VALUES \(values); END;
            CREATE TRIGGER \(name("update2")) AFTER UPDATE OF geom ON \(t)
            WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
            BEGIN DELETE FROM \(r) WHERE id = OLD.fid; END;
            CREATE TRIGGER \(name("update3")) AFTER UPDATE ON \(t)
            WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
            BEGIN DELETE FROM \(r) WHERE id = OLD.fid; INSERT OR REPLACE INTO \(r) VALUES \(values); END;
            CREATE TRIGGER \(name("update4")) AFTER UPDATE ON \(t)
            WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
            BEGIN DELETE FROM \(r) WHERE id IN (OLD.fid, NEW.fid); END;
            CREATE TRIGGER \(name("delete")) AFTER DELETE ON \(t) WHEN old.geom NOT NULL
            BEGIN DELETE FROM \(r) WHERE id = OLD.fid; END;
            """
    }

    static let coreTables = """
        CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
          organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
        CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
          description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
          min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
          CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
        CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
          srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
          CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name),
          CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
          CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
        CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
          scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
        """

    static let referenceSystems = """
        INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
        INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
        INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326,
          'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
          'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
        """
}
