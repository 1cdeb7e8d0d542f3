import Foundation
import Geometry
import Testing
@testable import Formats

@Suite struct GeoJSONTests {
    static func read(_ text: String, options: ReadOptions = ReadOptions()) throws -> ImportedDataset {
        let folder = TempFolder()
        return try DatasetReader.read(path: folder.write("data.geojson", text), originalName: "data.geojson", options: options)
    }

    static let collection = """
        {"type":"FeatureCollection","features":[
          {"type":"Feature","geometry":{"type":"Point","coordinates":[106.6297,10.8231]},
           "properties":{"ten":"Trạm y tế","so_giuong":12,"dien_tich":35.5,"hoat_dong":true,"ghi_chu":null,
                         "the":{"loai":"y tế","cap":[1,2]},"ngay":"2024-01-31"}},
          {"type":"Feature","geometry":null,"properties":{"so_giuong":7.5,"ten":"Phường Bến Nghé","them":"x"}},
          {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]},"properties":null}
        ]}
        """

    /// Features are converted as the array is parsed: the members around it may come in any
    /// order, and a feature with a "features" member of its own is still one feature.
    @Test func featuresStreamWhateverTheMemberOrder() throws {
        let typeLast = """
            {"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3405"}},
             "features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[500000,1200000]},"properties":{"a":1}},
                         {"type":"Feature","geometry":null,"properties":{"a":2}}],
             "type":"FeatureCollection"}
            """
        let dataset = try Self.read(typeLast)
        #expect(dataset.features.count == 2 && dataset.sourceSRID == 3405)
        #expect(dataset.features[1]["a"] == .integer(2))
        let oddFeature = #"{"type":"Feature","features":[1,2],"geometry":{"type":"Point","coordinates":[106,21]},"properties":{}}"#
        #expect(try Self.read(oddFeature).features.count == 1)
        let notCollection = #"{"type":"Point","features":[],"coordinates":[106,21]}"#
        #expect(try Self.read(notCollection).features.first?.geometry == .point(Point(x: 106, y: 21)))
        var options = ReadOptions()
        options.limits.maxFeatures = 1
        let error = formatError { _ = try Self.read(typeLast, options: options) }
        #expect(error?.description == "data.geojson: has 2 features; the limit is 1")
        let broken = String(typeLast.dropLast(2))
        #expect(formatError { _ = try Self.read(broken) }?.description.hasPrefix("data.geojson: is not valid JSON") == true)
    }

