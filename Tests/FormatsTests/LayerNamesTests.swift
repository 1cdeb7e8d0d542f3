import Foundation
import FormatsTestSupport
import Geometry
import Testing
@testable import Formats

/// `DatasetReader.layers`: the names a file of several layers offers, each of which reads its own layer.
@Suite struct LayerNamesTests {
    /// A zip of two point shapefiles: "data/duong" (one point) and "data/cau" (two points).
    static func twoShapefiles(in folder: TempFolder) throws -> String {
        func layer(_ count: Int) -> (shp: [UInt8], shx: [UInt8], dbf: [UInt8]) {
            let (shp, shx) = ShapefileBuilder(shapeType: 1, shapes: (0..<count).map { .point(Point(x: 106 + Double($0), y: 21)) }).build()
            let dbf = DBFBuilder(fields: [.init(name: "MA", type: "N", length: 5)], records: (0..<count).map { [String($0 + 1)] })
            return (shp, shx, dbf.build())
        }
        let duong = layer(1), cau = layer(2)
        let path = folder.path("hai_lop.zip")
        try makeZip(at: path, entries: [("data/duong.shp", duong.shp), ("data/duong.shx", duong.shx), ("data/duong.dbf", duong.dbf),
                                        ("data/cau.shp", cau.shp), ("data/cau.shx", cau.shx), ("data/cau.dbf", cau.dbf)])
        return path
    }

    @Test func aZipOfTwoShapefilesNamesBoth() throws {
        let folder = TempFolder()
        let path = try Self.twoShapefiles(in: folder)
        let layers = try DatasetReader.layers(path: path, originalName: "hai_lop.zip")
        #expect(layers == ["duong.shp", "cau.shp"])
        #expect(try DatasetReader.read(path: path, originalName: "hai_lop.zip", options: ReadOptions(layerName: layers[0])).features.count == 1)
        #expect(try DatasetReader.read(path: path, originalName: "hai_lop.zip", options: ReadOptions(layerName: layers[1])).features.count == 2)
        #expect(try DatasetReader.read(path: path, originalName: "hai_lop.zip", options: ReadOptions(layerName: "data/cau.shp")).features.count == 2)
        let previews = try DatasetReader.preview(path: path, originalName: "hai_lop.zip", options: ReadOptions(layerName: "CAU"))
        #expect(previews.first?.dataset.features.count == 2)
    }

    @Test func aGeoPackageNamesItsFeatureTables() throws {
        let folder = TempFolder()
        let path = folder.path("hai_lop.gpkg")
        try GeoPackageTests.makeGeoPackage(at: path, tables: ["lop_b", "lop_a"])
        #expect(try DatasetReader.layers(path: path, originalName: "hai_lop.gpkg") == ["lop_a", "lop_b"])
        let zipped = folder.path("goi.zip")
        try makeZip(at: zipped, entries: [("hai_lop.gpkg", Array(try Data(contentsOf: URL(fileURLWithPath: path))))])
        #expect(try DatasetReader.layers(path: zipped, originalName: "goi.zip") == ["lop_a", "lop_b"])
        #expect(try DatasetReader.read(path: zipped, originalName: "goi.zip", options: ReadOptions(layerName: "lop_b")).sourceSRID == 9214)
    }

    @Test func severalFilesOfOneFormatInAZipAreLayersToo() throws {
        let folder = TempFolder()
        let path = folder.path("bang.zip")
        try makeZip(at: path, entries: [("mot.csv", Array("ten,lon,lat\nA,106,21\n".utf8)), ("hai.csv", Array("ten,lon,lat\nB,107,22\nC,107,22\n".utf8))])
        #expect(try DatasetReader.layers(path: path, originalName: "bang.zip") == ["mot.csv", "hai.csv"])
        #expect(formatError { _ = try DatasetReader.read(path: path, originalName: "bang.zip") }?.description
                == "bang.zip: holds several layers (mot.csv, hai.csv); choose one of them")
        let second = try DatasetReader.read(path: path, originalName: "bang.zip", options: ReadOptions(layerName: "hai.csv"))
        #expect(second.features.map { $0["ten"] } == [.text("B"), .text("C")])
        #expect(formatError { _ = try DatasetReader.read(path: path, originalName: "bang.zip", options: ReadOptions(layerName: "ba.csv")) }?.description
                == "bang.zip: has no layer named \"ba.csv\"; it holds mot.csv, hai.csv")
    }

    @Test func aFileOfOneLayerNamesOneOrNone() throws {
        let folder = TempFolder()
        let geojson = folder.write("a.geojson", #"{"type":"FeatureCollection","features":[]}"#)
        #expect(try DatasetReader.layers(path: geojson, originalName: "a.geojson").isEmpty)
        let (shp, shx) = ShapefileBuilder(shapeType: 1, shapes: [.point(Point(x: 1, y: 2))]).build()
        let zip = folder.path("mot.zip")
        try makeZip(at: zip, entries: [("song.shp", shp), ("song.shx", shx)])
        #expect(try DatasetReader.layers(path: zip, originalName: "mot.zip") == ["song.shp"])
    }
}
