import Foundation
import Geometry
import FormatsTestSupport
import Testing
@testable import Formats

@Suite struct ShapefileTests {
    static let vn2000Zone107 = """
        PROJCS["VN_2000_KTT_107_mui_3",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],\
        PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],\
        PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",107.0],PARAMETER["Scale_Factor",0.9999],\
        PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]
        """

    /// A zipped layer of the given shapes with one text attribute per shape.
    static func zipLayer(_ builder: ShapefileBuilder, name: String = "lop", prj: String? = vn2000Zone107,
                         in folder: TempFolder) throws -> String {
        let (shp, shx) = builder.build()
        var dbf = DBFBuilder(fields: [.init(name: "MA", type: "N", length: 5)])
        dbf.records = builder.shapes.indices.map { [String($0 + 1)] }
        var entries = [("\(name).shp", shp), ("\(name).shx", shx), ("\(name).dbf", dbf.build())]
        if let prj { entries.append(("\(name).prj", Array(prj.utf8))) }
        let path = folder.path("\(name).zip")
        try makeZip(at: path, entries: entries)
        return path
    }

    static func read(_ builder: ShapefileBuilder, options: ReadOptions = ReadOptions()) throws -> ImportedDataset {
        let folder = TempFolder()
        return try DatasetReader.read(path: zipLayer(builder, in: folder), originalName: "upload.zip", options: options)
    }

    static func square(_ x: Double, _ y: Double, _ size: Double, clockwise: Bool) -> [Point] {
        let ring = [Point(x: x, y: y), Point(x: x, y: y + size), Point(x: x + size, y: y + size), Point(x: x + size, y: y), Point(x: x, y: y)]
        return clockwise ? ring : ring.reversed()
    }

    @Test func zippedPointsWithPrj() throws {
        let builder = ShapefileBuilder(shapeType: 1, shapes: [.point(Point(x: 416785.4281, y: 2353056.3814)), .point(Point(x: 1.5, y: -2.25))])
        let dataset = try Self.read(builder)
        #expect(dataset.features.count == 2)
        #expect(dataset.features[0].geometry == .point(Point(x: 416785.4281, y: 2353056.3814)))
        #expect(dataset.features[1].geometry == .point(Point(x: 1.5, y: -2.25)))
        #expect(dataset.features[1].values == [.integer(2)])
        #expect(dataset.sourceSRID == 9214)
        #expect(dataset.sourceCRSDescription?.hasPrefix("PROJCS[\"VN_2000_KTT_107_mui_3\"") == true)
    }

    @Test func polygonHolesGoToTheirOuterRing() throws {
        let outerA = Self.square(0, 0, 10, clockwise: true)
        let holeA = Self.square(2, 2, 2, clockwise: false)
        let outerB = Self.square(20, 0, 5, clockwise: true)
        let holeB = Self.square(21, 1, 1, clockwise: false)
        // Holes listed before the outer ring of the second polygon, as some writers do.
        let builder = ShapefileBuilder(shapeType: 5, shapes: [.parts([outerA, holeB, holeA, outerB]), .parts([outerA, holeA])])
        let dataset = try Self.read(builder)
        #expect(dataset.features[0].geometry == .multiPolygon([[outerA, holeA], [outerB, holeB]]))
        #expect(dataset.features[1].geometry == .polygon([outerA, holeA]))
    }

    @Test func counterClockwiseOnlyFilesNestByContainment() throws {
        let outer = Self.square(0, 0, 10, clockwise: false)
        let inner = Self.square(2, 2, 2, clockwise: false)
        let dataset = try Self.read(ShapefileBuilder(shapeType: 5, shapes: [.parts([outer, inner])]))
        #expect(dataset.features[0].geometry == .polygon([outer, inner]))
    }

