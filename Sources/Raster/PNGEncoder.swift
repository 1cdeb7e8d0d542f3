import CZlibShim

/// Encodes a `Canvas` as PNG, picking the smallest cheap representation:
///
/// - one colour (a uniform tile): a 1-bit palette image;
/// - up to 256 distinct colours, counted exactly: an indexed image (colour type 3, PLTE and,
///   when any colour is translucent, tRNS) at 1, 2, 4 or 8 bits per pixel, row filter "none";
/// - more colours, all opaque: truecolour (type 2); otherwise truecolour with alpha (type 6),
///   both with the "sub" row filter (measured smaller and faster than "up" on tiles).
///
/// Palette images give deflate 4× fewer bytes than RGBA, which matters because deflate is most
/// of the cost of a tile.
public enum PNGEncoder {
    /// The default deflate level, chosen by measurement on 256 px tiles: level 1 encoded a dense
    /// tile in 62 % of level 3's time for 1 % more bytes, and a sparse one in the same time for
    /// 2.5 % more; level 6 took 1.6–2.5× as long as level 3 for at most 5 % fewer bytes.
    public static let defaultLevel = 1

    /// The PNG file for `canvas` with deflate `level` (0...9, clamped). A canvas without pixels
    /// gives an empty array, since PNG cannot describe one.
    public static func encode(_ canvas: Canvas, level: Int = defaultLevel) -> [UInt8] {
        encode(canvas, level: level, workspace: PNGWorkspace())
    }

    /// The PNG file for `canvas`, reusing `workspace`'s buffers and deflate stream: the same
    /// bytes as `encode(_:level:)` without a quarter megabyte of fresh memory per image.
    ///
    /// With a `paletteTolerance` above 0, an image of more than 256 colours may still be written
    /// as an indexed PNG: its 256 most frequent colours form the palette and every other colour
    /// takes its nearest entry, provided no channel of any pixel moves by more than the
    /// tolerance (otherwise it is written as truecolour, exactly).
    public static func encode(_ canvas: Canvas, level: Int = defaultLevel, workspace: PNGWorkspace,
                              paletteTolerance: Int = 0) -> [UInt8] {
        guard canvas.width > 0, canvas.height > 0 else { return [] }
        let level = Int32(min(max(level, 0), 9))
        let count = canvas.pixels.count
        if workspace.straight.count < count {
            workspace.straight = [UInt32](repeating: 0, count: count)
        }
        workspace.straight.withUnsafeMutableBufferPointer { dst in
            canvas.pixels.withUnsafeBufferPointer { src in
                Unpremultiply.convert(src, into: UnsafeMutableBufferPointer(rebasing: dst[0..<count]))
            }
        }
        return workspace.straight.withUnsafeBufferPointer { all -> [UInt8] in
            let pixels = UnsafeBufferPointer(rebasing: all[0..<count])
            workspace.counter.reset()
            if workspace.counter.count(pixels) {
                return encodeIndexed(pixels, width: canvas.width, height: canvas.height,
                                     counter: &workspace.counter, level: level, workspace: workspace)
            }
            if paletteTolerance > 0,
               let png = encodeApproximatePalette(pixels, width: canvas.width, height: canvas.height,
                                                  tolerance: paletteTolerance, level: level, workspace: workspace) {
                return png
            }
            var opaque = true
            for p in pixels where p >> 24 != 255 {
                opaque = false
                break
            }
            return encodeTruecolor(pixels, width: canvas.width, height: canvas.height,
                                   alpha: !opaque, level: level, workspace: workspace)
        }
    }

    /// True when `canvas` has at most 256 distinct pixel values, so it would be encoded as an
    /// indexed (palette) image.
    public static func fitsPalette(_ canvas: Canvas, workspace: PNGWorkspace) -> Bool {
        workspace.counter.reset()
        return canvas.pixels.withUnsafeBufferPointer { workspace.counter.count($0) }
    }

    /// A PNG of `width` × `height` pixels all of one colour, for callers that cache one file per
    /// colour (uniform tiles are common). Nil for sizes PNG cannot describe.
    public static func encodeUniform(_ color: Color, width: Int, height: Int,
                                     level: Int = defaultLevel) -> [UInt8]? {
        guard width > 0, height > 0, width <= Canvas.maxDimension, height <= Canvas.maxDimension else {
            return nil
        }
        return encode(Canvas(width: width, height: height, background: color), level: level)
    }