    @Test func featureCollection() throws {
        let dataset = try Self.read(Self.collection)
        #expect(dataset.sourceSRID == 4326)
        #expect(dataset.fields == [FieldInfo(name: "ten", type: .text), FieldInfo(name: "so_giuong", type: .real),
                                   FieldInfo(name: "dien_tich", type: .real), FieldInfo(name: "hoat_dong", type: .boolean),
                                   FieldInfo(name: "ghi_chu", type: .text), FieldInfo(name: "the", type: .text),
                                   FieldInfo(name: "ngay", type: .text), FieldInfo(name: "them", type: .text)])
        #expect(dataset.features.count == 3)
        #expect(dataset.features[0].geometry == .point(Point(x: 106.6297, y: 10.8231)))
        #expect(dataset.features[0].values == [.text("Trạm y tế"), .real(12), .real(35.5), .boolean(true), .null,
                                               .text("{\"loai\":\"y tế\",\"cap\":[1,2]}"), .text("2024-01-31"), .null])
        #expect(dataset.features[1].geometry == nil)
        #expect(dataset.features[1]["ten"] == .text("Phường Bến Nghé"))
        #expect(dataset.features[2].geometry == .polygon([[Point(x: 0, y: 0), Point(x: 1, y: 0), Point(x: 1, y: 1), Point(x: 0, y: 0)]]))
        #expect(dataset.warnings.contains { $0.contains("1 feature(s) have no geometry") })
    }

    @Test func crsMemberGivesTheSRID() throws {
        for name in ["urn:ogc:def:crs:EPSG::3405", "EPSG:3405", "urn:ogc:def:crs:EPSG:6.6:3405"] {
            let text = "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"\(name)\"}},\"features\":[{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[587000.5,2318000.25]},\"properties\":{}}]}"
            let dataset = try Self.read(text)
            #expect(dataset.sourceSRID == 3405, "\(name)")
            #expect(dataset.sourceCRSDescription == name)
        }
        let crs84 = try Self.read("{\"type\":\"Point\",\"coordinates\":[1,2],\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:OGC:1.3:CRS84\"}}}")
        #expect(crs84.sourceSRID == 4326)
    }

    @Test func projectedCoordinatesWithoutCRSLeaveItOpen() throws {
        let dataset = try Self.read("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[416785.4,2353056.3]},\"properties\":{\"a\":1}}")
        #expect(dataset.sourceSRID == nil)
        #expect(dataset.warnings.contains { $0.contains("choose the coordinate system") })
        #expect(dataset.features[0].values == [.integer(1)])
        let chosen = try Self.read("{\"type\":\"Point\",\"coordinates\":[416785.4,2353056.3]}", options: ReadOptions(srid: 9214))
        #expect(chosen.sourceSRID == 9214)
        #expect(chosen.features[0].geometry == .point(Point(x: 416785.4, y: 2353056.3)))
    }

    @Test func errorsNameTheFeature() {
        let badCoordinates = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{}},
              {"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{}},
              {"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2],["a",3]]},"properties":{}}]}
            """
        #expect(formatError { _ = try Self.read(badCoordinates) }?.description
                == "data.geojson: feature 3: geometry: coordinates[1]: expected [lon, lat]")
        let notFeature = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Point\",\"coordinates\":[1,2]}]}"
        #expect(formatError { _ = try Self.read(notFeature) }?.description
                == "data.geojson: feature 1: is not an object with \"type\": \"Feature\"")
        let badJSON = "{\"type\":\"FeatureCollection\",\n\"features\":[}"
        #expect(formatError { _ = try Self.read(badJSON) }?.description == "data.geojson: is not valid JSON: unexpected character at line 2, column 13")
        #expect(formatError { _ = try Self.read("[1,2]") }?.description.contains("no \"type\"") == true)
        let deep = String(repeating: "[", count: 5000)
        #expect(formatError { _ = try Self.read(deep) }?.description.contains("nest deeper") == true)
    }

    @Test func writerRoundTrips() throws {
        let features = [
            ImportedFeature(geometry: .point(Point(x: 106.123456789, y: 10.5)), properties: [("ten", .text("Đường \"Nguyễn\" Huệ\n")),
                            ("so", .integer(-3)), ("dt", .real(1.25)), ("ngay", .date("2024-02-29")), ("co", .boolean(false)), ("rong", .null)],
                            recordNumber: 1),
            ImportedFeature(geometry: nil, properties: [("ten", .text("b")), ("so", .integer(4)), ("dt", .real(2)),
                                                         ("ngay", .null), ("co", .boolean(true)), ("rong", .null)], recordNumber: 2),
        ]
        let writer = GeoJSONWriter()
        let data = writer.data(for: features)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("[106.1234568,10.5]"))
        #expect(text.contains("\"ten\":\"Đường \\\"Nguyễn\\\" Huệ\\n\",\"so\":-3,\"dt\":1.25,\"ngay\":\"2024-02-29\",\"co\":false,\"rong\":null"))
        let folder = TempFolder()
        let path = folder.write("out.geojson", [UInt8](data))
        let back = try DatasetReader.read(path: path, originalName: "out.geojson")
        #expect(back.features.count == 2)
        #expect(back.features[0].geometry == .point(Point(x: 106.1234568, y: 10.5)))
        #expect(back.features[0]["ten"] == .text("Đường \"Nguyễn\" Huệ\n"))
        #expect(back.fields.map(\.name) == ["ten", "so", "dt", "ngay", "co", "rong"])

        let streamed = folder.path("stream.geojson")
        _ = FileManager.default.createFile(atPath: streamed, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: streamed))
        try writer.write(features, to: handle)
        try handle.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: streamed)) == data)
        let projected = String(decoding: GeoJSONWriter(decimals: 3).data(for: features, srid: 9214), as: UTF8.self)
        #expect(projected.contains("\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::9214\"}}"))
    }
}
