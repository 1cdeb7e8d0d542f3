import Foundation
import Testing
import Geometry

/// Every fixture below was produced by SpatiaLite 5.0.1 (`sqlite3` with
/// `load_extension('mod_spatialite')`) from the WKT in its comment, with `hex(GeomFromText(…))`
/// or `hex(CompressGeometry(GeomFromText(…)))`.
@Suite("SpatiaLite BLOB geometry")
struct SpatiaLiteBlobTests {
    // POLYGON((105 21,106 21,106 22,105 22,105 21),(105.25 21.25,105.5 21.25,105.5 21.5,105.25 21.25)), 4326
    static let polygonWithHole = "0001E61000000000000000405A4000000000000035400000000000805A4000000000000036407C0300000002000000050000000000000000405A4000000000000035400000000000805A4000000000000035400000000000805A4000000000000036400000000000405A4000000000000036400000000000405A400000000000003540040000000000000000505A4000000000004035400000000000605A4000000000004035400000000000605A4000000000008035400000000000505A400000000000403540FE"
    // The same polygon, compressed.
    static let compressedPolygonWithHole = "0001E61000000000000000405A4000000000000035400000000000805A4000000000000036407C43420F0002000000050000000000000000405A4000000000000035400000803F00000000000000000000803F000080BF000000000000000000405A400000000000003540040000000000000000505A4000000000004035400000803E00000000000000000000803E0000000000505A400000000000403540FE"
    static let hanoiPolygon: Geometry = .polygon([
        [Point(105, 21), Point(106, 21), Point(106, 22), Point(105, 22), Point(105, 21)],
        [Point(105.25, 21.25), Point(105.5, 21.25), Point(105.5, 21.5), Point(105.25, 21.25)],
    ])
    // MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0),(2 2,4 2,4 4,2 2)),((20 20,30 20,30 30,20 20))), 3857
    static let multiPolygon = "0001110F0000000000000000000000000000000000000000000000003E400000000000003E407C0600000002000000690300000002000000050000000000000000000000000000000000000000000000000024400000000000000000000000000000244000000000000024400000000000000000000000000000244000000000000000000000000000000000040000000000000000000040000000000000004000000000000010400000000000000040000000000000104000000000000010400000000000000040000000000000004069030000000100000004000000000000000000344000000000000034400000000000003E4000000000000034400000000000003E400000000000003E4000000000000034400000000000003440FE"
    // MULTILINESTRING((0 0,1 1),(2 2,3 3,4 2)), 4326
    static let multiLine = "0001E610000000000000000000000000000000000000000000000000104000000000000008407C050000000200000069020000000200000000000000000000000000000000000000000000000000F03F000000000000F03F690200000003000000000000000000004000000000000000400000000000000840000000000000084000000000000010400000000000000040FE"
    // GEOMETRYCOLLECTION(POINT(1 2),LINESTRING(0 0,1 1),POLYGON((0 0,1 0,1 1,0 0))), 4326
    static let collection = "0001E610000000000000000000000000000000000000000000000000F03F00000000000000407C07000000030000006901000000000000000000F03F000000000000004069020000000200000000000000000000000000000000000000000000000000F03F000000000000F03F6903000000010000000400000000000000000000000000000000000000000000000000F03F0000000000000000000000000000F03F000000000000F03F00000000000000000000000000000000FE"

    @Test func polygonWithHole() throws {
        let decoded = try SpatiaLiteBlob.decode(bytes(hex: Self.polygonWithHole))
        #expect(decoded.srid == 4326)
        #expect(decoded.mbr == BoundingBox(minX: 105, minY: 21, maxX: 106, maxY: 22))
        #expect(decoded.geometry == Self.hanoiPolygon)
    }

    @Test func compressedPolygonWithHole() throws {
        let decoded = try SpatiaLiteBlob.decode(bytes(hex: Self.compressedPolygonWithHole))
        #expect(decoded.srid == 4326)
        #expect(decoded.geometry == Self.hanoiPolygon)
    }

