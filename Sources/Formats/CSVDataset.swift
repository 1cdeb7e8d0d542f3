import Foundation
import Geometry

/// Reads a CSV or delimited text file of points: a header row, a longitude (or easting)
/// column and a latitude (or northing) column, and attribute columns whose types are
/// inferred from their values.
///
/// Coordinate columns are found by name, ignoring case and diacritics ("Kinh độ", "lon",
/// "x"…) unless the form names them. Decimal commas ("106,25") are read when the delimiter
/// is not a comma. With a geographic CRS, values outside ±180/±90 are errors; with no CRS
/// given, columns named x/y or easting/northing whose values exceed degrees — or columns
/// not named as degrees whose values all do — are taken as projected coordinates and the CRS
/// is left for the person to choose. The dataset reports
/// every column and the two read as coordinates (`coordinateColumns`); a preview
/// (`lenient`) reads the records without geometry when the coordinate columns cannot be
/// found or used, so the person can pick them, where an import stops with the error.
enum CSVDataset {
    static let longitudeNames = ["lon", "lng", "long", "longitude", "kinhdo", "kinhdox", "x", "easting",
                                 "xcoord", "coordx", "toadox", "pointx", "east"]
    static let latitudeNames = ["lat", "latitude", "vido", "vidoy", "y", "northing",
                                "ycoord", "coordy", "toadoy", "pointy", "north"]
    /// Names that suggest projected coordinates rather than degrees.
    static let projectedNames: Set<String> = ["x", "easting", "xcoord", "coordx", "toadox", "pointx", "east"]
    static let geographicSRIDs: Set<Int> = [4326, 4756, 4269, 4267, 4258, 4019, 4979]
    /// Rows with problems listed in one error before giving up on the count.
    static let reportedProblems = 1000

