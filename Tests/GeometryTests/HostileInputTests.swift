import Foundation
import Testing
import Geometry

/// Malformed and mutated input must throw a `GeometryError`, never crash or hang.
@Suite("Hostile input")
struct HostileInputTests {
    /// Valid encodings of every sample, as seeds for mutation.
    static let wkbSeeds: [Data] = sampleGeometries.flatMap {
        [WKB.encode($0), WKB.encode($0, byteOrder: .bigEndian, srid: 4326)]
    }
    static let spatiaLiteSeeds: [Data] = [
        SpatiaLiteBlobTests.polygonWithHole, SpatiaLiteBlobTests.compressedPolygonWithHole,
        SpatiaLiteBlobTests.multiPolygon, SpatiaLiteBlobTests.multiLine, SpatiaLiteBlobTests.collection,
        "0081E610000001000000000000F03F0000000000000040FE",
    ].map { bytes(hex: $0) }

    /// Changes a few bytes, cuts, or splices in counts and special values.
    static func mutate(_ seed: Data, _ generator: inout SplitMix64) -> Data {
        var data = seed
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            guard !data.isEmpty else { break }
            let at = Int.random(in: 0..<data.count, using: &generator)
            switch Int.random(in: 0..<6, using: &generator) {
            case 0:
                data[at] = UInt8.random(in: 0...255, using: &generator)
            case 1:
                data = data.prefix(at)
            case 2:
                let words: [UInt32] = [0, 1, 3, 0x7FFF_FFFF, 0xFFFF_FFFF, 1_000_000, 7, 1003, 0x2000_0007]
                let word = words[Int.random(in: 0..<words.count, using: &generator)]
                let end = min(data.count, at + 4)
                data.replaceSubrange(at..<end, with: withUnsafeBytes(of: word.littleEndian) { Array($0) })
            case 3:
                let special: [Double] = [.nan, .infinity, -.infinity, 1e308]
                let value = special[Int.random(in: 0..<special.count, using: &generator)]
                let end = min(data.count, at + 8)
                data.replaceSubrange(at..<end, with: withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) })
            case 4:
                data.insert(UInt8.random(in: 0...255, using: &generator), at: at)
            default:
                data.remove(at: at)
            }
        }
        return data
    }

    @Test func wkbMutationFuzz() {
        var generator = SplitMix64(state: 0x5EED)
        var rejected = 0
        for i in 0..<3000 {
            let input = Self.mutate(Self.wkbSeeds[i % Self.wkbSeeds.count], &generator)
            do {
                let geometry = try WKB.decode(input)
                // Whatever decodes must encode and decode to itself.
                #expect(try WKB.decode(WKB.encode(geometry)) == geometry)
            } catch is GeometryError {
                rejected += 1
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
        #expect(rejected > 1000)
    }

    @Test func spatiaLiteMutationFuzz() {
        var generator = SplitMix64(state: 0xB10B)
        var rejected = 0
        for i in 0..<3000 {
            let input = Self.mutate(Self.spatiaLiteSeeds[i % Self.spatiaLiteSeeds.count], &generator)
            do {
                _ = try SpatiaLiteBlob.decode(input)
            } catch is GeometryError {
                rejected += 1
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
        #expect(rejected > 1000)
    }

    @Test func geoJSONMutationFuzz() {
        var generator = SplitMix64(state: 0x6E0)
        let seeds = sampleGeometries.map { GeoJSON.data(for: $0) }
        for i in 0..<1000 {
            let input = Self.mutate(seeds[i % seeds.count], &generator)
            do {
                _ = try GeoJSON.geometry(from: input)
            } catch is GeometryError {
                continue
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test func randomBytes() {
        var generator = SplitMix64(state: 42)
        for _ in 0..<2000 {
            let count = Int.random(in: 0..<64, using: &generator)
            let input = Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
            #expect(throws: GeometryError.self) { try SpatiaLiteBlob.decode(input) }
            _ = try? WKB.decode(input)
        }
    }

    @Test func hugeCountsDoNotAllocate() {
        // A linestring declaring 2^32 − 1 points, a collection declaring as many members.
        let line = Data([1]) + le32(2) + le32(0xFFFF_FFFF)
        #expect(throws: GeometryError.wkb("linestring declares 4294967295 points at byte 5 but 0 bytes remain")) {
            try WKB.decode(line)
        }
        let collection = Data([0, 0, 0, 0, 7, 0xFF, 0xFF, 0xFF, 0xFF, 1])
        #expect(throws: GeometryError.wkb("geometry collection declares 4294967295 members at byte 5 but 1 bytes remain")) {
            try WKB.decode(collection)
        }
        // The compressed polygon fixture with its second ring declaring 1000 points.
        var compressed = bytes(hex: SpatiaLiteBlobTests.compressedPolygonWithHole)
        let ringCount = 39 + 4 + 4 + 4 + 2 * 16 + 3 * 8
        compressed.replaceSubrange(ringCount..<(ringCount + 4), with: [0xE8, 0x03, 0, 0])
        #expect(throws: GeometryError.spatiaLite("ring 2 of polygon declares 1000 compressed points at byte 107 but 49 bytes remain")) {
            try SpatiaLiteBlob.decode(compressed)
        }
        #expect(throws: GeometryError.wkb("geometry has unknown geometry type 4000 (0xfa0) at byte 1")) {
            try WKB.decode(Data([1]) + le32(4000))
        }
    }
}