    // MARK: - Indexed

    private static func encodeIndexed(_ pixels: UnsafeBufferPointer<UInt32>, width: Int, height: Int,
                                      counter: inout ColorCounter, level: Int32,
                                      workspace: PNGWorkspace) -> [UInt8] {
        let colors = counter.orderedColors()
        let bitDepth = colors.count <= 2 ? 1 : colors.count <= 4 ? 2 : colors.count <= 16 ? 4 : 8
        let rowBytes = (width * bitDepth + 7) / 8
        let rawCount = (rowBytes + 1) * height
        workspace.prepareRaw(rawCount)
        workspace.raw.withUnsafeMutableBufferPointer { out in
            guard let source = pixels.baseAddress, let target = out.baseAddress else { return }
            var lastPixel = source[0]
            var lastIndex = counter.index(of: lastPixel)
            let perByte = 8 / bitDepth
            for y in 0..<height {
                let row = source + y * width
                let dst = target + y * (rowBytes + 1) + 1
                dst[-1] = 0  // filter "none"
                if bitDepth == 8 {
                    for x in 0..<width {
                        let p = row[x]
                        if p != lastPixel {
                            lastPixel = p
                            lastIndex = counter.index(of: p)
                        }
                        dst[x] = lastIndex
                    }
                } else {
                    var byte: UInt8 = 0
                    var used = 0
                    var o = 0
                    for x in 0..<width {
                        let p = row[x]
                        if p != lastPixel {
                            lastPixel = p
                            lastIndex = counter.index(of: p)
                        }
                        byte = byte << UInt8(bitDepth) | lastIndex
                        used += 1
                        if used == perByte {
                            dst[o] = byte
                            o += 1
                            byte = 0
                            used = 0
                        }
                    }
                    if used > 0 { dst[o] = byte << UInt8((perByte - used) * bitDepth) }
                }
            }
        }
        return indexedFile(colors, width: width, height: height, bitDepth: bitDepth, rawCount: rawCount,
                           level: level, workspace: workspace)
    }

    /// The PNG file of an indexed image whose filtered rows are in `workspace.raw`.
    static func indexedFile(_ colors: [UInt32], width: Int, height: Int, bitDepth: Int, rawCount: Int,
                            level: Int32, workspace: PNGWorkspace) -> [UInt8] {
        var png = PNGWriter(capacity: 1024)
        png.header(width: width, height: height, bitDepth: UInt8(bitDepth), colorType: 3)
        var plte = [UInt8]()
        plte.reserveCapacity(colors.count * 3)
        var trns = [UInt8]()
        for c in colors {
            plte.append(UInt8(c & 0xFF))
            plte.append(UInt8(c >> 8 & 0xFF))
            plte.append(UInt8(c >> 16 & 0xFF))
            if c >> 24 != 255 { trns.append(UInt8(c >> 24)) }
        }
        png.chunk("PLTE", plte)
        if !trns.isEmpty { png.chunk("tRNS", trns) }
        // Run-length matching only: on palette rows of a map tile (long runs of one index) it
        // measured 35-55 % faster than level 1's hash-chain matching, with output as small or
        // smaller. Truecolour rows after the "sub" filter compress 30 % worse with it.
        png.compressedData(rawCount, level: level, strategy: level == 0 ? Z_DEFAULT_STRATEGY : Z_RLE,
                           workspace: workspace)
        png.chunk("IEND", [])
        return png.bytes
    }

    // MARK: - Truecolour

