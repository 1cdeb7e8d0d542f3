import PNGTestSupport
import Raster
import Testing

/// A canvas with `colors` distinct straight colours (opaque unless `alpha` is given).
private func canvasWithColors(_ colors: Int, width: Int = 61, height: Int = 37, alpha: UInt8 = 255) -> Canvas {
    let pixels = (0..<(width * height)).map { i -> UInt32 in
        let k = (i * 7 + i / width) % colors
        return Color(r: UInt8(k & 0xFF), g: UInt8((k >> 8) & 0xFF) &* 40, b: 200, a: alpha).premultiplied
    }
    return Canvas(width: width, height: height, premultipliedPixels: pixels) ?? Canvas(width: 0, height: 0)
}

private func distinct(_ canvas: Canvas) -> Int { Set(canvas.pixels).count }

@Suite("PNG encoding")
struct PNGEncoderTests {
    @Test("indexed colour is chosen for few colours, at the smallest bit depth", arguments: [
        (1, 1), (2, 1), (3, 2), (4, 2), (5, 4), (16, 4), (17, 8), (200, 8), (256, 8),
    ])
    func indexed(colors: Int, depth: Int) throws {
        let canvas = canvasWithColors(colors)
        #expect(distinct(canvas) == colors)
        let png = PNGEncoder.encode(canvas)
        let decoded = try checkedDecode(png, name: "indexed-\(colors)")
        #expect(decoded.colorType == 3)
        #expect(Int(decoded.bitDepth) == depth)
        #expect(decoded.paletteCount == colors)
        #expect(!decoded.hasTransparencyChunk)
        #expect(decoded.rgba == canvas.unpremultipliedRGBA())
    }

    @Test("more than 256 colours: RGB when opaque, RGBA otherwise")
    func truecolor() throws {
        let opaque = canvasWithColors(300)
        let rgb = try checkedDecode(PNGEncoder.encode(opaque), name: "rgb")
        #expect(rgb.colorType == 2)
        #expect(rgb.rgba == opaque.unpremultipliedRGBA())

        let gradient = (0..<(64 * 48)).map { i -> UInt32 in
            let x = i % 64, y = i / 64
            return Color(r: UInt8(x * 4), g: UInt8(y * 5), b: 90, a: UInt8(120 + (x + y) % 100)).premultiplied
        }
        let translucent = try #require(Canvas(width: 64, height: 48, premultipliedPixels: gradient))
        let rgba = try checkedDecode(PNGEncoder.encode(translucent, level: 6), name: "rgba")
        #expect(rgba.colorType == 6)
        #expect(rgba.rgba == translucent.unpremultipliedRGBA())
    }

    @Test("translucent palettes carry tRNS")
    func transparency() throws {
        let painter = Painter(width: 40, height: 30)
        painter.fill(Path.circle(centerX: 20, centerY: 15, radius: 11), color: Color(r: 200, g: 30, b: 30, a: 180))
        painter.stroke(Path.rectangle(x: 5, y: 5, width: 30, height: 20), color: .black, style: StrokeStyle(width: 2))
        let decoded = try checkedDecode(PNGEncoder.encode(painter.canvas), name: "trns")
        #expect(decoded.colorType == 3)
        #expect(decoded.hasTransparencyChunk)
        #expect(decoded.rgba == painter.canvas.unpremultipliedRGBA())
    }

    @Test("uniform images: one palette entry at 1 bit")
    func uniform() throws {
        for color in [Color.white, Color.transparent, Color(r: 3, g: 4, b: 5, a: 6)] {
            let png = try #require(PNGEncoder.encodeUniform(color, width: 256, height: 256))
            let decoded = try checkedDecode(png, name: "uniform")
            #expect(decoded.colorType == 3 && decoded.bitDepth == 1 && decoded.paletteCount == 1)
            #expect(png.count < 160)
            #expect(decoded.rgba == Canvas(width: 256, height: 256, background: color).unpremultipliedRGBA())
        }
        #expect(PNGEncoder.encodeUniform(.white, width: 0, height: 5) == nil)
        #expect(PNGEncoder.encode(Canvas(width: 0, height: 3)).isEmpty)
    }

    @Test("every deflate level round-trips")
    func levels() throws {
        let canvas = canvasWithColors(300, width: 20, height: 9, alpha: 99)
        for level in [-5, 0, 1, 3, 6, 9, 42] {
            let decoded = try PNGDecoder.decode(PNGEncoder.encode(canvas, level: level))
            #expect(decoded.rgba == canvas.unpremultipliedRGBA())
        }
    }
}
