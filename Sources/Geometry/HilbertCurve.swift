/// Positions along a Hilbert curve over a 2¹⁶ × 2¹⁶ grid: points close on the curve are close
/// on the map, so writing in this order keeps neighbours together (in an R-tree's nodes, in a
/// table's pages).
public enum HilbertCurve {
    /// The grid's side.
    public static let side: UInt32 = 1 << 16

    /// The curve's index of cell (`x`, `y`), both below `side`.
    public static func index(x: UInt32, y: UInt32) -> UInt64 {
        var x = x, y = y
        var index: UInt64 = 0
        var s = side / 2
        while s > 0 {
            let rx: UInt32 = (x & s) > 0 ? 1 : 0
            let ry: UInt32 = (y & s) > 0 ? 1 : 0
            index += UInt64(s) * UInt64(s) * UInt64((3 * rx) ^ ry)
            // Rotate the quadrant so the curve stays continuous.
            if ry == 0 {
                if rx == 1 {
                    x = side - 1 - x
                    y = side - 1 - y
                }
                swap(&x, &y)
            }
            s /= 2
        }
        return index
    }

    /// The index of the cell holding (`x`, `y`) when `box` is laid over the grid; points outside
    /// the box count as on its edge.
    public static func index(x: Double, y: Double, in box: BoundingBox) -> UInt64 {
        func cell(_ value: Double, _ low: Double, _ high: Double) -> UInt32 {
            guard high > low, value.isFinite else { return 0 }
            let scaled = (value - low) / (high - low) * Double(side - 1)
            return UInt32(min(max(scaled, 0), Double(side - 1)))
        }
        return index(x: cell(x, box.minX, box.maxX), y: cell(y, box.minY, box.maxY))
    }
}