    private static func encodeTruecolor(_ pixels: UnsafeBufferPointer<UInt32>, width: Int, height: Int,
                                        alpha: Bool, level: Int32, workspace: PNGWorkspace) -> [UInt8] {
        let channels = alpha ? 4 : 3
        let rowBytes = width * channels
        let rawCount = (rowBytes + 1) * height
        workspace.prepareRaw(rawCount)
        workspace.raw.withUnsafeMutableBufferPointer { out in
            guard let source = pixels.baseAddress, let target = out.baseAddress else { return }
            let bytes = UnsafeRawPointer(source).assumingMemoryBound(to: UInt8.self)
            for y in 0..<height {
                let src = bytes + y * width * 4
                let dst = target + y * (rowBytes + 1)
                dst[0] = 1  // filter "sub": each byte minus the same channel of the pixel to its left
                let d = dst + 1
                var pr: UInt8 = 0, pg: UInt8 = 0, pb: UInt8 = 0, pa: UInt8 = 0
                for x in 0..<width {
                    let s = src + x * 4
                    let r = s[0], g = s[1], b = s[2]
                    let o = x * channels
                    d[o] = r &- pr
                    d[o + 1] = g &- pg
                    d[o + 2] = b &- pb
                    pr = r; pg = g; pb = b
                    if alpha {
                        let a = s[3]
                        d[o + 3] = a &- pa
                        pa = a
                    }
                }
            }
        }
        var png = PNGWriter(capacity: 1024)
        png.header(width: width, height: height, bitDepth: 8, colorType: alpha ? 6 : 2)
        png.compressedData(rawCount, level: level, workspace: workspace)
        png.chunk("IEND", [])
        return png.bytes
    }
}

/// Counts distinct 32-bit colours up to 256 with a small open-addressing hash table, giving up
/// as soon as there are more.
struct ColorCounter {
    static let slots = 1024
    private var keys = [UInt32](repeating: 0, count: slots)
    /// Palette index + 1 for each slot; 0 marks an empty slot.
    private var values = [UInt16](repeating: 0, count: slots)
    private(set) var colors: [UInt32] = []

    @inline(__always)
    private static func hash(_ p: UInt32) -> Int {
        Int((p &* 0x9E37_79B1) >> 22)
    }

    /// Forgets every colour counted, keeping the storage.
    mutating func reset() {
        guard !colors.isEmpty else { return }
        values.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        colors.removeAll(keepingCapacity: true)
    }

    /// Adds every pixel; false as soon as more than 256 distinct colours are seen.
    mutating func count(_ pixels: UnsafeBufferPointer<UInt32>) -> Bool {
        guard let first = pixels.first else { return true }
        insert(first)
        var last = first
        return keys.withUnsafeMutableBufferPointer { keys in
            values.withUnsafeMutableBufferPointer { values in
                for p in pixels where p != last {
                    last = p
                    var slot = Self.hash(p)
                    while true {
                        let v = values[slot]
                        if v == 0 {
                            if colors.count == 256 { return false }
                            keys[slot] = p
                            colors.append(p)
                            values[slot] = UInt16(colors.count)
                            break
                        }
                        if keys[slot] == p { break }
                        slot = (slot + 1) & (Self.slots - 1)
                    }
                }
                return true
            }
        }
    }

    private mutating func insert(_ p: UInt32) {
        var slot = Self.hash(p)
        while values[slot] != 0 {
            if keys[slot] == p { return }
            slot = (slot + 1) & (Self.slots - 1)
        }
        keys[slot] = p
        colors.append(p)
        values[slot] = UInt16(colors.count)
    }

    /// Puts translucent colours first (so tRNS can stop at the last of them) and renumbers.
    mutating func orderedColors() -> [UInt32] {
        let translucent = colors.filter { $0 >> 24 != 255 }
        let opaque = colors.filter { $0 >> 24 == 255 }
        colors = translucent + opaque
        for (i, c) in colors.enumerated() {
            var slot = Self.hash(c)
            while keys[slot] != c { slot = (slot + 1) & (Self.slots - 1) }
            values[slot] = UInt16(i + 1)
        }
        return colors
    }

    /// The palette index of a colour that was counted.
    @inline(__always)
    func index(of p: UInt32) -> UInt8 {
        var slot = Self.hash(p)
        while keys[slot] != p || values[slot] == 0 { slot = (slot + 1) & (Self.slots - 1) }
        return UInt8(truncatingIfNeeded: values[slot] - 1)
    }
}

/// PNG chunk writing: signature, chunks with zlib's CRC-32, one deflated IDAT.
struct PNGWriter {
    private(set) var bytes: [UInt8]

    init(capacity: Int) {
        bytes = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        bytes.reserveCapacity(capacity)
    }

