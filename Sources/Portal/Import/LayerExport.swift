import Foundation
import Formats
import Geometry
import Store

/// Exports a layer version through the same writers the portal offers for download, in
/// EPSG:4326 with attributes in the order they were imported: GeoJSON, CSV, KML, zipped
/// shapefiles or GeoPackage.
public struct LayerExport: Sendable {
    /// The formats export writes.
    public enum Format: String, Sendable, CaseIterable {
        case geojson, csv, kml
        /// Zipped shapefiles.
        case zip
        /// GeoPackage.
        case gpkg

        /// Whether the format is text that can go to standard output.
        public var isText: Bool { self == .geojson || self == .csv || self == .kml }

        /// The media type a download of this format carries.
        public var mediaType: String {
            switch self {
            case .geojson: return "application/geo+json"
            case .csv: return "text/csv; charset=utf-8"
            case .kml: return "application/vnd.google-earth.kml+xml"
            case .zip: return "application/zip"
            case .gpkg: return "application/geopackage+sqlite3"
            }
        }
    }

    let database: SpatialDatabase

    public init(database: SpatialDatabase) {
        self.database = database
    }

    /// The version `number` of layer `slug`, or its published version when `number` is nil.
    public func version(slug: String, number: Int?) throws(ImportError) -> StoredVersion {
        let lookup: VersionLookup
        do {
            lookup = try LayerRepository(database).lookupVersion(slug: slug, number: number)
        } catch {
            throw .store(error)
        }
        switch lookup {
        case .noLayer: throw .unknownLayer(slug)
        case .noPublishedVersion(let available): throw .noPublishedVersion(slug: slug, available: available)
        case .noSuchVersion(let available): throw .noSuchVersion(slug: slug, number: number ?? 0, available: available)
        case .found(let version): return version
        }
    }

    /// The features of `version` as the writers take them, all in memory (for small versions
    /// and checks; `write` streams instead).
    public func features(of version: StoredVersion) throws(ImportError) -> [ImportedFeature] {
        var out: [ImportedFeature] = []
        do {
            try FeatureRepository(database).forEachExportFeature(versionID: version.versionID) { feature in
                out.append(Self.imported(feature, recordNumber: out.count + 1))
                return true
            }
        } catch {
            throw .store(error)
        }
        return out
    }

    /// Writes `version` in `format` to the file at `path` — through a temporary file beside it,
    /// renamed into place once complete — or to standard output when `path` is nil (text formats
    /// only). Features go from the database to the file one at a time, so memory stays flat
    /// whatever the size of the version. Returns the number of features written.
    @discardableResult
    public func write(_ version: StoredVersion, format: Format = .geojson, to path: String?) throws(ImportError) -> Int {
        guard let path else {
            guard format.isText else {
                throw .cannotWrite(path: "standard output", reason: "\(format.rawValue) is not a text format; give an output file")
            }
            return try writeText(version, format: format, to: FileHandle.standardOutput, describedAs: "standard output")
        }
        let target = URL(fileURLWithPath: path)
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).part")
        let count: Int
        do {
            count = try writeFile(version, format: format, to: temporary, describedAs: path)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        if rename(temporary.path, target.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .cannotWrite(path: path, reason: reason)
        }
        return count
    }

    /// Writes the whole file of `format` at `url`.
    private func writeFile(_ version: StoredVersion, format: Format, to url: URL, describedAs name: String) throws(ImportError) -> Int {
        switch format {
        case .geojson, .csv, .kml:
            guard FileManager.default.createFile(atPath: url.path, contents: nil),
                  let handle = try? FileHandle(forWritingTo: url) else {
                throw .cannotWrite(path: name, reason: "the folder is missing or not writable")
            }
            defer { try? handle.close() }
            let count = try writeText(version, format: format, to: handle, describedAs: name)
            try? handle.synchronize()
            return count
        case .gpkg:
            let schema = try schema(of: version)
            return try wrapped(name) { () throws(FormatError) in
                let writer = try GeoPackageWriter(url: url, schema: schema)
                try forEachFeature(of: version) { feature throws(FormatError) in try writer.append(feature) }
                try writer.finish()
                return writer.count
            }
        case .zip:
            let schema = try schema(of: version)
            let folder = url.deletingLastPathComponent().appendingPathComponent(url.lastPathComponent + ".d")
            defer { try? FileManager.default.removeItem(at: folder) }
            return try wrapped(name) { () throws(FormatError) in
                do {
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
                } catch {
                    throw .cannotWrite(file: name, reason: "cannot make a working folder: \(error.localizedDescription)")
                }
                let writer = ShapefileWriter(directory: folder, schema: schema)
                try forEachFeature(of: version) { feature throws(FormatError) in try writer.append(feature) }
                let files = try writer.finish()
                try ZipPackage.write(files, to: url)
                return writer.count
            }
        }
    }

