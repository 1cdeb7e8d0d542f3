import Foundation
import Geometry

/// The files of one shapefile layer, read into memory.
struct ShapefileFiles {
    /// The layer's name: the .shp file's name without extension.
    var name: String
    var shp: [UInt8]
    var shx: [UInt8]?
    var dbf: [UInt8]?
    var prj: String?
    var cpg: String?
}

/// Reads the shapes of a .shp file (ESRI Shapefile Technical Description, 1998).
///
/// Design note: a 100-byte header, then records of a big-endian record number and content
/// length, followed by little-endian content: the shape type, then coordinates. Every
/// count read from the file (content length, part count, point count, part start index)
/// is checked against the bytes that remain before anything is allocated, so a truncated
/// or lying file fails with the record and byte where it goes wrong. Z and M values are
/// skipped: the store keeps 2D geometry.
struct ShapeReader {
    static let fileCode: UInt32 = 9994
    let fileName: String
    let reader: BinaryReader
    private(set) var shapeType = 0
    private(set) var nullShapes = 0
    private(set) var warnings: [String] = []

    init(bytes: [UInt8], fileName: String) {
        self.fileName = fileName
        reader = BinaryReader(bytes)
    }

    static func typeName(_ type: Int) -> String? {
        switch type {
        case 0: return "Null"
        case 1: return "Point"
        case 3: return "PolyLine"
        case 5: return "Polygon"
        case 8: return "MultiPoint"
        case 11: return "PointZ"
        case 13: return "PolyLineZ"
        case 15: return "PolygonZ"
        case 18: return "MultiPointZ"
        case 21: return "PointM"
        case 23: return "PolyLineM"
        case 25: return "PolygonM"
        case 28: return "MultiPointM"
        case 31: return "MultiPatch"
        default: return nil
        }
    }

    /// The 2D family of a shape type: 1 point, 3 polyline, 5 polygon, 8 multipoint.
    static func family(_ type: Int) -> Int { type == 0 ? 0 : type % 10 == 1 ? 1 : type % 10 }

    func fail(_ location: String?, _ problem: String) -> FormatError {
        .invalid(file: fileName, location: location, problem: problem)
    }

    /// Every shape in file order, nil for null shapes; stops after `maxRecords` when given.
    mutating func read(limits: ImportLimits, maxRecords: Int? = nil) throws(FormatError) -> [Geometry?] {
        guard reader.count >= 100, let code = reader.uint32BE(at: 0), let type = reader.int32LE(at: 32) else {
            throw fail(nil, "is too short to be a shapefile (\(reader.count) bytes; the header alone needs 100)")
        }
        guard code == Self.fileCode else { throw fail(nil, "is not a shapefile (its file code is \(code), expected 9994)") }
        shapeType = Int(type)
        guard let name = Self.typeName(shapeType) else { throw fail(nil, "declares unknown shape type \(type)") }
        guard shapeType != 31 else { throw fail(nil, "holds MultiPatch shapes (3D surfaces), which cannot be imported") }
        if let declared = reader.uint32BE(at: 24), Int(declared) * 2 != reader.count {
            warnings.append("\(fileName): the header gives a length of \(Int(declared) * 2) bytes but the file has \(reader.count); the records present were read")
        }
        var shapes = [Geometry?]()
        var offset = 100
        while offset + 8 <= reader.count {
            if let maxRecords, shapes.count >= maxRecords { break }
            let number = shapes.count + 1
            let location = "record \(number)"
            guard shapes.count < limits.maxFeatures else {
                throw .limitExceeded(file: fileName, problem: "has more than \(limits.maxFeatures) shapes, the limit")
            }
            guard let words = reader.int32BE(at: offset + 4), words >= 2 else {
                throw fail(location, "declares a content length below the 4 bytes of a shape type (at byte \(offset))")
            }
            let length = Int(words) * 2
            let start = offset + 8
            guard reader.has(length, at: start) else {
                throw fail(location, "declares \(length) bytes of content at byte \(start), but only \(reader.count - start) remain; the file is truncated")
            }
            shapes.append(try shape(at: start, length: length, location: location, declared: name))
            offset = start + length
        }
        if maxRecords == nil && offset < reader.count {
            warnings.append("\(fileName): \(reader.count - offset) stray bytes after the last record were ignored")
        }
        if nullShapes > 0 {
            warnings.append("\(fileName): \(nullShapes) record(s) have no geometry (null shapes); they are imported without one")
        }
        return shapes
    }

