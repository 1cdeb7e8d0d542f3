import Raster
import Testing

@Suite("Colour and blending")
struct CanvasTests {
    @Test("hex colours parse and print")
    func hex() {
        #expect(Color(hex: "#ff8000") == Color(r: 255, g: 128, b: 0))
        #expect(Color(hex: "0A0b0C80") == Color(r: 10, g: 11, b: 12, a: 128))
        #expect(Color(hex: "#ff80") == nil)
        #expect(Color(hex: "#gg0000") == nil)
        #expect(Color(hex: "") == nil)
        #expect(Color(r: 1, g: 2, b: 255).description == "#0102ff")
        #expect(Color(r: 1, g: 2, b: 255, a: 16).description == "#0102ff10")
        #expect(Color.white.withOpacity(0.5).a == 128)
        #expect(Color.white.withOpacity(.nan).a == 0)
        #expect(Color.white.withOpacity(7).a == 255)
    }

    @Test("premultiplication round-trips for opaque and rounds for translucent colours")
    func premultiplied() {
        let c = Color(r: 200, g: 100, b: 50, a: 128)
        let p = c.premultiplied
        #expect(p == UInt32(100) | UInt32(50) << 8 | UInt32(25) << 16 | UInt32(128) << 24)
        #expect(Color(premultiplied: p) == Color(r: 199, g: 100, b: 50, a: 128))
        #expect(Color(premultiplied: Color(r: 9, g: 8, b: 7).premultiplied) == Color(r: 9, g: 8, b: 7))
        #expect(Color(premultiplied: 0) == .transparent)
    }

    @Test("source-over with opacity gives the expected premultiplied values")
    func sourceOver() {
        let painter = Painter(width: 8, height: 8, background: .white)
        let halfRed = Color(r: 255, g: 0, b: 0).withOpacity(0.5)  // a = 128 → premultiplied (128, 0, 0, 128)
        painter.fill(Path.rectangle(x: 0, y: 0, width: 4, height: 8), color: halfRed)
        // 128 + 255·127/255 = 255; 0 + 127 = 127.
        #expect(painter.canvas.premultipliedPixel(x: 1, y: 1) == pack(255, 127, 127, 255))
        #expect(painter.canvas.premultipliedPixel(x: 5, y: 1) == pack(255, 255, 255, 255))

        // Onto transparent: the premultiplied source itself.
        let clear = Painter(width: 8, height: 8)
        clear.fill(Path.rectangle(x: 0, y: 0, width: 4, height: 8), color: halfRed)
        #expect(clear.canvas.premultipliedPixel(x: 1, y: 1) == pack(128, 0, 0, 128))
        // Twice: 128 + 128·127/255 = 128 + 64 = 192 (alpha), red likewise.
        clear.fill(Path.rectangle(x: 0, y: 0, width: 4, height: 8), color: halfRed)
        #expect(clear.canvas.premultipliedPixel(x: 1, y: 1) == pack(192, 0, 0, 192))

        // Half coverage of opaque blue over opaque white: source scaled to (0, 0, 128, 128).
        let edge = Painter(width: 8, height: 8, background: .white)
        edge.fill(Path.rectangle(x: 2.5, y: 0, width: 4, height: 8), color: Color(r: 0, g: 0, b: 255))
        #expect(edge.canvas.premultipliedPixel(x: 2, y: 3) == pack(127, 127, 255, 255))
        #expect(edge.canvas.premultipliedPixel(x: 3, y: 3) == pack(0, 0, 255, 255))

        // Translucent green at full coverage over opaque grey.
        let grey = Painter(width: 4, height: 4, background: Color(r: 100, g: 100, b: 100))
        grey.fill(Path.rectangle(x: 0, y: 0, width: 4, height: 4), color: Color(r: 0, g: 200, b: 0, a: 51))
        // src premultiplied (0, 40, 0, 51); dst·204/255 = 80.
        #expect(grey.canvas.premultipliedPixel(x: 0, y: 0) == pack(80, 120, 80, 255))
    }

    @Test("clear, uniform colour, opacity and unpremultiplied bytes")
    func canvasBasics() {
        var canvas = Canvas(width: 3, height: 2, background: Color(r: 10, g: 20, b: 30))
        #expect(canvas.uniformColor == Color(r: 10, g: 20, b: 30))
        #expect(canvas.isOpaque)
        canvas.clear(to: Color(r: 255, g: 0, b: 0, a: 128))
        #expect(!canvas.isOpaque)
        #expect(canvas.unpremultipliedRGBA().prefix(4) == [255, 0, 0, 128])
        let painter = Painter(canvas: canvas)
        painter.fill(Path.rectangle(x: 0, y: 0, width: 1, height: 1), color: .black)
        #expect(painter.canvas.uniformColor == nil)
        #expect(painter.canvas.color(x: 0, y: 0) == .black)
        #expect(painter.canvas.color(x: 5, y: 0) == nil)
        #expect(Canvas(width: -3, height: 5).pixels.isEmpty)
        #expect(Canvas(width: 0, height: 0).uniformColor == nil)
    }

    @Test("many features in one path fill like separate fills when they do not overlap")
    func batchedFill() {
        var batch = Path()
        let separate = Painter(width: 64, height: 64, background: .white)
        for i in 0..<16 {
            let square = Path.rectangle(x: Double(i % 4) * 16 + 2.3, y: Double(i / 4) * 16 + 3.6, width: 11, height: 9)
            batch.append(square)
            separate.fill(square, color: Color(r: 0, g: 128, b: 0))
        }
        let together = Painter(width: 64, height: 64, background: .white)
        together.fill(batch, color: Color(r: 0, g: 128, b: 0))
        #expect(together.canvas == separate.canvas)
    }
}

func pack(_ r: UInt32, _ g: UInt32, _ b: UInt32, _ a: UInt32) -> UInt32 {
    r | g << 8 | b << 16 | a << 24
}
