/// A straight (not premultiplied) sRGB colour with 8-bit channels.
///
/// Styles speak in straight colours ("#rrggbb", opacity); the canvas stores premultiplied
/// pixels, and `premultiplied` converts between the two.
public struct Color: Sendable, Hashable, CustomStringConvertible {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8
    public var a: UInt8

    public init(r: UInt8, g: UInt8, b: UInt8, a: UInt8 = 255) {
        self.r = r
        self.g = g
        self.b = b
        self.a = a
    }

    /// Parses "#rrggbb" or "#rrggbbaa" (the leading "#" is optional, case-insensitive).
    /// Returns nil for anything else.
    public init?(hex: String) {
        var digits = Substring(hex)
        if digits.first == "#" { digits = digits.dropFirst() }
        guard digits.count == 6 || digits.count == 8,
              let value = UInt32(digits, radix: 16) else { return nil }
        if digits.count == 6 {
            self.init(r: UInt8(value >> 16 & 0xFF), g: UInt8(value >> 8 & 0xFF), b: UInt8(value & 0xFF))
        } else {
            self.init(r: UInt8(value >> 24), g: UInt8(value >> 16 & 0xFF),
                      b: UInt8(value >> 8 & 0xFF), a: UInt8(value & 0xFF))
        }
    }

    public static let black = Color(r: 0, g: 0, b: 0)
    public static let white = Color(r: 255, g: 255, b: 255)
    public static let transparent = Color(r: 0, g: 0, b: 0, a: 0)

    /// The same colour with its alpha multiplied by `opacity` (clamped to 0...1; NaN counts as 0).
    public func withOpacity(_ opacity: Double) -> Color {
        let o = opacity.isNaN ? 0 : min(max(opacity, 0), 1)
        var c = self
        c.a = UInt8((Double(a) * o).rounded())
        return c
    }

    /// "#rrggbb" when opaque, "#rrggbbaa" otherwise.
    public var description: String {
        func hex2(_ v: UInt8) -> String {
            let s = String(v, radix: 16)
            return s.count == 1 ? "0" + s : s
        }
        return "#" + hex2(r) + hex2(g) + hex2(b) + (a == 255 ? "" : hex2(a))
    }

    /// The premultiplied pixel value as stored by `Canvas` (bytes R, G, B, A in memory order).
    public var premultiplied: UInt32 {
        let pr = PixelMath.div255(UInt32(r) * UInt32(a))
        let pg = PixelMath.div255(UInt32(g) * UInt32(a))
        let pb = PixelMath.div255(UInt32(b) * UInt32(a))
        return PixelMath.pack(pr, pg, pb, UInt32(a))
    }

    /// The straight colour of a premultiplied pixel value (rounded to nearest).
    public init(premultiplied p: UInt32) {
        let a = PixelMath.alpha(p)
        if a == 0 {
            self.init(r: 0, g: 0, b: 0, a: 0)
        } else if a == 255 {
            self.init(r: UInt8(p & 0xFF), g: UInt8(p >> 8 & 0xFF), b: UInt8(p >> 16 & 0xFF))
        } else {
            func un(_ c: UInt32) -> UInt8 { UInt8(min(255, (c * 255 + a / 2) / a)) }
            self.init(r: un(p & 0xFF), g: un(p >> 8 & 0xFF), b: un(p >> 16 & 0xFF), a: UInt8(a))
        }
    }
}

/// Integer helpers on packed premultiplied pixels: channels R, G, B, A from the low byte up,
/// which is byte order R, G, B, A in memory on the little-endian machines Bando runs on.
enum PixelMath {
    @inline(__always)
    static func pack(_ r: UInt32, _ g: UInt32, _ b: UInt32, _ a: UInt32) -> UInt32 {
        r | g << 8 | b << 16 | a << 24
    }

    @inline(__always)
    static func alpha(_ p: UInt32) -> UInt32 { p >> 24 }

    /// x / 255 rounded to nearest, exact for x in 0...65535.
    @inline(__always)
    static func div255(_ x: UInt32) -> UInt32 {
        let t = x &+ 128
        return (t &+ (t >> 8)) >> 8
    }

    /// Every channel of `p` multiplied by `k`/255 (rounded), two channels per multiply.
    @inline(__always)
    static func scale(_ p: UInt32, _ k: UInt32) -> UInt32 {
        var rb = (p & 0x00FF_00FF) &* k &+ 0x0080_0080
        rb = ((rb &+ ((rb >> 8) & 0x00FF_00FF)) >> 8) & 0x00FF_00FF
        var ga = ((p >> 8) & 0x00FF_00FF) &* k &+ 0x0080_0080
        ga = (ga &+ ((ga >> 8) & 0x00FF_00FF)) & 0xFF00_FF00
        return rb | ga
    }

    /// Source-over of premultiplied `src` onto premultiplied `dst`.
    @inline(__always)
    static func over(_ src: UInt32, _ dst: UInt32) -> UInt32 {
        src &+ scale(dst, 255 &- alpha(src))
    }
}
