import Foundation
import Geometry

/// Writes features as ESRI shapefiles in a folder: one set of `.shp`, `.shx`, `.dbf`, `.prj`
/// (WGS 84) and `.cpg` (UTF-8) per geometry family the layer holds — named after the layer
/// alone when it holds one family, with `_points`, `_lines` and `_polygons` when several — and
/// `<name>_fields.csv`, which maps each 10-character DBF column back to its full field name and
/// counts the values cut to fit. Polygon rings are turned as the format requires (outer rings
/// clockwise, holes counter-clockwise). What the format cannot hold is counted, never dropped
/// silently: `README.txt` says how many values were cut and how many features (collections of
/// mixed families) were left out.
public final class ShapefileWriter {
    enum Family: String, CaseIterable {
        case points, lines, polygons
    }

    final class FileSet {
        let shapeType: Int32
        let shp: FileOutput
        let shx: FileOutput
        let dbf: DBFWriter
        var count: Int32 = 0
        var box = BoundingBox.empty

        init(shapeType: Int32, shp: FileOutput, shx: FileOutput, dbf: DBFWriter) {
            self.shapeType = shapeType
            self.shp = shp
            self.shx = shx
            self.dbf = dbf
        }
    }

    /// ESRI's WKT of WGS 84, as ArcGIS, GDAL and QGIS write it.
    static let wgs84 = "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]"

    let directory: URL
    let schema: ExportSchema
    let dbfNames: [String]
    let families: [Family]
    private var sets: [Family: FileSet] = [:]
    /// Features left out because no shapefile type holds them.
    public private(set) var skipped = 0
    /// Features written.
    public private(set) var count = 0

    /// Prepares to write into `directory` (which must exist).
    public init(directory: URL, schema: ExportSchema) {
        self.directory = directory
        self.schema = schema
        dbfNames = DBFNames.names(for: schema.fields.map(\.name))
        var present = Set<Family>()
        for type in schema.geometryTypes {
            switch type {
            case "Point", "MultiPoint": present.insert(.points)
            case "LineString", "MultiLineString": present.insert(.lines)
            case "Polygon", "MultiPolygon": present.insert(.polygons)
            default: present.formUnion(Family.allCases)
            }
        }
        families = Family.allCases.filter(present.contains)
    }

    /// The base file name of `family`'s set.
    func baseName(_ family: Family) -> String {
        families.count > 1 ? "\(schema.name)_\(family.rawValue)" : schema.name
    }

    public func append(_ feature: ImportedFeature) throws(FormatError) {
        guard let geometry = feature.geometry, let (family, parts) = Self.parts(of: geometry) else {
            skipped += 1
            return
        }
        let set = try fileSet(family)
        let content = Self.content(parts, family: family, shapeType: set.shapeType)
        set.count += 1
        var header = [UInt8]()
        Self.putBE(set.count, &header)
        Self.putBE(Int32(content.count / 2), &header)
        var index = [UInt8]()
        Self.putBE(Int32(set.shp.offset / 2), &index)
        Self.putBE(Int32(content.count / 2), &index)
        try set.shx.write(index)
        try set.shp.write(header + content)
        for ring in parts.flatMap({ $0 }) { for point in ring { set.box.formUnion(point) } }
        try set.dbf.append(ExportText.values(feature, schema.fields))
        count += 1
    }

