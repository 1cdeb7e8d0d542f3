import Foundation
import Geometry

/// Writes features as KML 2.2 for Google Earth and phones: one Document with a Schema of the
/// layer's fields (typed, so GDAL and QGIS read the types back), one Placemark per feature with
/// its attributes as SchemaData and a name taken from the layer's name field ("ten", "name",
/// "ten_…") when it has one. Coordinates are longitude,latitude in EPSG:4326, as KML requires.
/// Text is escaped per Unicode scalar; characters XML 1.0 cannot carry (C0 controls but tab,
/// line feed and carriage return) become U+FFFD.
public struct KMLWriter {
    let output: FileOutput
    let schema: ExportSchema
    let decimals: Int
    let schemaID: String
    let nameField: Int?
    /// Placemarks written so far.
    public private(set) var count = 0

    public init(handle: FileHandle, name: String, schema: ExportSchema, decimals: Int = 7) throws(FormatError) {
        output = FileOutput(handle: handle, name: name)
        self.schema = schema
        self.decimals = decimals
        schemaID = "s_" + String(schema.name.unicodeScalars.map { Self.isIDScalar($0) ? Character($0) : "_" })
        nameField = Self.nameField(schema.fields)
        var head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document id=\"root_doc\">\n"
        head += "<Schema name=\"\(Self.escaped(schema.name))\" id=\"\(schemaID)\">\n"
        for field in schema.fields {
            head += "  <SimpleField name=\"\(Self.escaped(field.name))\" type=\"\(Self.kmlType(field.type))\"></SimpleField>\n"
        }
        head += "</Schema>\n<Folder><name>\(Self.escaped(schema.title))</name>\n"
        try output.write(head)
    }

    /// Adds one Placemark.
    public mutating func append(_ feature: ImportedFeature) throws(FormatError) {
        var text = "<Placemark>"
        let values = ExportText.values(feature, schema.fields)
        if let nameField, let name = ExportText.text(values[nameField]) {
            text += "<name>\(Self.escaped(name))</name>"
        }
        text += "<ExtendedData><SchemaData schemaUrl=\"#\(schemaID)\">"
        for (field, value) in zip(schema.fields, values) {
            guard let value = ExportText.text(value) else { continue }
            text += "<SimpleData name=\"\(Self.escaped(field.name))\">\(Self.escaped(value))</SimpleData>"
        }
        text += "</SchemaData></ExtendedData>"
        if let geometry = feature.geometry { appendGeometry(geometry, to: &text) }
        text += "</Placemark>\n"
        try output.write(text)
        count += 1
    }

    /// Closes the document and writes what is left; append nothing after.
    public func finish() throws(FormatError) {
        try output.write("</Folder>\n</Document>\n</kml>\n")
        try output.flush()
    }

    private func appendGeometry(_ geometry: Geometry, to text: inout String) {
        func coordinates(_ points: [Point]) {
            text += "<coordinates>"
            for (index, point) in points.enumerated() {
                if index > 0 { text += " " }
                text += GeoJSON.formatNumber(point.x, decimals: decimals) + "," + GeoJSON.formatNumber(point.y, decimals: decimals)
            }
            text += "</coordinates>"
        }
        func polygon(_ rings: [[Point]]) {
            text += "<Polygon>"
            for (index, ring) in rings.enumerated() {
                let side = index == 0 ? "outerBoundaryIs" : "innerBoundaryIs"
                text += "<\(side)><LinearRing>"
                coordinates(ring)
                text += "</LinearRing></\(side)>"
            }
            text += "</Polygon>"
        }
        switch geometry {
        case .point(let point):
            text += "<Point>"; coordinates([point]); text += "</Point>"
        case .lineString(let points):
            text += "<LineString>"; coordinates(points); text += "</LineString>"
        case .polygon(let rings): polygon(rings)
        case .multiPoint(let points):
            text += "<MultiGeometry>"
            for point in points { text += "<Point>"; coordinates([point]); text += "</Point>" }
            text += "</MultiGeometry>"
        case .multiLineString(let lines):
            text += "<MultiGeometry>"
            for line in lines { text += "<LineString>"; coordinates(line); text += "</LineString>" }
            text += "</MultiGeometry>"
        case .multiPolygon(let polygons):
            text += "<MultiGeometry>"
            for rings in polygons { polygon(rings) }
            text += "</MultiGeometry>"
        case .geometryCollection(let members):
            text += "<MultiGeometry>"
            for member in members { appendGeometry(member, to: &text) }
            text += "</MultiGeometry>"
        }
    }

    /// The field a Placemark takes its name from: "ten", "name", "ten_…" or "tên…", the first
    /// text field whose folded name matches.
    static func nameField(_ fields: [ExportField]) -> Int? {
        let folded = fields.map { DBFNames.ascii($0.name).lowercased() }
        for wanted in ["ten", "name"] {
            if let index = folded.firstIndex(of: wanted), fields[index].type == .text { return index }
        }
        return folded.indices.first { (folded[$0].hasPrefix("ten_") || folded[$0].hasPrefix("name_")) && fields[$0].type == .text }
    }

    static func kmlType(_ type: FieldType) -> String {
        switch type {
        case .integer: return "int"
        case .real: return "double"
        case .boolean: return "bool"
        case .text, .date: return "string"
        }
    }

    static func isIDScalar(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
            || scalar == "_" || scalar == "-"
    }

    /// `text` escaped for XML text and attributes, scalar by scalar (see `XMLText`).
    static func escaped(_ text: String) -> String { XMLText.escape(text, invalid: "\u{FFFD}") }
}
