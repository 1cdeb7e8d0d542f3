/// An RGBA8 image with premultiplied alpha, row-major, top row first.
///
/// Each pixel is one `UInt32` holding R, G, B, A from the low byte up (memory order R, G, B, A
/// on little-endian machines). Draw on it through a `Painter`; encode it with `PNGEncoder`.
public struct Canvas: Sendable, Equatable {
    /// The largest width or height a canvas may have; bigger requests are clamped. It keeps
    /// fixed-point coordinates and buffer sizes far from overflow.
    public static let maxDimension = 16384

    public let width: Int
    public let height: Int
    /// Premultiplied pixels, `width * height` of them.
    public internal(set) var pixels: [UInt32]

    /// A canvas filled with `background` (transparent by default). Sizes are clamped to
    /// 0...maxDimension.
    public init(width: Int, height: Int, background: Color = .transparent) {
        self.width = min(max(width, 0), Canvas.maxDimension)
        self.height = min(max(height, 0), Canvas.maxDimension)
        pixels = Array(repeating: background.premultiplied, count: self.width * self.height)
    }

    /// A canvas holding `premultipliedPixels` (row-major, `width * height` of them), or nil when
    /// the count does not match or a size is out of range.
    public init?(width: Int, height: Int, premultipliedPixels: [UInt32]) {
        guard width >= 0, height >= 0, width <= Canvas.maxDimension, height <= Canvas.maxDimension,
              premultipliedPixels.count == width * height else { return nil }
        self.width = width
        self.height = height
        pixels = premultipliedPixels
    }

    /// Fills the whole canvas with `color` (replacing, not blending).
    public mutating func clear(to color: Color) {
        let p = color.premultiplied
        pixels.withUnsafeMutableBufferPointer { $0.update(repeating: p) }
    }

    /// The premultiplied pixel at (x, y), or nil outside the canvas.
    public func premultipliedPixel(x: Int, y: Int) -> UInt32? {
        guard x >= 0, y >= 0, x < width, y < height else { return nil }
        return pixels[y * width + x]
    }

    /// The straight colour at (x, y), or nil outside the canvas.
    public func color(x: Int, y: Int) -> Color? {
        premultipliedPixel(x: x, y: y).map { Color(premultiplied: $0) }
    }

    /// The single colour of every pixel, or nil when the canvas has two or more colours (or no
    /// pixels). A uniform tile can be answered with one cached PNG per colour.
    public var uniformColor: Color? {
        guard let first = pixels.first else { return nil }
        let uniform = pixels.withUnsafeBufferPointer { buf -> Bool in
            for p in buf where p != first { return false }
            return true
        }
        return uniform ? Color(premultiplied: first) : nil
    }

    /// True when every pixel has alpha 255.
    public var isOpaque: Bool {
        pixels.withUnsafeBufferPointer { buf in
            var and: UInt32 = 0xFF00_0000
            for p in buf { and &= p }
            return and == 0xFF00_0000
        }
    }

    /// Straight (unpremultiplied) RGBA bytes, row-major, 4 per pixel.
    public func unpremultipliedRGBA() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: pixels.count * 4)
        out.withUnsafeMutableBytes { raw in
            pixels.withUnsafeBufferPointer { src in
                let dst = raw.bindMemory(to: UInt32.self)
                Unpremultiply.convert(src, into: dst)
            }
        }
        return out
    }
}

/// Premultiplied to straight alpha, the way PNG wants it.
enum Unpremultiply {
    /// Converts `src` into `dst` (same count); opaque and transparent pixels take a fast path.
    static func convert(_ src: UnsafeBufferPointer<UInt32>, into dst: UnsafeMutableBufferPointer<UInt32>) {
        var cachedIn: UInt32 = 0, cachedOut: UInt32 = 0
        for i in 0..<src.count {
            let p = src[i]
            let a = p >> 24
            if a == 255 {
                dst[i] = p
            } else if a == 0 {
                dst[i] = 0
            } else if p == cachedIn {
                dst[i] = cachedOut
            } else {
                let half = a / 2
                let r = min(255, ((p & 0xFF) * 255 + half) / a)
                let g = min(255, ((p >> 8 & 0xFF) * 255 + half) / a)
                let b = min(255, ((p >> 16 & 0xFF) * 255 + half) / a)
                cachedIn = p
                cachedOut = r | g << 8 | b << 16 | a << 24
                dst[i] = cachedOut
            }
        }
    }
}