    /// Closes every file, writes the field map and README; answers the files written, in order.
    public func finish() throws(FormatError) -> [URL] {
        var files: [URL] = []
        var truncated = Array(repeating: 0, count: schema.fields.count)
        for family in families {
            // A family announced by the schema but never met still gets its (empty) files, so a
            // reader finds what the README names.
            let set = try fileSet(family)
            let length = Int32(set.shp.offset / 2)
            try set.shp.overwriteStart(Self.fileHeader(shapeType: set.shapeType, lengthWords: length, box: set.box))
            try set.shp.close()
            try set.shx.overwriteStart(Self.fileHeader(shapeType: set.shapeType, lengthWords: Int32(set.shx.offset / 2), box: set.box))
            try set.shx.close()
            try set.dbf.finish()
            for (index, cut) in set.dbf.truncated.enumerated() { truncated[index] += cut }
            let base = baseName(family)
            try Self.writeText(Self.wgs84, to: directory.appendingPathComponent(base + ".prj"))
            try Self.writeText("UTF-8", to: directory.appendingPathComponent(base + ".cpg"))
            files += ["shp", "shx", "dbf", "prj", "cpg"].map { directory.appendingPathComponent("\(base).\($0)") }
        }
        var map = "dbf_name,field_name,type,truncated_values\r\n"
        for (index, field) in schema.fields.enumerated() {
            map += [dbfNames[index], field.name, field.type.rawValue, String(truncated[index])].map(CSVWriter.quoted)
                .joined(separator: ",") + "\r\n"
        }
        let mapURL = directory.appendingPathComponent("\(schema.name)_fields.csv")
        try Self.writeText("\u{FEFF}" + map, to: mapURL)
        files.append(mapURL)
        let readmeURL = directory.appendingPathComponent("README.txt")
        try Self.writeText(readme(truncated: truncated.reduce(0, +)), to: readmeURL)
        files.append(readmeURL)
        return files
    }

    private func readme(truncated: Int) -> String {
        var text = """
            \(schema.title)

            Vietnamese / Tiếng Việt
            - Hệ tọa độ: WGS 84 (EPSG:4326), kinh độ/vĩ độ.
            - Bảng mã thuộc tính: UTF-8 (tệp .cpg).
            - Tên trường DBF bị giới hạn 10 ký tự; tệp \(schema.name)_fields.csv cho biết tên đầy đủ của từng trường.
            - Số đối tượng: \(count).

            """
        if truncated > 0 {
            text += "- \(truncated) giá trị dài hơn 254 byte đã bị cắt cho vừa DBF; bản GeoJSON hoặc GeoPackage giữ nguyên giá trị.\n"
        }
        if skipped > 0 {
            text += "- \(skipped) đối tượng là tập hợp hình học nhiều loại, Shapefile không chứa được; bản GeoJSON hoặc GeoPackage có đủ.\n"
        }
        text += """

            English
            - Coordinates: WGS 84 (EPSG:4326), longitude/latitude.
            - Attribute encoding: UTF-8 (the .cpg file).
            - DBF field names are limited to 10 characters; \(schema.name)_fields.csv gives each field's full name.
            - Features: \(count).

            """
        if truncated > 0 {
            text += "- \(truncated) values longer than 254 bytes were cut to fit the DBF; the GeoJSON and GeoPackage downloads keep them whole.\n"
        }
        if skipped > 0 {
            text += "- \(skipped) features are collections of mixed geometry types, which a shapefile cannot hold; the GeoJSON and GeoPackage downloads have them.\n"
        }
        return text.replacingOccurrences(of: "\n", with: "\r\n")
    }

    private func fileSet(_ family: Family) throws(FormatError) -> FileSet {
        if let set = sets[family] { return set }
        let base = directory.appendingPathComponent(baseName(family))
        let shapeType: Int32
        switch family {
        case .points: shapeType = schema.geometryTypes.contains("MultiPoint") || schema.geometryTypes.contains("GeometryCollection") ? 8 : 1
        case .lines: shapeType = 3
        case .polygons: shapeType = 5
        }
        let set = FileSet(shapeType: shapeType,
                          shp: try FileOutput(creating: base.appendingPathExtension("shp")),
                          shx: try FileOutput(creating: base.appendingPathExtension("shx")),
                          dbf: try DBFWriter(url: base.appendingPathExtension("dbf"), fields: schema.fields, names: dbfNames))
        try set.shp.write([UInt8](repeating: 0, count: 100))
        try set.shx.write([UInt8](repeating: 0, count: 100))
        sets[family] = set
        return set
    }

