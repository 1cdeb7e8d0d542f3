// Design note: an approximate palette for tiles with a few hundred too many colours.
//
// A map tile's colours are a handful of style colours plus the anti-aliased blends between
// them; where three or four styles meet, the blends multiply past 256 and the tile would go
// out as truecolour, three times the bytes to deflate. Most of those extra colours are a few
// pixels each, and close to one another. So: count every colour with its frequency (giving up
// beyond `maxApproximatedColors`), cut the colour box at the middle of its widest channel,
// widest box first, until there are 256 boxes, and let each box's most frequent colour stand
// for the rest (flat areas keep their exact colour). If any colour would move by more than
// the tolerance in some channel, the caller writes truecolour instead, so the loss is bounded
// per pixel and the picture never changes visibly.

extension PNGEncoder {
    /// Most distinct colours an image may have for an approximate palette to be tried.
    static let maxApproximatedColors = 4096

    /// The indexed PNG of `pixels` (straight RGBA) with an approximate palette, or nil when the
    /// image has too many colours or one would move by more than `tolerance`.
    static func encodeApproximatePalette(_ pixels: UnsafeBufferPointer<UInt32>, width: Int, height: Int,
                                         tolerance: Int, level: Int32, workspace: PNGWorkspace) -> [UInt8]? {
        guard workspace.frequencyTable.count(pixels, limit: maxApproximatedColors),
              let colors = workspace.frequencyTable.assignPalette(tolerance: tolerance) else { return nil }
        let rowBytes = width
        let rawCount = (rowBytes + 1) * height
        workspace.prepareRaw(rawCount)
        workspace.raw.withUnsafeMutableBufferPointer { out in
            guard let source = pixels.baseAddress, let target = out.baseAddress else { return }
            var lastPixel = source[0]
            var lastIndex = workspace.frequencyTable.index(of: lastPixel)
            for y in 0..<height {
                let row = source + y * width
                let dst = target + y * (rowBytes + 1) + 1
                dst[-1] = 0  // filter "none"
                for x in 0..<width {
                    let p = row[x]
                    if p != lastPixel {
                        lastPixel = p
                        lastIndex = workspace.frequencyTable.index(of: p)
                    }
                    dst[x] = lastIndex
                }
            }
        }
        return indexedFile(colors, width: width, height: height, bitDepth: 8, rawCount: rawCount,
                           level: level, workspace: workspace)
    }
}

/// Distinct colours with their pixel counts, in an open-addressing table that is reused (and
/// cleared sparsely) between images.
struct ColorFrequencyTable {
    static let slots = 16384
    private var keys = [UInt32](repeating: 0, count: slots)
    private var counts = [UInt32](repeating: 0, count: slots)
    /// Palette index of each slot's colour once assigned.
    private var indices = [UInt8](repeating: 0, count: slots)
    /// Slots in use, in first-seen order.
    private var used: [Int] = []

    @inline(__always)
    private static func hash(_ p: UInt32) -> Int {
        Int((p &* 0x9E37_79B1) >> 18)
    }

    /// Counts every pixel; false when there are more than `limit` distinct colours.
    mutating func count(_ pixels: UnsafeBufferPointer<UInt32>, limit: Int) -> Bool {
        for slot in used { counts[slot] = 0 }
        used.removeAll(keepingCapacity: true)
        guard let first = pixels.first else { return true }
        var last = first
        var run: UInt32 = 0
        let ok = keys.withUnsafeMutableBufferPointer { keys in
            counts.withUnsafeMutableBufferPointer { counts in
                func add(_ p: UInt32, _ n: UInt32) -> Bool {
                    var slot = Self.hash(p)
                    while true {
                        if counts[slot] == 0 {
                            if used.count == limit { return false }
                            keys[slot] = p
                            counts[slot] = n
                            used.append(slot)
                            return true
                        }
                        if keys[slot] == p {
                            counts[slot] &+= n
                            return true
                        }
                        slot = (slot + 1) & (Self.slots - 1)
                    }
                }
                for p in pixels {
                    if p == last {
                        run &+= 1
                        continue
                    }
                    if !add(last, run) { return false }
                    last = p
                    run = 1
                }
                return add(last, run)
            }
        }
        return ok
    }

