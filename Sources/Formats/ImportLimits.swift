import Foundation

/// Upper bounds on what one import may hold, checked by every reader so that a hostile or
/// mistaken upload fails with a clear message instead of exhausting the server.
public struct ImportLimits: Sendable, Equatable {
    /// Most features (records, rows, placemarks) in one dataset.
    public var maxFeatures: Int
    /// Most entries in a zip archive (files and folders).
    public var maxZipEntries: Int
    /// Most bytes extracted from a zip archive in total, counted as they are written.
    public var maxUncompressedBytes: Int64
    /// Highest uncompressed-to-compressed size ratio of one zip entry. Ordinary GIS files
    /// compress 2–50 times; zip bombs reach a thousand.
    public var maxCompressionRatio: Double
    /// Most attribute columns in one dataset.
    public var maxFieldCount: Int
    /// Most bytes of one GeoJSON, KML, CSV or lone DBF document (a file, or a member of a zip)
    /// taken into memory to be read; parsing holds several times as much. An import is bounded
    /// by this too: a small zip must not unpack a document the server cannot hold.
    public var maxDocumentBytes: Int64
    /// Seconds SQLite may spend on the queries that read a GeoPackage (an SQLite file from
    /// outside, whose "tables" could be views built to run for ever); past them the read is
    /// interrupted.
    public var maxQuerySeconds: Double

    public init(maxFeatures: Int = 2_000_000, maxZipEntries: Int = 1_000,
                maxUncompressedBytes: Int64 = 2 << 30, maxCompressionRatio: Double = 500,
                maxFieldCount: Int = 1_000, maxDocumentBytes: Int64 = 512 << 20, maxQuerySeconds: Double = 120) {
        self.maxFeatures = maxFeatures
        self.maxZipEntries = maxZipEntries
        self.maxUncompressedBytes = maxUncompressedBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.maxFieldCount = maxFieldCount
        self.maxDocumentBytes = maxDocumentBytes
        self.maxQuerySeconds = maxQuerySeconds
    }

    /// The limits of a preview: the first records of a staged file, read on a request worker
    /// while the person waits. At most 256 MB unpacked from a zip and 32 MB of one document
    /// (a GeoJSON or KML is parsed whole before its first record is known), 5 s of GeoPackage
    /// queries; the records read
    /// are bounded by the preview's own count. A file beyond them can still be imported: the
    /// import runs in the background under the default limits.
    public static let preview = ImportLimits(maxUncompressedBytes: 256 << 20, maxDocumentBytes: 32 << 20, maxQuerySeconds: 5)

    /// The limits of imports on this server: the defaults, with the document limit from
    /// `BANDO_MAX_DOCUMENT_MB` (1 to 4096) when it is set.
    public static func configured(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ImportLimits {
        var limits = ImportLimits()
        if let text = environment["BANDO_MAX_DOCUMENT_MB"], let megabytes = Int64(text), (1...4096).contains(megabytes) {
            limits.maxDocumentBytes = megabytes << 20
        }
        return limits
    }

    /// "12.5": bytes as megabytes to a tenth, for messages.
    static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f", Double(bytes) / Double(1 << 20))
    }
}

/// Choices the person made on the upload form, each overriding what the reader would
/// otherwise detect.
public struct ReadOptions: Sendable, Equatable {
    /// The text encoding of DBF and CSV text; nil to honour a .cpg or detect it.
    public var encoding: TextEncoding?
    /// The EPSG code of the source CRS; nil to take it from the file.
    public var srid: Int?
    /// The CSV column holding longitude or easting; nil to find it by name.
    public var lonColumn: String?
    /// The CSV column holding latitude or northing; nil to find it by name.
    public var latColumn: String?
    /// The layer to read from a file holding several (shapefiles in a zip, GeoPackage tables).
    public var layerName: String?
    public var limits: ImportLimits

    public init(encoding: TextEncoding? = nil, srid: Int? = nil, lonColumn: String? = nil,
                latColumn: String? = nil, layerName: String? = nil,
                limits: ImportLimits = ImportLimits()) {
        self.encoding = encoding
        self.srid = srid
        self.lonColumn = lonColumn
        self.latColumn = latColumn
        self.layerName = layerName
        self.limits = limits
    }
}
