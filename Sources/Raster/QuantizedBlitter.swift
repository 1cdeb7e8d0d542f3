/// Coverage rounded to fewer levels before blending, for pictures that must fit a palette.
enum CoverageQuantizer {
    /// For each 8-bit coverage, the nearest of `levels` evenly spaced levels from 0 to 255.
    static func table(levels: Int) -> [UInt8] {
        let steps = Double(min(max(levels, 2), 256) - 1)
        return (0..<256).map { c in
            let q = (Double(c) * steps / 255).rounded()
            return UInt8((q * 255 / steps).rounded())
        }
    }
}

/// Passes runs on to another blitter with their coverage looked up in a quantization table;
/// runs that round to zero are dropped.
struct QuantizedBlitter<Inner: Blitter>: Blitter {
    var inner: Inner
    let table: UnsafeBufferPointer<UInt8>

    @inline(__always)
    mutating func blitSpan(x: Int, y: Int, length: Int, coverage: UInt8) {
        let c = table[Int(coverage)]
        if c != 0 { inner.blitSpan(x: x, y: y, length: length, coverage: c) }
    }
}