    @Test func multipartLinesAndMultipoints() throws {
        let lines = ShapefileBuilder(shapeType: 3, shapes: [
            .parts([[Point(x: 0, y: 0), Point(x: 1, y: 1)], [Point(x: 2, y: 2), Point(x: 3, y: 2), Point(x: 4, y: 5)]]),
            .parts([[Point(x: 0, y: 0), Point(x: 1, y: 1)]]),
        ])
        let lineSet = try Self.read(lines)
        #expect(lineSet.features[0].geometry == .multiLineString([[Point(x: 0, y: 0), Point(x: 1, y: 1)],
                                                                   [Point(x: 2, y: 2), Point(x: 3, y: 2), Point(x: 4, y: 5)]]))
        #expect(lineSet.features[1].geometry == .lineString([Point(x: 0, y: 0), Point(x: 1, y: 1)]))
        let points = try Self.read(ShapefileBuilder(shapeType: 8, shapes: [.multiPoint([Point(x: 1, y: 2), Point(x: 3, y: 4)])]))
        #expect(points.features[0].geometry == .multiPoint([Point(x: 1, y: 2), Point(x: 3, y: 4)]))
    }

    @Test(arguments: [1, 3, 5, 8])
    func zAndMVariantsReadAs2D(_ family: Int) throws {
        let shape: ShapefileBuilder.Shape
        let expected: Geometry
        switch family {
        case 1:
            shape = .point(Point(x: 105.5, y: 20.25))
            expected = .point(Point(x: 105.5, y: 20.25))
        case 8:
            shape = .multiPoint([Point(x: 1, y: 2), Point(x: 3, y: 4)])
            expected = .multiPoint([Point(x: 1, y: 2), Point(x: 3, y: 4)])
        case 3:
            shape = .parts([[Point(x: 0, y: 0), Point(x: 5, y: 5)]])
            expected = .lineString([Point(x: 0, y: 0), Point(x: 5, y: 5)])
        default:
            let ring = Self.square(0, 0, 3, clockwise: true)
            shape = .parts([ring])
            expected = .polygon([ring])
        }
        for type in [family + 10, family + 20] {
            let dataset = try Self.read(ShapefileBuilder(shapeType: type, shapes: [shape, shape]))
            #expect(dataset.features.map(\.geometry) == [expected, expected], "shape type \(type)")
        }
    }

    @Test func nullShapesAreCounted() throws {
        let dataset = try Self.read(ShapefileBuilder(shapeType: 1, shapes: [.null, .point(Point(x: 1, y: 1)), .null]))
        #expect(dataset.features.map(\.geometry) == [nil, .point(Point(x: 1, y: 1)), nil])
        #expect(dataset.warnings.contains { $0.contains("2 record(s) have no geometry") })
    }

    @Test func truncatedShpNamesTheRecord() throws {
        let (shp, _) = ShapefileBuilder(shapeType: 1, shapes: [.point(Point(x: 1, y: 1)), .point(Point(x: 2, y: 2))]).build()
        var reader = ShapeReader(bytes: Array(shp.dropLast(6)), fileName: "roads.shp")
        let error = formatError { _ = try reader.read(limits: ImportLimits()) }
        #expect(error?.description == "roads.shp: record 2: declares 20 bytes of content at byte 136, but only 14 remain; the file is truncated")
        var short = ShapeReader(bytes: Array(shp.prefix(60)), fileName: "roads.shp")
        #expect(formatError { _ = try short.read(limits: ImportLimits()) }?.description.contains("too short") == true)
    }

    @Test func lyingCountsAreErrors() {
        var builder = ShapefileBuilder(shapeType: 5)
        let ring = Self.square(0, 0, 1, clockwise: true)
        // Part count 1, point count 1000 in a record that holds 5 points.
        var content = ShapefileBuilder.le32(5) + [UInt8](repeating: 0, count: 32) + ShapefileBuilder.le32(1) + ShapefileBuilder.le32(1000) + ShapefileBuilder.le32(0)
        for point in ring { content += ShapefileBuilder.le64(point.x) + ShapefileBuilder.le64(point.y) }
        builder.shapes = [.raw(content)]
        var reader = ShapeReader(bytes: builder.build().shp, fileName: "a.shp")
        #expect(formatError { _ = try reader.read(limits: ImportLimits()) }?.description
                == "a.shp: record 1: declares 1 parts and 1000 points, more than its 128 bytes can hold")
        // A part starting beyond the points.
        var parts = ShapefileBuilder.le32(5) + [UInt8](repeating: 0, count: 32) + ShapefileBuilder.le32(2) + ShapefileBuilder.le32(5)
        parts += ShapefileBuilder.le32(0) + ShapefileBuilder.le32(9)
        for point in ring { parts += ShapefileBuilder.le64(point.x) + ShapefileBuilder.le64(point.y) }
        builder.shapes = [.raw(parts)]
        var second = ShapeReader(bytes: builder.build().shp, fileName: "a.shp")
        #expect(formatError { _ = try second.read(limits: ImportLimits()) }?.description
                == "a.shp: record 1: part 2 starts at point 9, outside the 5 points of the shape")
    }

    @Test func unknownShapeTypes() {
        var builder = ShapefileBuilder(shapeType: 1, shapes: [.raw(ShapefileBuilder.le32(77) + [UInt8](repeating: 0, count: 16))])
        var reader = ShapeReader(bytes: builder.build().shp, fileName: "a.shp")
        #expect(formatError { _ = try reader.read(limits: ImportLimits()) }?.description == "a.shp: record 1: has unknown shape type 77")
        builder = ShapefileBuilder(shapeType: 31)
        var patch = ShapeReader(bytes: builder.build().shp, fileName: "a.shp")
        #expect(formatError { _ = try patch.read(limits: ImportLimits()) }?.description.contains("MultiPatch") == true)
        builder = ShapefileBuilder(shapeType: 1, shapes: [.parts([[Point(x: 0, y: 0), Point(x: 1, y: 1)]])])
        builder.shapes = [.raw(ShapefileBuilder(shapeType: 3).content(.parts([[Point(x: 0, y: 0), Point(x: 1, y: 1)]])))]
        var mixed = ShapeReader(bytes: builder.build().shp, fileName: "a.shp")
        #expect(formatError { _ = try mixed.read(limits: ImportLimits()) }?.description == "a.shp: record 1: is a PolyLine shape but the file declares Point shapes")
    }

    @Test func featureLimit() throws {
        var options = ReadOptions()
        options.limits.maxFeatures = 2
        let builder = ShapefileBuilder(shapeType: 1, shapes: (0..<3).map { .point(Point(x: Double($0), y: 0)) })
        let error = formatError { _ = try Self.read(builder, options: options) }
        #expect(error?.description == "lop.shp: has more than 2 shapes, the limit")
    }

    @Test func severalLayersNeedAChoice() throws {
        let folder = TempFolder()
        let (shp, shx) = ShapefileBuilder(shapeType: 1, shapes: [.point(Point(x: 1, y: 2))]).build()
        var dbf = DBFBuilder(fields: [.init(name: "MA", type: "N", length: 5)])
        dbf.records = [["1"]]
        let path = folder.path("two.zip")
        try makeZip(at: path, entries: [("data/duong.shp", shp), ("data/duong.dbf", dbf.build()), ("data/cau.shp", shp),
                                        ("data/cau.shx", shx), ("data/cau.dbf", dbf.build()), ("__MACOSX/data/._cau.shp", [0])])
        let error = formatError { _ = try DatasetReader.read(path: path, originalName: "two.zip") }
        #expect(error?.description == "two.zip: holds several layers (data/duong.shp, data/cau.shp); choose one of them")
        let chosen = try DatasetReader.read(path: path, originalName: "two.zip", options: ReadOptions(layerName: "cau"))
        #expect(chosen.features.count == 1)
        #expect(chosen.warnings.contains { $0.contains("no .prj") })
        let missing = formatError { _ = try DatasetReader.read(path: path, originalName: "two.zip", options: ReadOptions(layerName: "song")) }
        #expect(missing?.description == "two.zip: has no layer named \"song\"; it holds duong.shp, cau.shp")
    }

    @Test func bareFilesInAFolder() throws {
        let folder = TempFolder()
        let (shp, shx) = ShapefileBuilder(shapeType: 1, shapes: [.point(Point(x: 106.1, y: 21.2))]).build()
        var dbf = DBFBuilder(fields: [.init(name: "TEN", type: "C", length: 30)])
        dbf.encoding = .windows1258
        dbf.records = [["Sông Kinh Thầy"]]
        folder.write("Song.SHP", shp)
        folder.write("Song.shx", shx)
        folder.write("Song.dbf", dbf.build())
        folder.write("Song.cpg", "1258")
        folder.write("Song.prj", "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]")
        for path in [folder.url.path, folder.path("Song.SHP")] {
            let dataset = try DatasetReader.read(path: path, originalName: URL(fileURLWithPath: path).lastPathComponent)
            #expect(dataset.features.first?.values == [.text("Sông Kinh Thầy")])
            #expect(dataset.sourceSRID == 4326)
            #expect(dataset.encoding == .windows1258)
        }
    }
}