    static func read(bytes input: [UInt8], fileName: String, options: ReadOptions,
                     maxRecords: Int? = nil, lenient: Bool = false) throws(FormatError) -> ImportedDataset {
        var bytes = input
        var forcedEncoding: TextEncoding?
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            bytes.removeFirst(3)
            forcedEncoding = .utf8
        } else if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let encoding: String.Encoding = bytes[0] == 0xFF ? .utf16LittleEndian : .utf16BigEndian
            guard let text = String(data: Data(bytes.dropFirst(2)), encoding: encoding) else {
                throw .invalid(file: fileName, location: nil, problem: "starts with a UTF-16 mark but is not valid UTF-16")
            }
            bytes = Array(text.utf8)
            forcedEncoding = .utf8
        }
        let ranked = EncodingDetector.rank(bytes)
        let encoding = options.encoding ?? forcedEncoding ?? ranked.first?.encoding ?? .utf8
        var dataset = ImportedDataset(encoding: encoding, encodingCandidates: forcedEncoding == nil ? ranked : [])
        let delimiter = CSVTokenizer.detectDelimiter(bytes)
        let commaDecimal = delimiter != UInt8(ascii: ",")
        var tokenizer = CSVTokenizer(bytes: bytes, delimiter: delimiter)

        func tokenize() throws(FormatError) -> [[UInt8]]? {
            do {
                return try tokenizer.next()
            } catch {
                throw .invalid(file: fileName, location: "row \(error.row)", problem: error.problem)
            }
        }
        var headerRecord: [[UInt8]]?
        while let record = try tokenize() {
            if record.count == 1 && record[0].isEmpty { continue }
            headerRecord = record
            break
        }
        guard let headerRecord else { throw .invalid(file: fileName, location: nil, problem: "is empty") }
        guard headerRecord.count <= options.limits.maxFieldCount else {
            throw .limitExceeded(file: fileName, problem: "has \(headerRecord.count) columns; the limit is \(options.limits.maxFieldCount)")
        }
        let headerRow = tokenizer.row
        var names = [String]()
        for (index, raw) in headerRecord.enumerated() {
            var name = encoding.decode(raw).trimmingCharacters(in: .whitespaces)
            if name.isEmpty { name = "column_\(index + 1)" }
            let base = name
            var suffix = 2
            while names.contains(name) {
                name = "\(base)_\(suffix)"
                suffix += 1
            }
            names.append(name)
        }
        var columns = CoordinateColumns(names: names)
        func settle(_ problem: FormatError) throws(FormatError) {
            guard lenient else { throw problem }
            if columns.problem == nil { columns.problem = problem }
        }
        var lonIndex: Int?
        var latIndex: Int?
        do {
            lonIndex = try column(options.lonColumn, names: names, candidates: longitudeNames, role: "longitude", file: fileName)
        } catch {
            try settle(error)
        }
        do {
            latIndex = try column(options.latColumn, names: names, candidates: latitudeNames, role: "latitude", file: fileName)
        } catch {
            try settle(error)
        }
        columns.longitude = lonIndex.map { names[$0] }
        columns.latitude = latIndex.map { names[$0] }
        if let lonIndex, lonIndex == latIndex {
            try settle(.invalid(file: fileName, location: nil, problem: "the same column \"\(names[lonIndex])\" was chosen for longitude and latitude"))
        }

        var rows = [(row: Int, cells: [String])]()
        var longRows = 0
        while let record = try tokenize() {
            if record.count == 1 && record[0].isEmpty { continue }
            if let maxRecords, rows.count >= maxRecords { break }
            guard rows.count < options.limits.maxFeatures else {
                throw .limitExceeded(file: fileName, problem: "has more than \(options.limits.maxFeatures) rows, the limit")
            }
            if record.count > names.count { longRows += 1 }
            var cells = record.prefix(names.count).map { encoding.decode($0).trimmingCharacters(in: .whitespaces) }
            while cells.count < names.count { cells.append("") }
            rows.append((tokenizer.row, cells))
        }
        if longRows > 0 {
            dataset.warnings.append("\(fileName): \(longRows) row(s) have more fields than the header row \(headerRow); the extra fields were ignored")
        }

        var points: [Point]?
        dataset.sourceSRID = options.srid
        if columns.problem == nil, let lonIndex, let latIndex {
            do {
                let (read, srid, note) = try coordinates(rows: rows, lonIndex: lonIndex, latIndex: latIndex, names: names,
                                                         commaDecimal: commaDecimal, options: options, file: fileName)
                points = read
                dataset.sourceSRID = srid
                if let note { dataset.warnings.append(note) }
            } catch {
                try settle(error)
            }
        }
        dataset.coordinateColumns = columns

        var inference = names.map { _ in ColumnTypeInference(commaDecimal: commaDecimal) }
        for row in rows {
            for (index, cell) in row.cells.enumerated() { inference[index].observe(Substring(cell)) }
        }
        dataset.fields = zip(names, inference).map { FieldInfo(name: $0, type: $1.type) }
        dataset.features = rows.enumerated().map { index, row in
            let properties = row.cells.enumerated().map { index, cell in
                (names[index], ColumnTypeInference.value(Substring(cell), as: dataset.fields[index].type, commaDecimal: commaDecimal))
            }
            return ImportedFeature(geometry: points.map { .point($0[index]) }, properties: properties, recordNumber: row.row)
        }
        return dataset
    }

    /// The column for `role`: the one the form names, else the first whose folded name is
    /// among `candidates` (in the candidates' order).
    static func column(_ requested: String?, names: [String], candidates: [String], role: String,
                       file: String) throws(FormatError) -> Int {
        let folded = names.map(fold)
        if let requested {
            if let index = names.firstIndex(of: requested) ?? folded.firstIndex(of: fold(requested)) { return index }
            throw .invalid(file: file, location: nil, problem: "has no column \"\(requested)\" for the \(role); its columns are \(names.joined(separator: ", "))")
        }
        for candidate in candidates {
            if let index = folded.firstIndex(of: candidate) { return index }
        }
        throw .invalid(file: file, location: nil, problem: "no \(role) column was recognised among \(names.joined(separator: ", ")); choose it on the form")
    }

    /// Lower case, without diacritics (đ as d), letters and digits only: "Kinh độ" → "kinhdo".
    static func fold(_ name: String) -> String {
        name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .replacingOccurrences(of: "đ", with: "d")
            .replacingOccurrences(of: "Đ", with: "d")
            .lowercased()
            .filter { $0.isLetter || $0.isNumber }
    }

    /// Every row's point, the SRID, and a note when the CRS is left open.
    static func coordinates(rows: [(row: Int, cells: [String])], lonIndex: Int, latIndex: Int, names: [String],
                            commaDecimal: Bool, options: ReadOptions,
                            file: String) throws(FormatError) -> ([Point], Int?, String?) {
        var problems = [(row: Int, problem: String)]()
        var problemCount = 0
        var badRows = Set<Int>()
        func report(_ row: Int, _ problem: String) {
            problemCount += 1
            badRows.insert(row)
            if problems.count < reportedProblems { problems.append((row, problem)) }
        }
        var points = [Point]()
        points.reserveCapacity(rows.count)
        for row in rows {
            var values = [Double]()
            for index in [lonIndex, latIndex] {
                let cell = row.cells[index]
                if cell.isEmpty {
                    report(row.row, "column \(names[index]) is empty")
                } else if let value = TextValues.real(Substring(cell), commaDecimal: commaDecimal) {
                    values.append(value)
                } else {
                    report(row.row, "column \(names[index]) holds \"\(cell)\", which is not a number")
                }
            }
            if values.count == 2 { points.append(Point(x: values[0], y: values[1])) } else { points.append(.zero) }
        }
        let outside = { (point: Point) in abs(point.x) > 180 || abs(point.y) > 90 }
        var srid = options.srid
        var note: String?
        if srid == nil {
            let projectedByName = projectedNames.contains(fold(names[lonIndex]))
            let degreesByName = Set(longitudeNames).subtracting(projectedNames).contains(fold(names[lonIndex]))
            let allBeyondDegrees = badRows.isEmpty && !points.isEmpty && points.allSatisfy(outside)
            if (projectedByName && points.contains(where: outside)) || (!degreesByName && allBeyondDegrees) {
                note = "\(file): the coordinates in \(names[lonIndex])/\(names[latIndex]) are not degrees; choose the coordinate system on the form"
            } else {
                srid = 4326
            }
        }
        if let srid, geographicSRIDs.contains(srid) {
            for (row, point) in zip(rows, points) where !badRows.contains(row.row) {
                if abs(point.x) > 180 {
                    report(row.row, "longitude \(row.cells[lonIndex]) is out of range (−180 to 180)")
                } else if abs(point.y) > 90 {
                    report(row.row, "latitude \(row.cells[latIndex]) is out of range (−90 to 90)")
                }
            }
        }
        if let first = problems.min(by: { $0.row < $1.row }) {
            let more = problemCount - 1
            let suffix = more > 0 ? " (and \(more) more problem\(more == 1 ? "" : "s") in other rows)" : ""
            throw .invalid(file: file, location: "row \(first.row)", problem: first.problem + suffix)
        }
        return (points, srid, note)
    }
}
