import Foundation
import Geometry

/// Bytes from a hex string such as SpatiaLite's `hex()` prints.
func bytes(hex: String) -> Data {
    var data = Data()
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) ?? hex.endIndex
        data.append(UInt8(hex[index..<next], radix: 16) ?? 0)
        index = next
    }
    return data
}

/// Upper-case hex, as SpatiaLite's `hex()` prints it.
func hex(_ data: Data) -> String {
    data.map { String(format: "%02X", $0) }.joined()
}

/// SplitMix64: a small deterministic generator, so fuzz runs repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Whether two numbers agree within `relative` of the expected one.
func close(_ value: Double, _ expected: Double, relative: Double) -> Bool {
    abs(value - expected) <= abs(expected) * relative
}

/// Whether two points agree within `tolerance` on both axes.
func close(_ a: Point, _ b: Point, _ tolerance: Double) -> Bool {
    abs(a.x - b.x) <= tolerance && abs(a.y - b.y) <= tolerance
}

/// A polygon with a hole, used by several suites: a 10 × 10 square minus a 2 × 2 square.
let squareWithHole: Geometry = .polygon([
    [Point(0, 0), Point(10, 0), Point(10, 10), Point(0, 10), Point(0, 0)],
    [Point(4, 4), Point(4, 6), Point(6, 6), Point(6, 4), Point(4, 4)],
])

/// One geometry of each kind, with awkward values.
let sampleGeometries: [Geometry] = [
    .point(Point(105.85, 21.03)),
    .point(Point(-0.0, 1e-300)),
    .multiPoint([Point(1, 2), Point(3, 4)]),
    .multiPoint([]),
    .lineString([Point(0, 0), Point(1, 1), Point(2, 0.5)]),
    .lineString([]),
    .multiLineString([[Point(0, 0), Point(1, 1)], [Point(2, 2), Point(3, 3), Point(4, 2)]]),
    squareWithHole,
    .polygon([]),
    .multiPolygon([
        [[Point(0, 0), Point(10, 0), Point(10, 10), Point(0, 0)]],
        [[Point(20, 20), Point(30, 20), Point(30, 30), Point(20, 20)]],
    ]),
    .geometryCollection([
        .point(Point(1, 2)),
        .lineString([Point(0, 0), Point(1, 1)]),
        .geometryCollection([.multiPoint([Point(5, 5)])]),
    ]),
    .geometryCollection([]),
]