    mutating func shape(at start: Int, length: Int, location: String, declared: String) throws(FormatError) -> Geometry? {
        guard let raw = reader.int32LE(at: start) else { throw fail(location, "has no shape type") }
        let type = Int(raw)
        guard let typeName = Self.typeName(type) else { throw fail(location, "has unknown shape type \(type)") }
        if type == 0 {
            nullShapes += 1
            return nil
        }
        guard Self.family(type) == Self.family(shapeType) else {
            throw fail(location, "is a \(typeName) shape but the file declares \(declared) shapes")
        }
        let end = start + length
        switch Self.family(type) {
        case 1:
            guard start + 20 <= end, let point = try point(at: start + 4, location: location, index: nil) else {
                throw fail(location, "is too short for a point (\(length) bytes; 20 needed)")
            }
            return .point(point)
        case 8:
            guard let count = reader.int32LE(at: start + 36), start + 40 <= end else {
                throw fail(location, "is too short for a multipoint header (\(length) bytes)")
            }
            guard count >= 0, Int(count) <= (end - start - 40) / 16 else {
                throw fail(location, "declares \(count) points but its \(length) bytes hold at most \((end - start - 40) / 16)")
            }
            var points = [Point]()
            points.reserveCapacity(Int(count))
            for index in 0..<Int(count) {
                if let point = try point(at: start + 40 + index * 16, location: location, index: index + 1) {
                    points.append(point)
                }
            }
            if points.isEmpty {
                nullShapes += 1
                return nil
            }
            return .multiPoint(points)
        default:
            return try multipart(at: start, end: end, location: location, polygon: Self.family(type) == 5)
        }
    }

    func point(at offset: Int, location: String, index: Int?) throws(FormatError) -> Point? {
        guard let x = reader.doubleLE(at: offset), let y = reader.doubleLE(at: offset + 8) else { return nil }
        guard x.isFinite, y.isFinite else {
            throw fail(location, "\(index.map { "point \($0)" } ?? "the point") has a coordinate that is not a finite number")
        }
        return Point(x: x, y: y)
    }

    mutating func multipart(at start: Int, end: Int, location: String, polygon: Bool) throws(FormatError) -> Geometry? {
        let length = end - start
        guard start + 44 <= end, let partCount = reader.int32LE(at: start + 36),
              let pointCount = reader.int32LE(at: start + 40) else {
            throw fail(location, "is too short for a \(polygon ? "polygon" : "polyline") header (\(length) bytes; 44 needed)")
        }
        guard partCount >= 0, pointCount >= 0 else {
            throw fail(location, "declares a negative count (\(partCount) parts, \(pointCount) points)")
        }
        let parts = Int(partCount), points = Int(pointCount)
        guard parts <= (length - 44) / 4, points <= (length - 44 - parts * 4) / 16 else {
            throw fail(location, "declares \(parts) parts and \(points) points, more than its \(length) bytes can hold")
        }
        if parts == 0 || points == 0 {
            nullShapes += 1
            return nil
        }
        var starts = [Int]()
        starts.reserveCapacity(parts)
        for index in 0..<parts {
            let value = Int(reader.int32LE(at: start + 44 + index * 4) ?? -1)
            guard value >= 0, value < points else {
                throw fail(location, "part \(index + 1) starts at point \(value), outside the \(points) points of the shape")
            }
            if let previous = starts.last, value < previous {
                throw fail(location, "part \(index + 1) starts at point \(value), before part \(index) (at \(previous))")
            }
            if index == 0 && value != 0 {
                throw fail(location, "part 1 starts at point \(value) instead of 0")
            }
            starts.append(value)
        }
        let pointsStart = start + 44 + parts * 4
        var runs = [[Point]]()
        runs.reserveCapacity(parts)
        for index in 0..<parts {
            let first = starts[index]
            let last = index + 1 < parts ? starts[index + 1] : points
            var run = [Point]()
            run.reserveCapacity(last - first)
            for pointIndex in first..<last {
                if let point = try point(at: pointsStart + pointIndex * 16, location: location, index: pointIndex + 1) {
                    run.append(point)
                }
            }
            runs.append(run)
        }
        if polygon {
            let (geometry, dropped, orphans) = PolygonAssembly.assemble(rings: runs)
            if dropped > 0 { warnings.append("\(fileName): \(location): \(dropped) ring(s) with fewer than 3 distinct points were dropped") }
            if orphans > 0 { warnings.append("\(fileName): \(location): \(orphans) hole(s) lie in no outer ring and were kept as separate polygons") }
            if geometry == nil { nullShapes += 1 }
            return geometry
        }
        let lines = runs.filter { $0.count >= 2 }
        if lines.count < runs.count {
            warnings.append("\(fileName): \(location): \(runs.count - lines.count) part(s) with a single point were dropped")
        }
        switch lines.count {
        case 0:
            nullShapes += 1
            return nil
        case 1:
            return .lineString(lines[0])
        default:
            return .multiLineString(lines)
        }
    }
}

