import Foundation

/// The formats an uploaded file can be in.
public enum DatasetFormat: String, Sendable, Equatable {
    case geoJSON, shapefile, csv, kml, kmz, geoPackage, dbf
}

/// The first records of a file decoded with one candidate encoding, for the upload page to
/// show side by side so the person can pick the reading that looks right.
public struct EncodingPreview: Sendable {
    /// The encoding used; nil for formats whose text encoding is fixed (GeoJSON, KML, GeoPackage).
    public var encoding: TextEncoding?
    /// The candidate's plausibility score (0…1), 1 when the encoding is fixed.
    public var score: Double
    /// The dataset as far as it was read: fields, the first records, CRS and warnings.
    public var dataset: ImportedDataset
}

/// The one entry point of the import pipeline: reads any supported file into an
/// `ImportedDataset`, choosing the reader by the original file name's extension and, when
/// that says nothing, by the file's first bytes.
///
/// Accepted: .geojson/.json, .zip (a shapefile, a KML, a GeoPackage, a GeoJSON or a CSV
/// inside), .shp with its companions beside it, a folder holding a shapefile, .dbf alone
/// (attributes without geometry), .csv/.txt, .kml, .kmz and .gpkg.
public enum DatasetReader {
    public static func read(path: String, originalName: String, options: ReadOptions = ReadOptions()) throws(FormatError) -> ImportedDataset {
        try read(path: path, originalName: originalName, options: options, maxRecords: nil, lenient: false)
    }

    /// The file as a stream of features, when it is a GeoJSON FeatureCollection (not zipped):
    /// read one feature at a time, so that its size does not decide the memory an import
    /// needs. Nil for every other file, which `read` reads whole.
    public static func stream(path: String, originalName: String, options: ReadOptions = ReadOptions()) throws(FormatError) -> GeoJSONStream? {
        guard try format(path: path, originalName: originalName, limits: options.limits) == .geoJSON,
              head(path, 4) != [0x50, 0x4B, 0x03, 0x04] else { return nil }
        return try GeoJSONStream.open(path: path, fileName: originalName, options: options)
    }

    /// The first `maxRecords` records under each candidate encoding, best first. Formats
    /// with a fixed encoding, or an encoding chosen in `options`, give one preview. A CSV
    /// whose coordinate columns cannot be found or used is previewed without geometry, the
    /// reason in its `coordinateColumns`, so the person can choose them.
    public static func preview(path: String, originalName: String, options: ReadOptions = ReadOptions(),
                               maxRecords: Int = 20) throws(FormatError) -> [EncodingPreview] {
        let limit = max(1, maxRecords)
        let first = try read(path: path, originalName: originalName, options: options, maxRecords: limit, lenient: true)
        guard options.encoding == nil, !first.encodingCandidates.isEmpty else {
            return [EncodingPreview(encoding: first.encoding, score: 1, dataset: first)]
        }
        var previews = [EncodingPreview]()
        for candidate in first.encodingCandidates {
            var chosen = options
            chosen.encoding = candidate.encoding
            let dataset = candidate.encoding == first.encoding
                ? first : try read(path: path, originalName: originalName, options: chosen, maxRecords: limit, lenient: true)
            previews.append(EncodingPreview(encoding: candidate.encoding, score: candidate.score, dataset: dataset))
        }
        return previews
    }

