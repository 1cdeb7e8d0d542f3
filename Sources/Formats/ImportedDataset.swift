import Foundation
import Geometry

/// One attribute value read from a data file, in the few types the store keeps.
public enum AttributeValue: Sendable, Equatable {
    case null
    case text(String)
    case integer(Int64)
    case real(Double)
    /// A calendar date as ISO text, "yyyy-mm-dd".
    case date(String)
    case boolean(Bool)
}

/// The type of an attribute column, inferred from the file's declarations or its values.
public enum FieldType: String, Sendable, Equatable, CaseIterable {
    case text, integer, real, date, boolean
}

/// An attribute column: its name as written in the file (Vietnamese included, NFC) and type.
public struct FieldInfo: Sendable, Equatable {
    public var name: String
    public var type: FieldType

    public init(name: String, type: FieldType) {
        self.name = name
        self.type = type
    }
}

/// One record of a data file: its geometry in the source CRS (nil when the record has
/// none) and its attributes in the order of the dataset's fields.
public struct ImportedFeature: Sendable {
    public var geometry: Geometry?
    public var properties: [(String, AttributeValue)]
    /// Where the record is in the file, 1-based: the DBF record, GeoJSON feature, KML
    /// placemark or GeoPackage row; for CSV the row as a spreadsheet numbers it (the header
    /// is row 1), the same number errors and warnings use.
    public var recordNumber: Int

    public init(geometry: Geometry?, properties: [(String, AttributeValue)], recordNumber: Int) {
        self.geometry = geometry
        self.properties = properties
        self.recordNumber = recordNumber
    }

    /// The value of the attribute called `name`, or nil when the feature has no such one.
    public subscript(name: String) -> AttributeValue? {
        properties.first { $0.0 == name }?.1
    }
}

/// What a reader made of a data file: features with coordinates still in the source CRS,
/// the attribute columns, what is known of the CRS and text encoding, and warnings about
/// anything that was skipped or guessed.
public struct ImportedDataset: Sendable {
    public var features: [ImportedFeature]
    public var fields: [FieldInfo]
    /// The EPSG code of the source CRS when it could be identified.
    public var sourceSRID: Int?
    /// The CRS as the file describes it (WKT of a .prj, a GeoJSON `crs` name…), kept so the
    /// person can be asked when `sourceSRID` is nil.
    public var sourceCRSDescription: String?
    /// The encoding the text was decoded with; nil for formats whose encoding is fixed.
    public var encoding: TextEncoding?
    /// Every candidate encoding with its plausibility score, best first; empty when the
    /// encoding was not detected (fixed by the format, or chosen explicitly).
    public var encodingCandidates: [EncodingCandidate]
    public var warnings: [String]
    /// For a CSV file: its columns and the ones read as coordinates; nil for other formats.
    public var coordinateColumns: CoordinateColumns?

    public init(features: [ImportedFeature] = [], fields: [FieldInfo] = [], sourceSRID: Int? = nil,
                sourceCRSDescription: String? = nil, encoding: TextEncoding? = nil,
                encodingCandidates: [EncodingCandidate] = [], warnings: [String] = [],
                coordinateColumns: CoordinateColumns? = nil) {
        self.features = features
        self.fields = fields
        self.sourceSRID = sourceSRID
        self.sourceCRSDescription = sourceCRSDescription
        self.encoding = encoding
        self.encodingCandidates = encodingCandidates
        self.warnings = warnings
        self.coordinateColumns = coordinateColumns
    }
}

/// The columns of a CSV file and the two read as coordinates, found by name or named in
/// `ReadOptions`, so that the upload page can show the choice and offer the others.
public struct CoordinateColumns: Sendable, Equatable {
    /// Every column, in the file's order, as the header names it (duplicates suffixed "_2"…).
    public var names: [String]
    /// The column read as longitude or x (easting); nil when none was recognised.
    public var longitude: String?
    /// The column read as latitude or y (northing); nil when none was recognised.
    public var latitude: String?
    /// Why the records were read without geometry: no column recognised, a named column
    /// missing, or a value that is not a coordinate. Only a preview reads on past these
    /// (`DatasetReader.preview`); an import stops with the same error.
    public var problem: FormatError?

    public init(names: [String], longitude: String? = nil, latitude: String? = nil, problem: FormatError? = nil) {
        self.names = names
        self.longitude = longitude
        self.latitude = latitude
        self.problem = problem
    }
}
