import Foundation
import Geometry
import FormatsTestSupport
import Testing
@testable import Formats

@Suite struct KMLTests {
    static let kml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Tài liệu</name>
        <Folder><name>Y tế</name>
          <Placemark><name>Trạm y tế xã Yên Đức</name><description><![CDATA[<b>Giường:</b> 12]]></description>
            <ExtendedData><Data name="so_giuong"><value>12</value></Data><Data name="cap"><value>xã</value></Data></ExtendedData>
            <Point><coordinates>106.5123,21.0456,0</coordinates></Point></Placemark>
          <Folder><Placemark><name>Đường Nguyễn Huệ</name>
            <ExtendedData><SchemaData schemaUrl="#s"><SimpleData name="so_giuong">7</SimpleData></SchemaData></ExtendedData>
            <LineString><coordinates>106.1,21.1 106.2,21.2
              106.3,21.25</coordinates></LineString></Placemark></Folder>
        </Folder>
        <Placemark><name>Khu dân cư</name><Polygon>
          <outerBoundaryIs><LinearRing><coordinates>0,0 10,0 10,10 0,10 0,0</coordinates></LinearRing></outerBoundaryIs>
          <innerBoundaryIs><LinearRing><coordinates>2,2 4,2 4,4 2,2</coordinates></LinearRing></innerBoundaryIs>
        </Polygon></Placemark>
        <Placemark><name>Hai điểm</name><MultiGeometry><Point><coordinates>1,2</coordinates></Point>
          <Point><coordinates>3,4</coordinates></Point></MultiGeometry></Placemark>
        <Placemark><name>Không hình</name></Placemark>
        </Document></kml>
        """

    static func check(_ dataset: ImportedDataset) {
        #expect(dataset.sourceSRID == 4326)
        #expect(dataset.fields == [FieldInfo(name: "name", type: .text), FieldInfo(name: "description", type: .text),
                                   FieldInfo(name: "so_giuong", type: .integer), FieldInfo(name: "cap", type: .text)])
        #expect(dataset.features.count == 5)
        #expect(dataset.features[0].values == [.text("Trạm y tế xã Yên Đức"), .text("<b>Giường:</b> 12"), .integer(12), .text("xã")])
        #expect(dataset.features[0].geometry == .point(Point(x: 106.5123, y: 21.0456)))
        #expect(dataset.features[1].geometry == .lineString([Point(x: 106.1, y: 21.1), Point(x: 106.2, y: 21.2), Point(x: 106.3, y: 21.25)]))
        #expect(dataset.features[1]["so_giuong"] == .integer(7))
        #expect(dataset.features[2].geometry == .polygon([
            [Point(x: 0, y: 0), Point(x: 10, y: 0), Point(x: 10, y: 10), Point(x: 0, y: 10), Point(x: 0, y: 0)],
            [Point(x: 2, y: 2), Point(x: 4, y: 2), Point(x: 4, y: 4), Point(x: 2, y: 2)],
        ]))
        #expect(dataset.features[3].geometry == .multiPoint([Point(x: 1, y: 2), Point(x: 3, y: 4)]))
        #expect(dataset.features[4].geometry == nil)
    }

    @Test func placemarksFromKML() throws {
        let folder = TempFolder()
        Self.check(try DatasetReader.read(path: folder.write("doc.kml", Self.kml), originalName: "doc.kml"))
    }

    @Test func placemarksFromKMZ() throws {
        let folder = TempFolder()
        let path = folder.path("ban_do.kmz")
        try makeZip(at: path, entries: [("doc.kml", Array(Self.kml.utf8)), ("files/icon.png", [0x89, 0x50])])
        Self.check(try DatasetReader.read(path: path, originalName: "ban_do.kmz"))
        let previews = try DatasetReader.preview(path: path, originalName: "ban_do.kmz", maxRecords: 2)
        #expect(previews.count == 1)
        #expect(previews[0].dataset.features.count == 2)
    }

    /// Found by the formats fuzzer: Foundation's XMLParser dereferences the missing content of an
    /// empty processing instruction and the process dies (SEGV in strlen). Refused before it.
    @Test func anEmptyProcessingInstructionIsRefusedBeforeTheXMLParserSeesIt() throws {
        let folder = TempFolder()
        for (name, text) in [("pi.kml", "<?x-?>"), ("pi2.kml", "<kml><?target ?><Placemark/></kml>"), ("pi3.kml", "<?a")] {
            let path = folder.write(name, text)
            #expect(formatError { _ = try DatasetReader.read(path: path, originalName: name) }?.description
                    == "\(name): holds an empty XML processing instruction (<?…?>), which KML files do not need and uploads may not contain")
        }
        #expect(KMLReader.hasEmptyProcessingInstruction(Array(#"<?xml version="1.0"?><?xml-stylesheet href="a.css"?><kml/>"#.utf8)) == false,
                "instructions with content, the XML declaration among them, are read as before")
        #expect(try DatasetReader.read(path: folder.write("ok.kml", Self.kml), originalName: "ok.kml").features.count > 0)
    }

    @Test func malformedKML() {
        let folder = TempFolder()
        let broken = folder.write("x.kml", "<kml><Placemark><name>a</name><Point><coordinates>1,2</coordinates></Point>")
        #expect(formatError { _ = try DatasetReader.read(path: broken, originalName: "x.kml") }?.description.contains("not well-formed KML") == true)
        let badCoordinates = folder.write("y.kml", "<kml><Placemark><Point><coordinates>abc</coordinates></Point></Placemark></kml>")
        #expect(formatError { _ = try DatasetReader.read(path: badCoordinates, originalName: "y.kml") }?.description
                == "y.kml: placemark 1: coordinates \"abc\" are not longitude,latitude")
        let latin = folder.write("l.kml", [0x3C, 0x6B, 0x6D, 0x6C, 0x3E, 0x3C, 0x61, 0x20, 0xC3, 0x3D, 0x22, 0x78, 0x22, 0x2F, 0x3E, 0x3C, 0x2F, 0x6B, 0x6D, 0x6C, 0x3E])
        #expect(formatError { _ = try DatasetReader.read(path: latin, originalName: "l.kml") }?.description == "l.kml: is not valid UTF-8 text, which KML requires")
        let laughs = folder.write("e.kml", "<?xml version=\"1.0\"?><!DOCTYPE kml [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><kml><Placemark><name>&b;</name></Placemark></kml>")
        #expect(formatError { _ = try DatasetReader.read(path: laughs, originalName: "e.kml") }?.description.contains("declares XML entities") == true)
        let notKML = folder.write("z.kml", "<gpx></gpx>")
        #expect(formatError { _ = try DatasetReader.read(path: notKML, originalName: "z.kml") }?.description == "z.kml: is XML but not KML (no <kml> element)")
    }
}
