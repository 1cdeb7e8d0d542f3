import Foundation
import Testing
import Geometry

@Suite("WKB and EWKB")
struct WKBTests {
    @Test(arguments: sampleGeometries)
    func roundTripBothByteOrders(geometry: Geometry) throws {
        for order in [WKB.ByteOrder.littleEndian, .bigEndian] {
            let data = WKB.encode(geometry, byteOrder: order)
            #expect(data.count == WKB.encodedSize(geometry))
            #expect(data.first == (order == .bigEndian ? 0 : 1))
            let decoded = try WKB.decodeWithSRID(data)
            #expect(decoded.geometry == geometry)
            #expect(decoded.srid == nil)
        }
    }

    @Test(arguments: sampleGeometries)
    func ewkbRoundTripKeepsSRID(geometry: Geometry) throws {
        for order in [WKB.ByteOrder.littleEndian, .bigEndian] {
            let decoded = try WKB.decodeWithSRID(WKB.encode(geometry, byteOrder: order, srid: 4326))
            #expect(decoded == WKB.Decoded(geometry: geometry, srid: 4326))
        }
    }

    @Test func knownBytes() throws {
        let point = Geometry.point(Point(1, 2))
        #expect(hex(WKB.encode(point)) == "0101000000000000000000F03F0000000000000040")
        #expect(hex(WKB.encode(point, byteOrder: .bigEndian)) == "00000000013FF00000000000004000000000000000")
        // SpatiaLite's AsEWKB(GeomFromText('POLYGON((0 0,1 0,1 1,0 0))',4326)).
        let spatiaLiteEWKB = "0103000020E6100000010000000400000000000000000000000000000000000000000000000000F03F0000000000000000000000000000F03F000000000000F03F00000000000000000000000000000000"
        let triangle = Geometry.polygon([[Point(0, 0), Point(1, 0), Point(1, 1), Point(0, 0)]])
        #expect(hex(WKB.encode(triangle, srid: 4326)) == spatiaLiteEWKB)
        #expect(try WKB.decodeWithSRID(bytes(hex: spatiaLiteEWKB)) == WKB.Decoded(geometry: triangle, srid: 4326))
    }

    @Test func zAndMAreDropped() throws {
        // SpatiaLite's AsBinary of POINTZ(1 2 3) and LINESTRINGZM(1 2 3 4,5 6 7 8): ISO codes.
        #expect(try WKB.decode(bytes(hex: "01E9030000000000000000F03F00000000000000400000000000000840"))
            == .point(Point(1, 2)))
        #expect(try WKB.decode(bytes(hex: "01BA0B000002000000000000000000F03F000000000000004000000000000008400000000000001040000000000000144000000000000018400000000000001C400000000000002040"))
            == .lineString([Point(1, 2), Point(5, 6)]))
        // SpatiaLite's AsEWKB of LINESTRINGZ(1 2 3,5 6 7): EWKB Z and SRID flags.
        #expect(try WKB.decodeWithSRID(bytes(hex: "01020000A0E610000002000000000000000000F03F00000000000000400000000000000840000000000000144000000000000018400000000000001C40"))
            == WKB.Decoded(geometry: .lineString([Point(1, 2), Point(5, 6)]), srid: 4326))
        // PostGIS EWKB POINTM(1 2 3), big-endian: type 0x40000001.
        #expect(try WKB.decode(bytes(hex: "00400000013FF000000000000040000000000000004008000000000000"))
            == .point(Point(1, 2)))
        // ISO MULTIPOINT M (2004) of two POINT M (2001).
        var multi = Data([1]) + le32(2004) + le32(2)
        for (x, y) in [(1.0, 2.0), (3.0, 4.0)] {
            multi += Data([1]) + le32(2001) + le64(x) + le64(y) + le64(99)
        }
        #expect(try WKB.decode(multi) == .multiPoint([Point(1, 2), Point(3, 4)]))
    }

    @Test func errorsSayWhatAndWhere() {
        // MULTIPOLYGON whose second polygon's third ring declares 0xFFFFFFFF points.
        var data = Data([1]) + le32(6) + le32(2)
        let ring = [Point(0, 0), Point(1, 0), Point(1, 1), Point(0, 0)]
        data += WKB.encode(.polygon([ring]))
        data += Data([1]) + le32(3) + le32(3) + le32(4) + points(ring) + le32(4) + points(ring)
        data += le32(0xFFFF_FFFF) + Data(repeating: 0, count: 120)
        #expect(throws: GeometryError.wkb("ring 3 of polygon 2 of multipolygon declares 4294967295 points at byte 231 but 120 bytes remain")) {
            try WKB.decode(data)
        }
        #expect(throws: GeometryError.wkb("geometry has unknown geometry type 99 (0x63) at byte 1")) {
            try WKB.decode(Data([1]) + le32(99))
        }
        #expect(throws: GeometryError.wkb("geometry has byte-order marker 7 at byte 0 (expected 0 or 1)")) {
            try WKB.decode(Data([7, 1, 0, 0, 0]))
        }
        #expect(throws: GeometryError.wkb("point is truncated at byte 5: 16 bytes needed for the coordinates, 8 remain")) {
            try WKB.decode(Data([1]) + le32(1) + le64(1))
        }
        #expect(throws: GeometryError.wkb("point has a non-finite coordinate (nan, 2.0) at byte 5")) {
            try WKB.decode(Data([1]) + le32(1) + le64(.nan) + le64(2))
        }
        #expect(throws: GeometryError.wkb("linestring 1 of multipoint is not allowed in a multipoint")) {
            try WKB.decode(Data([1]) + le32(4) + le32(1) + WKB.encode(.lineString([])))
        }
        #expect(throws: GeometryError.wkb("geometry is followed by 1 unexpected bytes at byte 21")) {
            try WKB.decode(WKB.encode(.point(Point(1, 2))) + Data([0]))
        }
        #expect(throws: GeometryError.wkb("geometry is truncated at byte 0: 1 bytes needed for the byte-order marker, 0 remain")) {
            try WKB.decode(Data())
        }
    }

    @Test func deepNestingIsRefused() {
        var data = Data()
        for _ in 0..<10_000 { data += Data([1]) + le32(7) + le32(1) }
        data += WKB.encode(.point(Point(1, 2)))
        #expect(throws: GeometryError.self) { try WKB.decode(data) }
    }

    private func points(_ points: [Point]) -> Data {
        points.reduce(Data()) { $0 + le64($1.x) + le64($1.y) }
    }
}

func le32(_ value: UInt32) -> Data {
    withUnsafeBytes(of: value.littleEndian) { Data($0) }
}

func le64(_ value: Double) -> Data {
    withUnsafeBytes(of: value.bitPattern.littleEndian) { Data($0) }
}
