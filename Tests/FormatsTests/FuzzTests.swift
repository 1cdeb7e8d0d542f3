import Foundation
import Geometry
import FormatsTestSupport
import Testing
@testable import Formats

/// A bounded, deterministic mutation fuzzer: each reader gets a few thousand corrupted
/// versions of a valid input and must answer with a dataset or a FormatError, never a crash.
@Suite struct FuzzTests {
    static let interesting: [UInt8] = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0x0D, 0x1A, 0x22, 0x2C, 0x5B, 0x7B, 0x3C]
    static let interestingWords: [[UInt8]] = [[0xFF, 0xFF, 0xFF, 0x7F], [0x00, 0x00, 0x00, 0x80], [0xFF, 0xFF, 0xFF, 0xFF], [0, 0, 0, 0], [0x10, 0, 0, 0]]

    static func mutate(_ input: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = input
        guard !bytes.isEmpty else { return [UInt8.random(in: 0...255, using: &random)] }
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let position = Int.random(in: 0..<max(bytes.count, 1), using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0:
                if position < bytes.count { bytes[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &random)) }
            case 1:
                if position < bytes.count { bytes[position] = interesting.randomElement(using: &random) ?? 0 }
            case 2:
                bytes = Array(bytes.prefix(position))
            case 3:
                let length = Int.random(in: 1...16, using: &random)
                let chunk = Array(bytes[position..<min(bytes.count, position + length)])
                bytes.insert(contentsOf: chunk, at: position)
            case 4:
                bytes.insert(contentsOf: (0..<Int.random(in: 1...8, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }, at: position)
            default:
                let word = interestingWords.randomElement(using: &random) ?? [0, 0, 0, 0]
                for (offset, byte) in word.enumerated() where position + offset < bytes.count { bytes[position + offset] = byte }
            }
            if bytes.isEmpty { break }
        }
        return bytes
    }

    /// Runs `body` on `count` mutations of `seed`; returns how many were accepted.
    static func fuzz(_ seed: [UInt8], count: Int, state: UInt64, _ body: ([UInt8]) throws -> Void) -> Int {
        var random = SplitMix64(state: state)
        var accepted = 0
        for _ in 0..<count {
            let input = mutate(seed, &random)
            do {
                try body(input)
                accepted += 1
            } catch is FormatError {
                continue
            } catch {
                Issue.record("a reader threw a non-FormatError: \(error)")
            }
        }
        return accepted
    }

    static var shapefile: ShapefileFiles {
        let outer = ShapefileTests.square(0, 0, 10, clockwise: true)
        let hole = ShapefileTests.square(2, 2, 2, clockwise: false)
        let (shp, shx) = ShapefileBuilder(shapeType: 15, shapes: [.parts([outer, hole]), .null, .parts([outer])]).build()
        var dbf = DBFBuilder(fields: [.init(name: "TEN", type: "C", length: 20), .init(name: "SO", type: "N", length: 6, decimals: 2),
                                      .init(name: "NGAY", type: "D", length: 8), .init(name: "CO", type: "L", length: 1)])
        dbf.encoding = .tcvn3
        dbf.records = [["Sông Kinh Thầy", "1.5", "20240101", "T"], ["Đường", "2", "", "F"], ["Hạ Long", "-3.25", "20231231", "?"]]
        return ShapefileFiles(name: "fuzz", shp: shp, shx: shx, dbf: dbf.build(), prj: ShapefileTests.vn2000Zone107, cpg: nil)
    }

    @Test func shapefileReaderNeverCrashes() {
        let base = Self.shapefile
        var limits = ImportLimits()
        limits.maxFeatures = 10_000
        let options = ReadOptions(limits: limits)
        let shpAccepted = Self.fuzz(base.shp, count: 1500, state: 1) { shp in
            var files = base
            files.shp = shp
            _ = try ShapefileReader.read(files, options: options)
        }
        let dbfAccepted = Self.fuzz(base.dbf ?? [], count: 1500, state: 2) { dbf in
            var files = base
            files.dbf = dbf
            _ = try ShapefileReader.read(files, options: options)
        }
        #expect(shpAccepted > 0 && shpAccepted < 1500)
        #expect(dbfAccepted > 0 && dbfAccepted < 1500)
    }

    @Test func geoJSONReaderNeverCrashes() {
        let seed = Array(GeoJSONTests.collection.utf8)
        let accepted = Self.fuzz(seed, count: 1500, state: 3) { bytes in
            _ = try GeoJSONReader.read(bytes: bytes, fileName: "f.geojson", options: ReadOptions())
        }
        #expect(accepted > 0)
    }

    @Test func csvReaderNeverCrashes() {
        let seed = TextEncoding.vniWindows.encode("Tên;Kinh độ;Vĩ độ;Số\n\"Chợ; Hạ Long\";107,07;20,95;1\nCầu Bãi Cháy;107,05;20,96;2\n")
        let accepted = Self.fuzz(seed, count: 1500, state: 4) { bytes in
            _ = try CSVDataset.read(bytes: bytes, fileName: "f.csv", options: ReadOptions())
        }
        #expect(accepted > 0)
    }

    @Test func smallParsersNeverCrash() {
        let kml = Array(KMLTests.kml.utf8)
        _ = Self.fuzz(kml, count: 300, state: 5) { bytes in
            _ = try KMLReader.read(bytes: bytes, fileName: "f.kml", options: ReadOptions())
        }
        let wkt = Array(ShapefileTests.vn2000Zone107.utf8)
        var random = SplitMix64(state: 6)
        for _ in 0..<1500 {
            _ = ProjectionFile.identify(wkt: String(decoding: Self.mutate(wkt, &random), as: UTF8.self))
        }
        let blob = [UInt8](GeoPackageTests.gpkgBlob(.polygon([ShapefileTests.square(0, 0, 1, clockwise: true)]), srid: 4326, envelope: true))
        for _ in 0..<1500 {
            _ = try? GeoPackageReader.decodeGeometry(Self.mutate(blob, &random))
        }
        for encoding in TextEncoding.allCases {
            for _ in 0..<200 {
                let bytes = (0..<64).map { _ in UInt8.random(in: 0...255, using: &random) }
                _ = EncodingDetector.rank(bytes)
                _ = encoding.decode(bytes)
            }
        }
    }
}