    mutating func header(width: Int, height: Int, bitDepth: UInt8, colorType: UInt8) {
        var data = [UInt8]()
        data.reserveCapacity(13)
        appendBigEndian(&data, UInt32(width))
        appendBigEndian(&data, UInt32(height))
        data += [bitDepth, colorType, 0, 0, 0]  // compression, filter method, no interlace
        chunk("IHDR", data)
    }

    mutating func chunk(_ type: StaticString, _ data: [UInt8]) {
        appendBigEndian(&bytes, UInt32(data.count))
        let start = bytes.count
        type.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: data)
        let crc = bytes.withUnsafeBufferPointer { buf in
            crc32(0, buf.baseAddress.map { $0 + start }, UInt32(buf.count - start))
        }
        appendBigEndian(&bytes, UInt32(truncatingIfNeeded: crc))
    }

    /// Deflates the first `count` bytes of the workspace's filtered scanlines into an IDAT chunk,
    /// through the workspace's deflate stream and output buffer.
    mutating func compressedData(_ count: Int, level: Int32, strategy: Int32 = Z_DEFAULT_STRATEGY,
                                 workspace: PNGWorkspace) {
        guard let written = workspace.deflate(count, level: level, strategy: strategy) else { return }
        bytes.reserveCapacity(bytes.count + written + 24)
        appendBigEndian(&bytes, UInt32(written))
        let typeAt = bytes.count
        bytes += [0x49, 0x44, 0x41, 0x54]  // "IDAT"
        workspace.deflated.withUnsafeBufferPointer { bytes.append(contentsOf: $0[0..<written]) }
        let crc = bytes.withUnsafeBufferPointer { buf in
            crc32(0, buf.baseAddress.map { $0 + typeAt }, UInt32(4 + written))
        }
        appendBigEndian(&bytes, UInt32(truncatingIfNeeded: crc))
    }

    private func appendBigEndian(_ out: inout [UInt8], _ v: UInt32) {
        out.append(UInt8(v >> 24))
        out.append(UInt8(v >> 16 & 0xFF))
        out.append(UInt8(v >> 8 & 0xFF))
        out.append(UInt8(v & 0xFF))
    }
}

/// Buffers and a deflate stream kept between PNG encodings: pass one to
/// `PNGEncoder.encode(_:level:workspace:)` for every tile a thread encodes. Not thread-safe.
public final class PNGWorkspace {
    var straight: [UInt32] = []
    var raw: [UInt8] = []
    var deflated: [UInt8] = []
    var counter = ColorCounter()
    var frequencyTable = ColorFrequencyTable()
    private var stream = z_stream()
    private var streamLevel: Int32 = -1
    private var streamStrategy: Int32 = Z_DEFAULT_STRATEGY

    public init() {}

    deinit {
        if streamLevel >= 0 { deflateEnd(&stream) }
    }

    /// Makes `raw` hold at least `count` bytes (their values are all overwritten by the filters).
    func prepareRaw(_ count: Int) {
        if raw.count < count { raw = [UInt8](repeating: 0, count: count) }
    }

    /// Deflates the first `count` bytes of `raw` into `deflated` with `level` and `strategy`;
    /// the compressed size, or nil when zlib fails.
    func deflate(_ count: Int, level: Int32, strategy: Int32) -> Int? {
        if streamLevel < 0 {
            stream = z_stream()
            guard bando_deflateInit2(&stream, level, Z_DEFLATED, 15, 8, strategy) == Z_OK else { return nil }
        } else if deflateReset(&stream) != Z_OK {
            return nil
        }
        if (streamLevel, streamStrategy) != (level, strategy) {
            guard deflateParams(&stream, level, strategy) == Z_OK else { return nil }
        }
        streamLevel = level
        streamStrategy = strategy
        let bound = Int(deflateBound(&stream, UInt(count)))
        if deflated.count < bound { deflated = [UInt8](repeating: 0, count: bound) }
        let status: Int32 = raw.withUnsafeMutableBufferPointer { input in
            deflated.withUnsafeMutableBufferPointer { output in
                stream.next_in = input.baseAddress
                stream.avail_in = UInt32(count)
                stream.next_out = output.baseAddress
                stream.avail_out = UInt32(bound)
                return CZlibShim.deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        return bound - Int(stream.avail_out)
    }
}