    /// The family of `geometry` and its parts (points: one single-point part each; lines: the
    /// lines; polygons: each polygon's rings), or nil when the families are mixed or it is empty.
    static func parts(of geometry: Geometry) -> (Family, [[[Point]]])? {
        switch geometry {
        case .point(let point): return (.points, [[[point]]])
        case .multiPoint(let points): return points.isEmpty ? nil : (.points, points.map { [[$0]] })
        case .lineString(let line): return line.count < 2 ? nil : (.lines, [[line]])
        case .multiLineString(let lines): return lines.isEmpty ? nil : (.lines, [lines])
        case .polygon(let rings): return rings.isEmpty ? nil : (.polygons, [rings])
        case .multiPolygon(let polygons): return polygons.isEmpty ? nil : (.polygons, polygons)
        case .geometryCollection(let members):
            var family: Family?
            var all: [[[Point]]] = []
            for member in members {
                guard let (memberFamily, parts) = Self.parts(of: member) else { return nil }
                if let family, family != memberFamily { return nil }
                family = memberFamily
                all += parts
            }
            guard let family else { return nil }
            return (family, all)
        }
    }

    /// A record's content (without its 8-byte header), little-endian.
    static func content(_ parts: [[[Point]]], family: Family, shapeType: Int32) -> [UInt8] {
        var out: [UInt8] = []
        putLE(shapeType, &out)
        switch family {
        case .points:
            let points = parts.flatMap { $0.flatMap { $0 } }
            if shapeType == 1 {
                putLE(points[0].x, &out); putLE(points[0].y, &out)
                return out
            }
            putBox(points, &out)
            putLE(Int32(points.count), &out)
            for point in points { putLE(point.x, &out); putLE(point.y, &out) }
        case .lines, .polygons:
            var rings: [[Point]] = []
            for part in parts {
                if family == .lines {
                    rings += part
                    continue
                }
                for (index, ring) in part.enumerated() {
                    var closed = ring
                    if let first = closed.first, closed.last != first { closed.append(first) }
                    let clockwise = Measure.signedArea(ofRing: closed) < 0
                    // Outer rings clockwise, holes counter-clockwise.
                    if clockwise != (index == 0) { closed.reverse() }
                    rings.append(closed)
                }
            }
            let points = rings.flatMap { $0 }
            putBox(points, &out)
            putLE(Int32(rings.count), &out)
            putLE(Int32(points.count), &out)
            var start: Int32 = 0
            for ring in rings {
                putLE(start, &out)
                start += Int32(ring.count)
            }
            for point in points { putLE(point.x, &out); putLE(point.y, &out) }
        }
        return out
    }

    /// The 100-byte header of a `.shp` or `.shx`.
    static func fileHeader(shapeType: Int32, lengthWords: Int32, box: BoundingBox) -> [UInt8] {
        var out: [UInt8] = []
        putBE(9994, &out)
        for _ in 0..<5 { putBE(0, &out) }
        putBE(lengthWords, &out)
        putLE(Int32(1000), &out)
        putLE(shapeType, &out)
        let empty = box.isEmpty
        for value in [box.minX, box.minY, box.maxX, box.maxY] { putLE(empty ? 0 : value, &out) }
        for _ in 0..<4 { putLE(Double(0), &out) }
        return out
    }

    static func putBox(_ points: [Point], _ out: inout [UInt8]) {
        var box = BoundingBox.empty
        for point in points { box.formUnion(point) }
        for value in [box.minX, box.minY, box.maxX, box.maxY] { putLE(value, &out) }
    }

    static func putBE(_ value: Int32, _ out: inout [UInt8]) {
        let bits = UInt32(bitPattern: value)
        out += [UInt8(bits >> 24), UInt8((bits >> 16) & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8(bits & 0xFF)]
    }

    static func putLE(_ value: Int32, _ out: inout [UInt8]) {
        let bits = UInt32(bitPattern: value)
        out += [UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF), UInt8(bits >> 24)]
    }

    static func putLE(_ value: Double, _ out: inout [UInt8]) {
        let bits = value.bitPattern
        for index in 0..<8 { out.append(UInt8((bits >> (8 * UInt64(index))) & 0xFF)) }
    }

    static func writeText(_ text: String, to url: URL) throws(FormatError) {
        do {
            try Data(text.utf8).write(to: url)
        } catch {
            throw .cannotWrite(file: url.lastPathComponent, reason: error.localizedDescription)
        }
    }
}
