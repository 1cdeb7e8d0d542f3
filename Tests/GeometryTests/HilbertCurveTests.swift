import Geometry
import Testing

@Suite struct HilbertCurveTests {
    @Test func theCurveVisitsTheQuadrantsInOrderAndEachCellOnce() {
        let half = HilbertCurve.side / 2
        let quadrants = [(0, 0), (0, half), (half, half), (half, 0)].map { HilbertCurve.index(x: $0.0, y: $0.1) }
        #expect(quadrants == quadrants.sorted())
        #expect(HilbertCurve.index(x: 0, y: 0) == 0)
        // Each quadrant holds a quarter of the curve.
        let quarter = UInt64(half) * UInt64(half)
        #expect(HilbertCurve.index(x: half, y: half) / quarter == 2)
        // Distinct cells, distinct positions; neighbours on the curve are neighbours on the grid.
        var seen = Set<UInt64>()
        for x in UInt32(0)..<64 { for y in UInt32(0)..<64 { seen.insert(HilbertCurve.index(x: x, y: y)) } }
        #expect(seen.count == 64 * 64)
        #expect(seen.max() == 64 * 64 - 1, "the first 64×64 cells are the curve's first 4096 steps")
        var byIndex = [UInt64: (UInt32, UInt32)]()
        for x in UInt32(0)..<64 { for y in UInt32(0)..<64 { byIndex[HilbertCurve.index(x: x, y: y)] = (x, y) } }
        for step in UInt64(1)..<4096 {
            let a = byIndex[step - 1]!, b = byIndex[step]!
            #expect(abs(Int(a.0) - Int(b.0)) + abs(Int(a.1) - Int(b.1)) == 1, "step \(step)")
        }
    }

    @Test func pointsMapOntoTheGridOfTheirBox() {
        let box = BoundingBox(minX: 105, minY: 20, maxX: 107, maxY: 22)
        #expect(HilbertCurve.index(x: 105, y: 20, in: box) == 0)
        #expect(HilbertCurve.index(x: 90, y: 0, in: box) == 0, "outside the box counts as on its edge")
        #expect(HilbertCurve.index(x: .nan, y: 21, in: box) == HilbertCurve.index(x: 105, y: 21, in: box))
    }
}
