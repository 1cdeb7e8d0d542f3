/// Receives coverage from the scan converter: one call per horizontal run of pixels that share
/// the same non-zero 8-bit coverage (255 = fully inside).
///
/// This separates scan conversion from pixel writing: the canvas blitter blends a colour,
/// while tests record the runs to check coverage exactly.
public protocol Blitter {
    /// `length` pixels from (x, y) to the right, all with `coverage` (1...255).
    mutating func blitSpan(x: Int, y: Int, length: Int, coverage: UInt8)
}

/// Source-over blending of one premultiplied colour into RGBA8 premultiplied pixels.
///
/// Fully covered runs of an opaque colour are a plain fill; everything else blends per pixel
/// with exact rounding.
struct SolidColorBlitter: Blitter {
    let pixels: UnsafeMutablePointer<UInt32>
    let width: Int
    /// The premultiplied colour, opacity included.
    let color: UInt32
    let isOpaque: Bool

    init(pixels: UnsafeMutablePointer<UInt32>, width: Int, color: UInt32) {
        self.pixels = pixels
        self.width = width
        self.color = color
        isOpaque = PixelMath.alpha(color) == 255
    }

    @inline(__always)
    mutating func blitSpan(x: Int, y: Int, length: Int, coverage: UInt8) {
        let start = pixels + y * width + x
        if coverage == 255 {
            if isOpaque {
                start.update(repeating: color, count: length)
                return
            }
            let inverse = 255 &- PixelMath.alpha(color)
            for i in 0..<length {
                start[i] = color &+ PixelMath.scale(start[i], inverse)
            }
            return
        }
        let source = PixelMath.scale(color, UInt32(coverage))
        let inverse = 255 &- PixelMath.alpha(source)
        for i in 0..<length {
            start[i] = source &+ PixelMath.scale(start[i], inverse)
        }
    }
}