    @Test func compressedLineWithInexactDeltas() throws {
        // LINESTRING(105.8412 21.0245,105.8523 21.0301,105.8634 21.0288,105.8701 21.0399),
        // compressed: the middle vertices come back as previous + Float(delta). Expected values
        // decoded independently (Python struct), and SpatiaLite's ST_X(PointN(g, 2)) printed
        // 105.8522999997705 for the second vertex.
        let blob = "0001E61000004B598638D6755A4083C0CAA145063540F90FE9B7AF775A40431CEBE2360A35407C42420F00040000004B598638D6755A4083C0CAA145063540C6DC353C3480B73BC6DC353CC364AABAF90FE9B7AF775A40431CEBE2360A3540FE"
        let decoded = try SpatiaLiteBlob.decode(bytes(hex: blob))
        #expect(decoded.geometry == .lineString([
            Point(105.8412, 21.0245),
            Point(105.85229999977052, 21.030099999800324),
            Point(105.86339999954104, 21.028799999796785),
            Point(105.8701, 21.0399),
        ]))
    }

    @Test func multiPartGeometries() throws {
        let polygons = try SpatiaLiteBlob.decode(bytes(hex: Self.multiPolygon))
        #expect(polygons.srid == 3857)
        #expect(polygons.mbr == BoundingBox(minX: 0, minY: 0, maxX: 30, maxY: 30))
        #expect(polygons.geometry == .multiPolygon([
            [[Point(0, 0), Point(10, 0), Point(10, 10), Point(0, 10), Point(0, 0)],
             [Point(2, 2), Point(4, 2), Point(4, 4), Point(2, 2)]],
            [[Point(20, 20), Point(30, 20), Point(30, 30), Point(20, 20)]],
        ]))
        #expect(try SpatiaLiteBlob.decode(bytes(hex: Self.multiLine)).geometry == .multiLineString([
            [Point(0, 0), Point(1, 1)], [Point(2, 2), Point(3, 3), Point(4, 2)],
        ]))
        // MULTIPOINT(1 2,3 4), 4326
        let multiPoint = "0001E6100000000000000000F03F0000000000000040000000000000084000000000000010407C04000000020000006901000000000000000000F03F0000000000000040690100000000000000000008400000000000001040FE"
        #expect(try SpatiaLiteBlob.decode(bytes(hex: multiPoint)).geometry == .multiPoint([Point(1, 2), Point(3, 4)]))
        #expect(try SpatiaLiteBlob.decode(bytes(hex: Self.collection)).geometry == .geometryCollection([
            .point(Point(1, 2)),
            .lineString([Point(0, 0), Point(1, 1)]),
            .polygon([[Point(0, 0), Point(1, 0), Point(1, 1), Point(0, 0)]]),
        ]))
        // GEOMETRYCOLLECTION(POINT(1 2),LINESTRING(0 0,0.5 0.5,1 1)), compressed.
        let compressedCollection = "0001E610000000000000000000000000000000000000000000000000F03F00000000000000407C07000000020000006901000000000000000000F03F00000000000000406942420F0003000000000000000000000000000000000000000000003F0000003F000000000000F03F000000000000F03FFE"
        #expect(try SpatiaLiteBlob.decode(bytes(hex: compressedCollection)).geometry == .geometryCollection([
            .point(Point(1, 2)), .lineString([Point(0, 0), Point(0.5, 0.5), Point(1, 1)]),
        ]))
    }

    @Test func zAndMVariants() throws {
        // POINTZ(1 2 3), POINTM(3 4 5), 4326
        #expect(try SpatiaLiteBlob.decode(bytes(hex: "0001E6100000000000000000F03F0000000000000040000000000000F03F00000000000000407CE9030000000000000000F03F00000000000000400000000000000840FE")).geometry == .point(Point(1, 2)))
        #expect(try SpatiaLiteBlob.decode(bytes(hex: "0001E610000000000000000008400000000000001040000000000000084000000000000010407CD1070000000000000000084000000000000010400000000000001440FE")).geometry == .point(Point(3, 4)))
        let triangle = Geometry.polygon([[Point(0, 0), Point(1, 0), Point(1, 1), Point(0, 0)]])
        // POLYGONZ((0 0 1,1 0 2,1 1 3,0 0 1)), 4326
        #expect(try SpatiaLiteBlob.decode(bytes(hex: "0001E610000000000000000000000000000000000000000000000000F03F000000000000F03F7CEB030000010000000400000000000000000000000000000000000000000000000000F03F000000000000F03F00000000000000000000000000000040000000000000F03F000000000000F03F000000000000084000000000000000000000000000000000000000000000F03FFE")).geometry == triangle)
        // POLYGONZM((0 0 1 9,1 0 2 9,1 1 3 9,0 0 1 9)), 4326
        #expect(try SpatiaLiteBlob.decode(bytes(hex: "0001E610000000000000000000000000000000000000000000000000F03F000000000000F03F7CBB0B0000010000000400000000000000000000000000000000000000000000000000F03F0000000000002240000000000000F03F000000000000000000000000000000400000000000002240000000000000F03F000000000000F03F0000000000000840000000000000224000000000000000000000000000000000000000000000F03F0000000000002240FE")).geometry == triangle)
        let line = Geometry.lineString([Point(0, 0), Point(1, 1), Point(2, 0.5)])
        // LINESTRING M(0 0 5,1 1 6,2 0.5 7), compressed: class 1002002, m kept as a double.
        #expect(try SpatiaLiteBlob.decode(bytes(hex: "0001E6100000000000000000000000000000000000000000000000000040000000000000F03F7C124A0F00030000000000000000000000000000000000000000000000000014400000803F0000803F00000000000018400000000000000040000000000000E03F0000000000001C40FE")).geometry == line)
        // LINESTRING Z(0 0 5,1 1 6,2 0.5 7), compressed: class 1001002.
        #expect(try SpatiaLiteBlob.decode(bytes(hex: "0001E6100000000000000000000000000000000000000000000000000040000000000000F03F7C2A460F00030000000000000000000000000000000000000000000000000014400000803F0000803F0000803F0000000000000040000000000000E03F0000000000001C40FE")).geometry == line)
        // LINESTRING ZM(0 0 5 9,1 1 6 9,2 0.5 7 9), compressed: class 1003002.
        #expect(try SpatiaLiteBlob.decode(bytes(hex: "0001E6100000000000000000000000000000000000000000000000000040000000000000F03F7CFA4D0F000300000000000000000000000000000000000000000000000000144000000000000022400000803F0000803F0000803F00000000000022400000000000000040000000000000E03F0000000000001C400000000000002240FE")).geometry == line)
        // MULTILINESTRINGZ((0 0 1,0.5 0.5 2,1 1 3),(2 2 0,2.5 2 0)), compressed members.
        #expect(try SpatiaLiteBlob.decode(bytes(hex: "0001E610000000000000000000000000000000000000000000000000044000000000000000407CED03000002000000692A460F000300000000000000000000000000000000000000000000000000F03F0000003F0000003F0000803F000000000000F03F000000000000F03F0000000000000840692A460F0002000000000000000000004000000000000000400000000000000000000000000000044000000000000000400000000000000000FE")).geometry == .multiLineString([
            [Point(0, 0), Point(0.5, 0.5), Point(1, 1)], [Point(2, 2), Point(2.5, 2)],
        ]))
    }

    @Test func tinyPoint() throws {
        // SELECT EnableTinyPoint(); SELECT hex(MakePoint(1, 2, 4326));
        let decoded = try SpatiaLiteBlob.decode(bytes(hex: "0081E610000001000000000000F03F0000000000000040FE"))
        #expect(decoded == SpatiaLiteBlob.Decoded(geometry: .point(Point(1, 2)), srid: 4326,
                                                  mbr: BoundingBox(minX: 1, minY: 2, maxX: 1, maxY: 2)))
        #expect(try SpatiaLiteBlob.header(of: bytes(hex: "0081E610000001000000000000F03F0000000000000040FE")).srid == 4326)
    }

    @Test func encoderMatchesSpatiaLiteByteForByte() throws {
        #expect(hex(try SpatiaLiteBlob.encode(Self.hanoiPolygon, srid: 4326)) == Self.polygonWithHole)
        let multi = try SpatiaLiteBlob.decode(bytes(hex: Self.multiPolygon)).geometry
        #expect(hex(try SpatiaLiteBlob.encode(multi, srid: 3857)) == Self.multiPolygon)
        let lines = try SpatiaLiteBlob.decode(bytes(hex: Self.multiLine)).geometry
        #expect(hex(try SpatiaLiteBlob.encode(lines, srid: 4326)) == Self.multiLine)
        let collection = try SpatiaLiteBlob.decode(bytes(hex: Self.collection)).geometry
        #expect(hex(try SpatiaLiteBlob.encode(collection, srid: 4326)) == Self.collection)
        #expect(hex(try SpatiaLiteBlob.encode(.point(Point(1, 2)), srid: 4326))
            == "0001E6100000000000000000F03F0000000000000040000000000000F03F00000000000000407C01000000000000000000F03F0000000000000040FE")
    }

    @Test func encodeRoundTripsBothByteOrders() throws {
        for geometry in sampleGeometries where !geometry.isEmpty {
            for order in [WKB.ByteOrder.littleEndian, .bigEndian] {
                let decoded = try SpatiaLiteBlob.decode(SpatiaLiteBlob.encode(geometry, srid: 32648, byteOrder: order))
                #expect(decoded.srid == 32648)
                #expect(decoded.mbr == geometry.bbox)
                if case .geometryCollection = geometry {
                    // SpatiaLite collections hold only points, lines and polygons.
                    #expect(decoded.geometry.vertexCount == geometry.vertexCount)
                } else {
                    #expect(decoded.geometry == geometry)
                }
            }
        }
        #expect(throws: GeometryError.spatiaLite("cannot represent an empty LineString")) {
            try SpatiaLiteBlob.encode(.lineString([]), srid: 4326)
        }
    }

    @Test func headerOnly() throws {
        let header = try SpatiaLiteBlob.header(of: bytes(hex: Self.multiPolygon))
        #expect(header == SpatiaLiteBlob.Header(srid: 3857, mbr: BoundingBox(minX: 0, minY: 0, maxX: 30, maxY: 30)))
    }

    @Test func errorsSayWhatAndWhere() {
        var blob = bytes(hex: Self.polygonWithHole)
        // Ring 2's point count sits after the header (39), class (4), ring count (4) and
        // ring 1 (4 + 5 × 16).
        let ringCount = 39 + 4 + 4 + 84
        blob.replaceSubrange(ringCount..<(ringCount + 4), with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: GeometryError.spatiaLite("ring 2 of polygon declares 4294967295 points at byte 131 but 65 bytes remain")) {
            try SpatiaLiteBlob.decode(blob)
        }
        var badClass = bytes(hex: Self.polygonWithHole)
        badClass[39] = 9
        #expect(throws: GeometryError.spatiaLite("geometry has unknown class type 9 at byte 39")) {
            try SpatiaLiteBlob.decode(badClass)
        }
        var noEnd = bytes(hex: Self.polygonWithHole)
        noEnd[noEnd.count - 1] = 0xFD
        #expect(throws: GeometryError.spatiaLite("geometry has byte 0xfd at byte 199 where the end marker 0xFE belongs")) {
            try SpatiaLiteBlob.decode(noEnd)
        }
        #expect(throws: GeometryError.spatiaLite("geometry starts with byte 0x1 instead of 0x00")) {
            try SpatiaLiteBlob.decode(Data([1, 1, 0, 0]))
        }
        // The multi-line fixture with its second entity's class changed to polygon (3).
        var wrongMember = bytes(hex: Self.multiLine)
        let secondEntity = 39 + 4 + 4 + (1 + 4 + 4 + 32)
        wrongMember[secondEntity + 1] = 3
        #expect(throws: GeometryError.spatiaLite("polygon 2 of multilinestring is not allowed in a multilinestring")) {
            try SpatiaLiteBlob.decode(wrongMember)
        }
        var badMarker = bytes(hex: Self.multiLine)
        badMarker[secondEntity] = 0x42
        #expect(throws: GeometryError.spatiaLite("entity 2 of multilinestring has byte 0x42 at byte 88 where the entity marker 0x69 belongs")) {
            try SpatiaLiteBlob.decode(badMarker)
        }
    }
}
