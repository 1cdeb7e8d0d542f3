import CZlibShim
import Foundation

/// A PNG read back so tests can check what an encoder wrote: its header fields and straight RGBA
/// pixels. Reads 8-bit RGB/RGBA and indexed at 1–8 bits with tRNS, no interlace, and checks every
/// chunk's CRC, so a decoded image is also a valid one.
public struct DecodedPNG: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// The IHDR colour type: 2 (RGB), 3 (indexed) or 6 (RGBA).
    public var colorType: UInt8
    public var bitDepth: UInt8
    /// Entries in the PLTE chunk; 0 without one.
    public var paletteCount: Int
    public var hasTransparencyChunk: Bool
    /// Straight (not premultiplied) RGBA, row by row.
    public var rgba: [UInt8]

    /// The eight bytes every PNG starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Decodes `bytes`; throws `PNGDecodeError` when they are not a PNG this reader understands.
    public init(_ bytes: [UInt8]) throws {
        self = try PNGDecoder.decode(bytes)
    }

    init(width: Int, height: Int, colorType: UInt8, bitDepth: UInt8, paletteCount: Int,
         hasTransparencyChunk: Bool, rgba: [UInt8]) {
        self.width = width
        self.height = height
        self.colorType = colorType
        self.bitDepth = bitDepth
        self.paletteCount = paletteCount
        self.hasTransparencyChunk = hasTransparencyChunk
        self.rgba = rgba
    }

    /// The alpha of pixel (x, y).
    public func alpha(_ x: Int, _ y: Int) -> UInt8 { rgba[(y * width + x) * 4 + 3] }

    /// The RGBA of pixel (x, y).
    public func pixel(_ x: Int, _ y: Int) -> (r: UInt8, g: UInt8, b: UInt8, a: UInt8) {
        let o = (y * width + x) * 4
        return (rgba[o], rgba[o + 1], rgba[o + 2], rgba[o + 3])
    }

    /// Pixels that are not fully transparent.
    public var inkedPixels: Int {
        var n = 0
        for i in stride(from: 3, to: rgba.count, by: 4) where rgba[i] > 0 { n += 1 }
        return n
    }
}

/// Why bytes could not be decoded as a PNG.
public enum PNGDecodeError: Error, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self { case .malformed(let why): return "malformed PNG: \(why)" }
    }
}

/// The decoder behind `DecodedPNG`: chunks and CRCs, zlib inflate, unfiltering, then RGBA.
public enum PNGDecoder {
    /// Decodes `bytes`; throws `PNGDecodeError` when they are not a PNG this reader understands.
    public static func decode(_ bytes: [UInt8]) throws -> DecodedPNG {
        guard bytes.count > 8, Array(bytes[0..<8]) == DecodedPNG.signature else { throw PNGDecodeError.malformed("signature") }
        var at = 8
        var width = 0, height = 0
        var bitDepth: UInt8 = 0, colorType: UInt8 = 0
        var palette: [UInt8] = []
        var trns: [UInt8] = []
        var idat: [UInt8] = []
        var sawEnd = false
        func be32(_ i: Int) -> Int {
            Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
        }
        while at + 12 <= bytes.count {
            let length = be32(at)
            guard at + 12 + length <= bytes.count else { throw PNGDecodeError.malformed("chunk length") }
            let type = String(decoding: bytes[(at + 4)..<(at + 8)], as: UTF8.self)
            let data = Array(bytes[(at + 8)..<(at + 8 + length)])
            let stored = UInt(be32(at + 8 + length))
            let crc = bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress! + at + 4, UInt32(4 + length)) }
            guard UInt(crc) == stored else { throw PNGDecodeError.malformed("CRC of \(type)") }
            switch type {
            case "IHDR":
                width = Int(data[0]) << 24 | Int(data[1]) << 16 | Int(data[2]) << 8 | Int(data[3])
                height = Int(data[4]) << 24 | Int(data[5]) << 16 | Int(data[6]) << 8 | Int(data[7])
                bitDepth = data[8]
                colorType = data[9]
            case "PLTE": palette = data
            case "tRNS": trns = data
            case "IDAT": idat += data
            case "IEND": sawEnd = true
            default: break
            }
            at += 12 + length
        }
        guard sawEnd, width > 0, height > 0 else { throw PNGDecodeError.malformed("missing IHDR or IEND") }
        let channels: Int
        switch colorType {
        case 2: channels = 3
        case 3: channels = 1
        case 6: channels = 4
        default: throw PNGDecodeError.malformed("colour type \(colorType)")
        }
        let bitsPerPixel = channels * Int(bitDepth)
        let rowBytes = (width * bitsPerPixel + 7) / 8
        let raw = try inflate(idat, expected: (rowBytes + 1) * height)
        let bpp = max(1, bitsPerPixel / 8)
        var rows = [UInt8](repeating: 0, count: rowBytes * height)
        for y in 0..<height {
            let filter = raw[y * (rowBytes + 1)]
            for i in 0..<rowBytes {
                let x = raw[y * (rowBytes + 1) + 1 + i]
                let a = i >= bpp ? rows[y * rowBytes + i - bpp] : 0
                let b = y > 0 ? rows[(y - 1) * rowBytes + i] : 0
                let c = (i >= bpp && y > 0) ? rows[(y - 1) * rowBytes + i - bpp] : 0
                let value: UInt8
                switch filter {
                case 0: value = x
                case 1: value = x &+ a
                case 2: value = x &+ b
                case 3: value = x &+ UInt8((Int(a) + Int(b)) / 2)
                case 4:
                    let p = Int(a) + Int(b) - Int(c)
                    let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
                    value = x &+ (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)
                default: throw PNGDecodeError.malformed("filter \(filter)")
                }
                rows[y * rowBytes + i] = value
            }
        }
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        for y in 0..<height {
            for x in 0..<width {
                let o = (y * width + x) * 4
                let r = y * rowBytes
                switch colorType {
                case 6:
                    for k in 0..<4 { rgba[o + k] = rows[r + x * 4 + k] }
                case 2:
                    for k in 0..<3 { rgba[o + k] = rows[r + x * 3 + k] }
                    rgba[o + 3] = 255
                default:
                    let bits = Int(bitDepth)
                    let bitOffset = x * bits
                    let byte = rows[r + bitOffset / 8]
                    let shift = 8 - bits - bitOffset % 8
                    let index = Int(byte >> UInt8(shift)) & ((1 << bits) - 1)
                    guard index * 3 + 2 < palette.count else { throw PNGDecodeError.malformed("palette index \(index)") }
                    for k in 0..<3 { rgba[o + k] = palette[index * 3 + k] }
                    rgba[o + 3] = index < trns.count ? trns[index] : 255
                }
            }
        }
        return DecodedPNG(width: width, height: height, colorType: colorType, bitDepth: bitDepth,
                          paletteCount: palette.count / 3, hasTransparencyChunk: !trns.isEmpty, rgba: rgba)
    }

    private static func inflate(_ data: [UInt8], expected: Int) throws -> [UInt8] {
        var stream = z_stream()
        guard bando_inflateInit2(&stream, 15) == Z_OK else { throw PNGDecodeError.malformed("inflateInit") }
        defer { inflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: expected + 1)
        let status: Int32 = data.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                stream.next_out = output.baseAddress
                stream.avail_out = UInt32(output.count)
                return CZlibShim.inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == expected else {
            throw PNGDecodeError.malformed("inflate status \(status), \(stream.total_out) of \(expected) bytes")
        }
        out.removeLast()
        return out
    }
}
