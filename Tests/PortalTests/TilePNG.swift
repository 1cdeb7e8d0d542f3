import CZlibShim
import Foundation

/// A served PNG read back: its size and straight RGBA pixels. Reads what the portal's encoder
/// writes (8-bit RGB/RGBA or indexed at 1–8 bits with tRNS, no interlace) and checks every
/// chunk's CRC, so a decoded image is also a valid one.
struct TilePNG {
    var width: Int
    var height: Int
    var rgba: [UInt8]

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The alpha of pixel (x, y).
    func alpha(_ x: Int, _ y: Int) -> UInt8 { rgba[(y * width + x) * 4 + 3] }

    /// The RGBA of pixel (x, y).
    func pixel(_ x: Int, _ y: Int) -> (r: UInt8, g: UInt8, b: UInt8, a: UInt8) {
        let o = (y * width + x) * 4
        return (rgba[o], rgba[o + 1], rgba[o + 2], rgba[o + 3])
    }

    /// Pixels that are not fully transparent.
    var inkedPixels: Int {
        var n = 0
        for i in stride(from: 3, to: rgba.count, by: 4) where rgba[i] > 0 { n += 1 }
        return n
    }

    init(_ bytes: [UInt8]) throws {
        guard bytes.count > 8, Array(bytes[0..<8]) == Self.signature else { throw Malformed(description: "signature") }
        var at = 8
        var width = 0, height = 0, bitDepth = 0, colorType = 0
        var palette: [UInt8] = [], trns: [UInt8] = [], idat: [UInt8] = []
        var sawEnd = false
        func be32(_ i: Int) -> Int {
            Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
        }
        while at + 12 <= bytes.count {
            let length = be32(at)
            guard at + 12 + length <= bytes.count else { throw Malformed(description: "chunk length") }
            let type = String(decoding: bytes[(at + 4)..<(at + 8)], as: UTF8.self)
            let data = Array(bytes[(at + 8)..<(at + 8 + length)])
            let crc = bytes[(at + 4)..<(at + 8 + length)].withContiguousStorageIfAvailable {
                crc32(0, $0.baseAddress, UInt32($0.count))
            } ?? 0
            guard Int(crc) == be32(at + 8 + length) else { throw Malformed(description: "CRC of \(type)") }
            switch type {
            case "IHDR":
                width = Int(data[0]) << 24 | Int(data[1]) << 16 | Int(data[2]) << 8 | Int(data[3])
                height = Int(data[4]) << 24 | Int(data[5]) << 16 | Int(data[6]) << 8 | Int(data[7])
                bitDepth = Int(data[8])
                colorType = Int(data[9])
            case "PLTE": palette = data
            case "tRNS": trns = data
            case "IDAT": idat += data
            case "IEND": sawEnd = true
            default: break
            }
            at += 12 + length
        }
        guard sawEnd, width > 0, height > 0 else { throw Malformed(description: "missing IHDR or IEND") }
        let channels: Int
        switch colorType {
        case 2: channels = 3
        case 3: channels = 1
        case 6: channels = 4
        default: throw Malformed(description: "colour type \(colorType)")
        }
        let bitsPerPixel = channels * bitDepth
        let rowBytes = (width * bitsPerPixel + 7) / 8
        let raw = try Self.inflate(idat, expected: (rowBytes + 1) * height)
        let bpp = max(1, bitsPerPixel / 8)
        var rows = [UInt8](repeating: 0, count: rowBytes * height)
        for y in 0..<height {
            let filter = raw[y * (rowBytes + 1)]
            for i in 0..<rowBytes {
                let x = raw[y * (rowBytes + 1) + 1 + i]
                let a = i >= bpp ? rows[y * rowBytes + i - bpp] : 0
                let b = y > 0 ? rows[(y - 1) * rowBytes + i] : 0
                let c = (i >= bpp && y > 0) ? rows[(y - 1) * rowBytes + i - bpp] : 0
                switch filter {
                case 0: rows[y * rowBytes + i] = x
                case 1: rows[y * rowBytes + i] = x &+ a
                case 2: rows[y * rowBytes + i] = x &+ b
                case 3: rows[y * rowBytes + i] = x &+ UInt8((Int(a) + Int(b)) / 2)
                case 4:
                    let p = Int(a) + Int(b) - Int(c)
                    let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
                    rows[y * rowBytes + i] = x &+ (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)
                default: throw Malformed(description: "filter \(filter)")
                }
            }
        }
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        for y in 0..<height {
            for x in 0..<width {
                let o = (y * width + x) * 4, r = y * rowBytes
                switch colorType {
                case 6: for k in 0..<4 { rgba[o + k] = rows[r + x * 4 + k] }
                case 2:
                    for k in 0..<3 { rgba[o + k] = rows[r + x * 3 + k] }
                    rgba[o + 3] = 255
                default:
                    let bitOffset = x * bitDepth
                    let index = Int(rows[r + bitOffset / 8] >> UInt8(8 - bitDepth - bitOffset % 8)) & ((1 << bitDepth) - 1)
                    guard index * 3 + 2 < palette.count else { throw Malformed(description: "palette index \(index)") }
                    for k in 0..<3 { rgba[o + k] = palette[index * 3 + k] }
                    rgba[o + 3] = index < trns.count ? trns[index] : 255
                }
            }
        }
        self.width = width
        self.height = height
        self.rgba = rgba
    }

    private static func inflate(_ data: [UInt8], expected: Int) throws -> [UInt8] {
        var stream = z_stream()
        guard bando_inflateInit2(&stream, 15) == Z_OK else { throw Malformed(description: "inflateInit") }
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
            throw Malformed(description: "inflate status \(status), \(stream.total_out) of \(expected) bytes")
        }
        out.removeLast()
        return out
    }

    /// `pngcheck -q` on the bytes: nil when it passes or is not installed, else its complaint.
    static func pngcheck(_ bytes: [UInt8]) -> String? {
        let tool = "/usr/bin/pngcheck"
        guard FileManager.default.isExecutableFile(atPath: tool) else { return nil }
        let path = NSTemporaryDirectory() + "bando-tile-\(UUID().uuidString).png"
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = ["-q", path]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return process.terminationStatus == 0 ? nil : String(decoding: output, as: UTF8.self)
        } catch {
            return "could not run pngcheck: \(error)"
        }
    }
}