    /// Writes `version` as a text format to `handle`; `name` says where the text goes in a
    /// failure's message. Returns the number of features.
    func writeText(_ version: StoredVersion, format: Format, to handle: FileHandle, describedAs name: String) throws(ImportError) -> Int {
        switch format {
        case .geojson:
            var stream = GeoJSONWriter().stream(to: handle)
            return try wrapped(name) { () throws(FormatError) in
                try forEachFeature(of: version) { feature throws(FormatError) in try stream.append(feature) }
                try stream.finish()
                return stream.count
            }
        case .csv:
            let schema = try schema(of: version)
            return try wrapped(name) { () throws(FormatError) in
                var writer = try CSVWriter(handle: handle, name: name, schema: schema)
                try forEachFeature(of: version) { feature throws(FormatError) in try writer.append(feature) }
                try writer.finish()
                return writer.count
            }
        case .kml:
            let schema = try schema(of: version)
            return try wrapped(name) { () throws(FormatError) in
                var writer = try KMLWriter(handle: handle, name: name, schema: schema)
                try forEachFeature(of: version) { feature throws(FormatError) in try writer.append(feature) }
                try writer.finish()
                return writer.count
            }
        case .gpkg, .zip:
            throw .cannotWrite(path: name, reason: "\(format.rawValue) is not a text format")
        }
    }

    /// What the writers need of `version` before its first feature.
    public func schema(of version: StoredVersion) throws(ImportError) -> ExportSchema {
        let shape: VersionShape
        do {
            shape = try FeatureRepository(database).exportShape(versionID: version.versionID)
        } catch {
            throw .store(error)
        }
        let fields = shape.fields.map { field in
            let type: FieldType
            switch field.kind {
            case .integer: type = .integer
            case .real: type = .real
            case .boolean: type = .boolean
            case .text, .mixed, .empty: type = .text
            }
            return ExportField(name: field.name, type: type, maxBytes: shape.maxBytes[field.name] ?? 0)
        }
        return ExportSchema(name: version.layerSlug, title: version.layerTitle, fields: fields, geometryTypes: shape.geometryTypes)
    }

    /// Hands every feature of `version` to `body`, in id order, one at a time.
    private func forEachFeature(of version: StoredVersion, _ body: (ImportedFeature) throws(FormatError) -> Void) throws(FormatError) {
        var failure: FormatError?
        var number = 0
        do throws(StoreError) {
            try FeatureRepository(database).forEachExportFeature(versionID: version.versionID) { feature in
                number += 1
                do throws(FormatError) {
                    try body(Self.imported(feature, recordNumber: number))
                    return true
                } catch {
                    failure = error
                    return false
                }
            }
        } catch {
            throw .cannotRead(file: version.layerSlug, reason: "\(error)")
        }
        if let failure { throw failure }
    }

    /// `body`'s answer, its format error reported as a failure to write `name`.
    private func wrapped(_ name: String, _ body: () throws(FormatError) -> Int) throws(ImportError) -> Int {
        do {
            return try body()
        } catch {
            throw .cannotWrite(path: name, reason: error.description)
        }
    }

    /// A stored feature as the writers take it.
    static func imported(_ feature: StoredFeature, recordNumber: Int) -> ImportedFeature {
        ImportedFeature(geometry: feature.geometry, properties: feature.properties.map { ($0.0, value($0.1)) },
                        recordNumber: recordNumber)
    }

    /// A stored attribute value as the writers take it.
    static func value(_ stored: StoredProperty) -> AttributeValue {
        switch stored {
        case .null: return .null
        case .integer(let number): return .integer(number)
        case .real(let number): return .real(number)
        case .text(let text): return .text(text)
        case .boolean(let flag): return .boolean(flag)
        }
    }
}
