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

    public init(maxFeatures: Int = 2_000_000, maxZipEntries: Int = 1_000,
                maxUncompressedBytes: Int64 = 2 << 30, maxCompressionRatio: Double = 500,
                maxFieldCount: Int = 1_000) {
        self.maxFeatures = maxFeatures
        self.maxZipEntries = maxZipEntries
        self.maxUncompressedBytes = maxUncompressedBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.maxFieldCount = maxFieldCount
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