/// Reads a whole shapefile layer: shapes, attributes, CRS and encoding.
enum ShapefileReader {
    static func read(_ files: ShapefileFiles, options: ReadOptions, maxRecords: Int? = nil) throws(FormatError) -> ImportedDataset {
        let shpName = "\(files.name).shp", dbfName = "\(files.name).dbf"
        var shapes = ShapeReader(bytes: files.shp, fileName: shpName)
        let geometries = try shapes.read(limits: options.limits, maxRecords: maxRecords)
        var dataset = ImportedDataset()
        dataset.warnings = shapes.warnings
        if let shx = files.shx, shx.count >= 100 {
            let indexed = (shx.count - 100) / 8
            if maxRecords == nil && indexed != geometries.count {
                dataset.warnings.append("\(files.name).shx: indexes \(indexed) shapes but \(shpName) holds \(geometries.count); the .shp was followed")
            }
        }
        var rows = [[AttributeValue]?]()
        if let dbfBytes = files.dbf {
            var table = try DBFTable(bytes: dbfBytes, fileName: dbfName, limits: options.limits)
            let choice = EncodingChoice.resolve(explicit: options.encoding, declared: files.cpg,
                                                declaredBy: "\(files.name).cpg", sample: table.textSample(),
                                                hint: table.languageDriverHint)
            let expected = min(table.recordCount, maxRecords ?? table.recordCount)
            guard expected == geometries.count else {
                throw .invalid(file: shpName, location: nil,
                               problem: "holds \(geometries.count) shapes but \(dbfName) holds \(table.recordCount) records; the files do not belong together or one is damaged")
            }
            rows = table.records(encoding: choice.encoding, maxRecords: maxRecords)
            dataset.fields = table.fieldInfos(encoding: choice.encoding)
            dataset.encoding = choice.encoding
            dataset.encodingCandidates = choice.candidates
            if let note = choice.note { dataset.warnings.append(note) }
            dataset.warnings += table.warnings
        } else {
            dataset.warnings.append("\(shpName): has no \(dbfName) beside it; the shapes are imported without attributes")
        }
        for (index, geometry) in geometries.enumerated() {
            var properties = [(String, AttributeValue)]()
            if !rows.isEmpty {
                guard index < rows.count, let values = rows[index] else { continue }
                properties = zip(dataset.fields, values).map { ($0.name, $1) }
            }
            dataset.features.append(ImportedFeature(geometry: geometry, properties: properties, recordNumber: index + 1))
        }
        let deleted = rows.filter { $0 == nil }.count
        if deleted > 0 { dataset.warnings.append("\(dbfName): \(deleted) deleted record(s) were skipped") }
        if let prj = files.prj {
            let projection = ProjectionFile.identify(wkt: prj)
            dataset.sourceSRID = projection.srid
            dataset.sourceCRSDescription = projection.wkt
            if projection.srid == nil && options.srid == nil {
                dataset.warnings.append("\(files.name).prj: the coordinate system \(projection.name.map { "\"\($0)\"" } ?? "") was not recognised; choose it on the form")
            }
        } else if options.srid == nil {
            dataset.warnings.append("\(shpName): has no .prj file, so its coordinate system is unknown; choose it on the form")
        }
        if let srid = options.srid { dataset.sourceSRID = srid }
        return dataset
    }
}