    /// Chooses the palette by median cut and gives every colour its palette index; returns the
    /// palette (translucent entries first), or nil when some colour would be farther than
    /// `tolerance` in a channel from its entry.
    ///
    /// Boxes of colours are split at the middle of their widest channel, widest box first, until
    /// there are 256 or none is wider than half the tolerance; each box is represented by its most
    /// frequent colour, so large flat areas (background, fills) keep their exact colour.
    mutating func assignPalette(tolerance: Int) -> [UInt32]? {
        let n = used.count
        guard n > 0 else { return [] }
        var order = Array(0..<n)
        let colors = used.map { keys[$0] }
        var boxes: [(start: Int, end: Int, channel: Int, low: Int, range: Int)] = []
        func measure(_ start: Int, _ end: Int) -> (start: Int, end: Int, channel: Int, low: Int, range: Int) {
            var lo = SIMD4<UInt32>(repeating: 255), hi = SIMD4<UInt32>(repeating: 0)
            let mask = SIMD4<UInt32>(repeating: 0xFF), shifts = SIMD4<UInt32>(0, 8, 16, 24)
            for i in start..<end {
                let v = (SIMD4<UInt32>(repeating: colors[order[i]]) &>> shifts) & mask
                lo = pointwiseMin(lo, v)
                hi = pointwiseMax(hi, v)
            }
            let span = hi &- lo
            var channel = 0
            for k in 1..<4 where span[k] > span[channel] { channel = k }
            return (start, end, channel, Int(lo[channel]), Int(span[channel]))
        }
        boxes.append(measure(0, n))
        while boxes.count < 256 {
            var widest = 0
            for i in 1..<boxes.count where boxes[i].range > boxes[widest].range { widest = i }
            let box = boxes[widest]
            // Boxes this narrow already hold every colour within half the tolerance of any
            // member; splitting further would only spend palette entries and bytes.
            if box.range <= max(tolerance / 2, 1) { break }
            let middle = box.low + box.range / 2
            let shift = UInt32(8 * box.channel)
            // Partition: values <= middle to the front.
            var i = box.start, j = box.end - 1
            while i <= j {
                if Int(colors[order[i]] >> shift & 0xFF) <= middle {
                    i += 1
                } else {
                    order.swapAt(i, j)
                    j -= 1
                }
            }
            boxes[widest] = measure(box.start, i)
            boxes.append(measure(i, box.end))
        }
        var palette: [UInt32] = []
        var members: [Range<Int>] = []
        for box in boxes where box.end > box.start {
            var best = order[box.start]
            for i in box.start..<box.end where counts[used[order[i]]] > counts[used[best]] { best = order[i] }
            let representative = colors[best]
            for i in box.start..<box.end where Self.maxChannelDifference(colors[order[i]], representative) > tolerance {
                return nil
            }
            palette.append(representative)
            members.append(box.start..<box.end)
        }
        // Translucent entries first, so tRNS can stop at the last of them.
        let ranked = palette.indices.sorted { (palette[$0] >> 24 != 255 ? 0 : 1, $0) < (palette[$1] >> 24 != 255 ? 0 : 1, $1) }
        var out: [UInt32] = []
        out.reserveCapacity(palette.count)
        for (index, entry) in ranked.enumerated() {
            out.append(palette[entry])
            for i in members[entry] { indices[used[order[i]]] = UInt8(index) }
        }
        return out
    }

    private static func maxChannelDifference(_ a: UInt32, _ b: UInt32) -> Int {
        var worst = 0
        for shift in stride(from: 0 as UInt32, through: 24, by: 8) {
            worst = max(worst, abs(Int(a >> shift & 0xFF) - Int(b >> shift & 0xFF)))
        }
        return worst
    }

    /// The palette index of a counted colour.
    @inline(__always)
    func index(of p: UInt32) -> UInt8 {
        var slot = Self.hash(p)
        while keys[slot] != p || counts[slot] == 0 { slot = (slot + 1) & (Self.slots - 1) }
        return indices[slot]
    }
}