    /// The format of the file, from its name and content.
    public static func format(path: String, originalName: String,
                              limits: ImportLimits = ImportLimits()) throws(FormatError) -> DatasetFormat {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .cannotRead(file: originalName, reason: "the file does not exist")
        }
        if isFolder.boolValue { return .shapefile }
        switch ShapefileSource.ext(originalName) {
        case "geojson", "json": return .geoJSON
        case "zip": return try zipContent(path: path, originalName: originalName, limits: limits)
        case "shp": return .shapefile
        case "dbf": return .dbf
        case "csv", "txt", "tsv": return .csv
        case "kml": return .kml
        case "kmz": return .kmz
        case "gpkg": return .geoPackage
        default: break
        }
        let bytes = head(path, 512)
        if bytes.starts(with: Array("SQLite format 3".utf8)) { return .geoPackage }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return try zipContent(path: path, originalName: originalName, limits: limits) }
        if bytes.starts(with: [0x00, 0x00, 0x27, 0x0A]) { return .shapefile }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{FEFF}")))
        if text.hasPrefix("{") { return .geoJSON }
        if text.hasPrefix("<") && text.contains("kml") { return .kml }
        throw .unsupported(file: originalName, reason: "is not a format the portal reads; upload GeoJSON, a zipped shapefile, CSV, KML/KMZ or GeoPackage")
    }

    static func zipContent(path: String, originalName: String, limits: ImportLimits) throws(FormatError) -> DatasetFormat {
        let zip = try ZipArchiveReader(url: URL(fileURLWithPath: path), fileName: originalName, limits: limits)
        let extensions = Set(zip.paths.filter(ShapefileSource.isVisible).map(ShapefileSource.ext))
        if extensions.contains("shp") { return .shapefile }
        if extensions.contains("kml") { return .kmz }
        if extensions.contains("gpkg") { return .geoPackage }
        if extensions.contains("geojson") || extensions.contains("json") { return .geoJSON }
        if extensions.contains("csv") || extensions.contains("txt") { return .csv }
        throw .unsupported(file: originalName, reason: "holds no shapefile, KML, GeoPackage, GeoJSON or CSV file")
    }

    /// The layers the file holds, in the order `read` meets them: the shapefiles of a zip
    /// or folder ("duong.shp"), the feature tables of a GeoPackage, the KML, GeoJSON or CSV
    /// files of a zip. A file of one layer gives its one name or none. When there are
    /// several, `read` needs one of these names in `ReadOptions.layerName`.
    public static func layers(path: String, originalName: String,
                              limits: ImportLimits = ImportLimits()) throws(FormatError) -> [String] {
        let url = URL(fileURLWithPath: path)
        let format = try format(path: path, originalName: originalName, limits: limits)
        var isFolder: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        if isFolder.boolValue { return try ShapefileSource.shapefiles(in: url) }
        guard head(path, 4) == [0x50, 0x4B, 0x03, 0x04] else {
            switch format {
            case .geoPackage: return try GeoPackageReader.tables(path: path, fileName: originalName, seconds: limits.maxQuerySeconds)
            case .shapefile: return [ShapefileSource.baseName(path)]
            case .geoJSON, .csv, .kml, .kmz, .dbf: return []
            }
        }
        var zip = try ZipArchiveReader(url: url, fileName: originalName, limits: limits)
        switch format {
        case .shapefile: return ShapefileSource.shapefiles(in: zip).map(ShapefileSource.baseName)
        case .kmz, .kml: return members(of: zip, extensions: ["kml"], preferred: "doc.kml").map(ShapefileSource.baseName)
        case .geoJSON: return members(of: zip, extensions: ["geojson", "json"], preferred: nil).map(ShapefileSource.baseName)
        case .csv: return members(of: zip, extensions: ["csv", "txt"], preferred: nil).map(ShapefileSource.baseName)
        case .geoPackage:
            let packages = members(of: zip, extensions: ["gpkg"], preferred: nil)
            guard packages.count == 1 else { return packages.map(ShapefileSource.baseName) }
            return try withExtracted(packages[0], of: &zip) { path throws(FormatError) in
                try GeoPackageReader.tables(path: path, fileName: ShapefileSource.baseName(packages[0]), seconds: limits.maxQuerySeconds)
            }
        case .dbf: return []
        }
    }

    static func read(path: String, originalName: String, options: ReadOptions, maxRecords: Int?,
                     lenient: Bool) throws(FormatError) -> ImportedDataset {
        let url = URL(fileURLWithPath: path)
        let format = try format(path: path, originalName: originalName, limits: options.limits)
        let isZip = head(path, 4) == [0x50, 0x4B, 0x03, 0x04]
        var isFolder: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)

        if isZip && !isFolder.boolValue {
            var zip = try ZipArchiveReader(url: url, fileName: originalName, limits: options.limits)
            let layerName = options.layerName
            switch format {
            case .shapefile:
                let files = try ShapefileSource.fromZip(&zip, layerName: layerName)
                return try ShapefileReader.read(files, options: options, maxRecords: maxRecords)
            case .kmz, .kml:
                let member = try single(in: zip, extensions: ["kml"], preferred: "doc.kml", layerName: layerName)
                return try KMLReader.read(bytes: document(member, of: &zip, limits: options.limits), fileName: ShapefileSource.baseName(member),
                                          options: options, maxRecords: maxRecords)
            case .geoJSON:
                let member = try single(in: zip, extensions: ["geojson", "json"], preferred: nil, layerName: layerName)
                return try GeoJSONReader.read(bytes: document(member, of: &zip, limits: options.limits), fileName: ShapefileSource.baseName(member),
                                              options: options, maxRecords: maxRecords)
            case .csv:
                let member = try single(in: zip, extensions: ["csv", "txt"], preferred: nil, layerName: layerName)
                return try CSVDataset.read(bytes: document(member, of: &zip, limits: options.limits), fileName: ShapefileSource.baseName(member),
                                           options: options, maxRecords: maxRecords, lenient: lenient)
            case .geoPackage:
                // A layer name picks one of several GeoPackages in the zip, else a table of the only one.
                let packages = members(of: zip, extensions: ["gpkg"], preferred: nil)
                let named = layerName.flatMap { name in packages.first { matches($0, name) } }
                let member: String
                if let named {
                    member = named
                } else {
                    member = try single(in: zip, extensions: ["gpkg"], preferred: nil, layerName: nil)
                }
                var tableOptions = options
                if named != nil { tableOptions.layerName = nil }
                return try withExtracted(member, of: &zip) { path throws(FormatError) in
                    try GeoPackageReader.read(path: path, fileName: ShapefileSource.baseName(member), options: tableOptions, maxRecords: maxRecords)
                }
            case .dbf:
                throw .unsupported(file: originalName, reason: "holds no data file the portal reads")
            }
        }
        switch format {
        case .shapefile:
            let files = isFolder.boolValue
                ? try ShapefileSource.fromFolder(url, layerName: options.layerName)
                : try ShapefileSource.fromShp(url)
            return try ShapefileReader.read(files, options: options, maxRecords: maxRecords)
        case .geoJSON:
            return try GeoJSONReader.read(bytes: document(url, originalName, limits: options.limits), fileName: originalName,
                                          options: options, maxRecords: maxRecords)
        case .csv:
            return try CSVDataset.read(bytes: document(url, originalName, limits: options.limits), fileName: originalName, options: options,
                                       maxRecords: maxRecords, lenient: lenient)
        case .kml, .kmz:
            return try KMLReader.read(bytes: document(url, originalName, limits: options.limits), fileName: originalName,
                                      options: options, maxRecords: maxRecords)
        case .geoPackage:
            return try GeoPackageReader.read(path: path, fileName: originalName, options: options, maxRecords: maxRecords)
        case .dbf:
            return try readDBF(bytes: document(url, originalName, limits: options.limits), url: url, fileName: originalName,
                               options: options, maxRecords: maxRecords)
        }
    }

    /// The bytes of the document at `url`, refused before reading when it is larger than
    /// `limits.maxDocumentBytes`.
    static func document(_ url: URL, _ fileName: String, limits: ImportLimits) throws(FormatError) -> [UInt8] {
        if limits.maxDocumentBytes < .max,
           let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value {
            try checkDocument(size: size, fileName, limits: limits)
        }
        return try ShapefileSource.readFile(url)
    }

    /// The bytes of the zip member `member`, refused as soon as they pass
    /// `limits.maxDocumentBytes` (the zip's own limits bound the extraction too).
    static func document(_ member: String, of zip: inout ZipArchiveReader, limits: ImportLimits) throws(FormatError) -> [UInt8] {
        try zip.extract(member, maxBytes: limits.maxDocumentBytes)
    }

    static func checkDocument(size: Int64, _ fileName: String, limits: ImportLimits) throws(FormatError) {
        guard size > limits.maxDocumentBytes else { return }
        throw .limitExceeded(file: fileName, problem: "is \(ImportLimits.megabytes(size)) MB, more than the \(ImportLimits.megabytes(limits.maxDocumentBytes)) MB read at once")
    }

    /// The first `count` bytes of the file at `path` (fewer if it is shorter or unreadable).
    static func head(_ path: String, _ count: Int) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: count)) ?? Data())
    }

    /// The member with one of `extensions` that `layerName` names, else the only one, else
    /// `preferred` among several.
    static func single(in zip: ZipArchiveReader, extensions: Set<String>, preferred: String?,
                       layerName: String?) throws(FormatError) -> String {
        let members = members(of: zip, extensions: extensions, preferred: preferred)
        if let layerName {
            if let match = members.first(where: { matches($0, layerName) }) { return match }
            if members.count > 1 {
                throw .layerChoice(file: zip.fileName, requested: layerName, available: members.map(ShapefileSource.baseName))
            }
        }
        if let preferred, let match = members.first(where: { $0.lowercased() == preferred }) { return match }
        guard let first = members.first else {
            throw .unsupported(file: zip.fileName, reason: "holds no .\(extensions.sorted().joined(separator: "/.")) file")
        }
        if members.count > 1 && preferred == nil {
            throw .layerChoice(file: zip.fileName, requested: nil, available: members)
        }
        return first
    }

    /// The visible members with one of `extensions`, `preferred` (when there) first.
    static func members(of zip: ZipArchiveReader, extensions: Set<String>, preferred: String?) -> [String] {
        let members = zip.paths.filter { ShapefileSource.isVisible($0) && extensions.contains(ShapefileSource.ext($0)) }
        guard let preferred, let index = members.firstIndex(where: { $0.lowercased() == preferred }) else { return members }
        return [members[index]] + members.enumerated().filter { $0.offset != index }.map(\.element)
    }

    /// Whether a zip member is the layer `name` names: its path or its file name, in any case.
    static func matches(_ member: String, _ name: String) -> Bool {
        member == name || ShapefileSource.baseName(member).lowercased() == name.lowercased()
    }

    /// `body` given the path of a temporary copy of the zip member, removed afterwards.
    static func withExtracted<T>(_ member: String, of zip: inout ZipArchiveReader,
                                 _ body: (String) throws(FormatError) -> T) throws(FormatError) -> T {
        let temporary = FileManager.default.temporaryDirectory
            .appendingPathComponent("bando-import-\(UUID().uuidString).\(ShapefileSource.ext(member))")
        try zip.extract(member, to: temporary)
        defer { try? FileManager.default.removeItem(at: temporary) }
        return try body(temporary.path)
    }

    /// A .dbf on its own: attributes without geometry, with a .cpg beside it honoured.
    static func readDBF(bytes: [UInt8], url: URL, fileName: String, options: ReadOptions, maxRecords: Int?) throws(FormatError) -> ImportedDataset {
        var table = try DBFTable(bytes: bytes, fileName: fileName, limits: options.limits)
        let cpgURL = url.deletingPathExtension().appendingPathExtension("cpg")
        let cpg = (try? Data(contentsOf: cpgURL)).map { String(decoding: $0, as: UTF8.self) }
        let choice = EncodingChoice.resolve(explicit: options.encoding, declared: cpg, declaredBy: cpgURL.lastPathComponent,
                                            sample: table.textSample(), hint: table.languageDriverHint)
        guard table.recordCount <= options.limits.maxFeatures else {
            throw .limitExceeded(file: fileName, problem: "has \(table.recordCount) records; the limit is \(options.limits.maxFeatures)")
        }
        let rows = table.records(encoding: choice.encoding, maxRecords: maxRecords)
        var dataset = ImportedDataset(fields: table.fieldInfos(encoding: choice.encoding), sourceSRID: options.srid,
                                      encoding: choice.encoding, encodingCandidates: choice.candidates)
        for (index, row) in rows.enumerated() {
            guard let row else { continue }
            dataset.features.append(ImportedFeature(geometry: nil, properties: zip(dataset.fields, row).map { ($0.name, $1) },
                                                    recordNumber: index + 1))
        }
        if let note = choice.note { dataset.warnings.append(note) }
        dataset.warnings += table.warnings
        return dataset
    }
}
