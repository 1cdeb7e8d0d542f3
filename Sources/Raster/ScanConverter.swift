// Design note: exact-area scan conversion with a dense accumulation buffer.
//
// This is the approach of FreeType's "gray" rasterizer, AGG (inside Mapnik) and font-rs.
// Every edge is cut into pieces, one per pixel cell it crosses. A piece that rises `dy` (in
// 1/256 px) and spans `fx0...fx1` horizontally inside cell x contributes
//
//     acc[x]     += dy * (512 - fx0 - fx1)     (the part of the cell to the right of the piece)
//     acc[x + 1] += dy * (fx0 + fx1)           (the rest of the winding change)
//
// so that the running (prefix) sum of `acc` along a row is, at each pixel, the area-weighted
// winding number times 2^17 (a pixel is 256 × 256 subpixels, doubled to keep halves exact).
// Inside a shape the prefix sum is an exact integer winding number, so the fill rule is
// applied to it directly: non-zero clamps |w| to 1, even-odd folds w modulo 2. Shapes that
// overlap with the same or the opposite direction therefore come out right, and abutting
// pieces (a stroke's segments and joins) leave no seams, because shared edges cancel exactly.
//
// Coordinates are fixed point 24.8, rounded once from `Double`, so a shape moved by a whole
// pixel gives bit-identical coverage, and all sums are integers (no drift along long rows).
// Clipping happens before this stage (see EdgeBuilder.swift): edges above or below the canvas
// are dropped, edges left of it become vertical edges at x = 0 (they still carry winding),
// and edges right of it are dropped (they only affect pixels that do not exist).
//
// The converter remembers the box of cells touched; `render` sweeps only that box, emits runs
// of equal coverage to a `Blitter`, and zeroes the cells as it goes, so the buffer is clean for
// the next path without a full clear. Untouched cells cost one load and a branch.

/// How the inside of a path is decided where its contours overlap or cross.
public enum FillRule: Sendable, Hashable {
    /// Inside where the winding number is not zero.
    case nonZero
    /// Inside where the winding number is odd.
    case evenOdd
}

/// Turns paths into per-pixel 8-bit coverage and hands it to a `Blitter` as horizontal runs.
///
/// One converter per canvas size, reused for every fill: its buffers are allocated once.
/// Not thread-safe; give each rendering thread its own.
public final class ScanConverter {
    public let width: Int
    public let height: Int

    /// Subpixel bits of the fixed-point coordinates: 8 bits give 256 levels per pixel, as many
    /// as 8-bit coverage can show.
    static let subpixelBits = 8
    static let one = 1 << subpixelBits
    /// The accumulated value of a fully covered pixel: one² doubled.
    static let fullCoverage: Int32 = 1 << 17

    /// Cells, `stride` per row. Two columns beyond the canvas absorb pieces at x == width.
    private let cells: UnsafeMutablePointer<Int32>
    private let stride: Int
    /// The box of cells touched since the last render (empty when top > bottom).
    private var dirtyTop = Int.max
    private var dirtyBottom = -1
    private var dirtyLeft = Int.max
    private var dirtyRight = -1

    /// A converter for a canvas of `width` × `height` pixels (negative sizes count as 0).
    public init(width: Int, height: Int) {
        self.width = min(max(width, 0), Canvas.maxDimension)
        self.height = min(max(height, 0), Canvas.maxDimension)
        stride = self.width + 2
        let count = stride * max(self.height, 1)
        cells = .allocate(capacity: count)
        cells.initialize(repeating: 0, count: count)
    }

    deinit {
        cells.deallocate()
    }

    /// True when nothing has been added since the last render or reset.
    public var isEmpty: Bool { dirtyBottom < dirtyTop }

    /// Adds every contour of `path`, each implicitly closed, curves flattened to `tolerance` px.
    public func add(_ path: Path, tolerance: Double = 0.1) {
        add(PathFlattener.flatten(path, tolerance: tolerance))
    }

    /// Forgets everything added since the last render.
    public func reset() {
        guard !isEmpty else { return }
        for y in dirtyTop...dirtyBottom {
            (cells + y * stride + dirtyLeft).update(repeating: 0, count: dirtyRight - dirtyLeft + 1)
        }
        clearDirtyBox()
    }

    private func clearDirtyBox() {
        dirtyTop = Int.max
        dirtyBottom = -1
        dirtyLeft = Int.max
        dirtyRight = -1
    }

    /// Adds a line already clipped to the canvas, in fixed point: 0 ≤ x ≤ width·256 and
    /// 0 ≤ y ≤ height·256.
    @inline(__always)
    func addFixedLine(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) {
        guard y0 != y1 else { return }
        var (xa, ya, xb, yb) = (x0, y0, x1, y1)
        var sign: Int32 = 1
        if ya > yb {
            swap(&xa, &xb)
            swap(&ya, &yb)
            sign = -1
        }
        let firstRow = ya >> 8
        let lastRow = (yb &- 1) >> 8
        if firstRow < dirtyTop { dirtyTop = firstRow }
        if lastRow > dirtyBottom { dirtyBottom = lastRow }
        let left = min(xa, xb) >> 8, right = (max(xa, xb) >> 8) &+ 1
        if left < dirtyLeft { dirtyLeft = left }
        if right > dirtyRight { dirtyRight = right }
        let inverseSlope = xa == xb ? 0 : Double(yb &- ya) / Double(xb &- xa)
        if firstRow == lastRow {
            piece(row: firstRow, xa: xa, ya: ya &- (firstRow << 8), xb: xb, yb: yb &- (firstRow << 8),
                  inverseSlope: inverseSlope, sign: sign)
            return
        }
        if xa == xb {
            verticalLine(x: xa, top: ya, bottom: yb, firstRow: firstRow, lastRow: lastRow, sign: sign)
            return
        }
        // x advances by `slope` per subpixel row. Every product below is of differences
        // that a whole-pixel translation leaves unchanged, so coverage moves exactly.
        let slope = Double(xb &- xa) / Double(yb &- ya)
        var x = xa, y = ya
        var row = firstRow
        while row < lastRow {
            let rowTop = row << 8
            let nextY = rowTop &+ ScanConverter.one
            let nextX = xa &+ Int(Double(nextY &- ya) * slope)
            piece(row: row, xa: x, ya: y &- rowTop, xb: nextX, yb: ScanConverter.one,
                  inverseSlope: inverseSlope, sign: sign)
            x = nextX
            y = nextY
            row &+= 1
        }
        piece(row: row, xa: x, ya: y &- (row << 8), xb: xb, yb: yb &- (row << 8),
              inverseSlope: inverseSlope, sign: sign)
    }

    @inline(__always)
    private func verticalLine(x: Int, top: Int, bottom: Int, firstRow: Int, lastRow: Int, sign: Int32) {
        let cx = x >> 8
        let fx2 = Int32(truncatingIfNeeded: (x &- (cx << 8)) &* 2)
        let left = 512 &- fx2
        var cell = cells + firstRow * stride + cx
        var row = firstRow
        var y = top
        while row <= lastRow {
            let rowBottom = min(bottom, (row &+ 1) << 8)
            let d = sign &* Int32(truncatingIfNeeded: rowBottom &- y)
            cell[0] &+= d &* left
            cell[1] &+= d &* fx2
            cell += stride
            y = rowBottom
            row &+= 1
        }
    }

    /// One row's share of a line: from (xa, ya) to (xb, yb), ya ≤ yb in 0...256 within the row;
    /// `inverseSlope` is the whole line's dy/dx.
    @inline(__always)
    private func piece(row: Int, xa: Int, ya: Int, xb: Int, yb: Int, inverseSlope: Double, sign: Int32) {
        guard ya != yb else { return }
        let base = cells + row * stride
        let cxa = xa >> 8, cxb = xb >> 8
        if cxa == cxb {
            let fx = Int32(truncatingIfNeeded: xa &+ xb &- (cxa << 9))
            let d = sign &* Int32(truncatingIfNeeded: yb &- ya)
            base[cxa] &+= d &* (512 &- fx)
            base[cxa &+ 1] &+= d &* fx
            return
        }
        var x = xa, y = ya
        if cxb > cxa {
            var cx = cxa
            while cx < cxb {
                let boundary = (cx &+ 1) << 8
                let nextY = min(ya &+ Int(Double(boundary &- xa) * inverseSlope), yb)
                cell(base, cx, x &- (cx << 8), ScanConverter.one, nextY &- y, sign)
                x = boundary
                y = nextY
                cx &+= 1
            }
            cell(base, cxb, 0, xb &- (cxb << 8), yb &- y, sign)
        } else {
            var cx = cxa
            while cx > cxb {
                let boundary = cx << 8
                let nextY = min(ya &+ Int(Double(boundary &- xa) * inverseSlope), yb)
                cell(base, cx, x &- (cx << 8), 0, nextY &- y, sign)
                x = boundary
                y = nextY
                cx &-= 1
            }
            cell(base, cxb, ScanConverter.one, xb &- (cxb << 8), yb &- y, sign)
        }
    }

    @inline(__always)
    private func cell(_ base: UnsafeMutablePointer<Int32>, _ cx: Int, _ fx0: Int, _ fx1: Int,
                      _ dy: Int, _ sign: Int32) {
        let d = sign &* Int32(truncatingIfNeeded: dy)
        let fx = Int32(truncatingIfNeeded: fx0 &+ fx1)
        base[cx] &+= d &* (512 &- fx)
        base[cx &+ 1] &+= d &* fx
    }

    /// Sweeps every touched row, hands runs of equal, non-zero coverage to `blitter`, and
    /// leaves the converter empty.
    public func render<B: Blitter>(_ rule: FillRule, into blitter: inout B) {
        guard !isEmpty else { return }
        switch rule {
        case .nonZero: sweep(into: &blitter, evenOdd: false)
        case .evenOdd: sweep(into: &blitter, evenOdd: true)
        }
        clearDirtyBox()
    }

    @inline(__always)
    private static func coverage(_ v: Int32, evenOdd: Bool) -> UInt8 {
        var a = v < 0 ? 0 &- v : v
        if evenOdd {
            a &= 2 &* fullCoverage &- 1
            if a > fullCoverage { a = 2 &* fullCoverage &- a }
        }
        if a >= fullCoverage { return 255 }
        return UInt8(truncatingIfNeeded: (a &* 255 &+ (fullCoverage >> 1)) >> 17)
    }

    private func sweep<B: Blitter>(into blitter: inout B, evenOdd: Bool) {
        let lastPixel = width - 1
        let lo = dirtyLeft, hi = min(dirtyRight, stride - 1)
        let end = min(hi, lastPixel)
        for y in dirtyTop...dirtyBottom {
            let row = cells + y * stride
            var v: Int32 = 0
            var runStart = lo
            var runCoverage: UInt8 = 0
            var x = lo
            while x <= end {
                let delta = row[x]
                if delta == 0 {
                    x &+= 1
                    // Empty stretches (between markers, beside thin lines) are skipped eight
                    // cells at a time: no winding change means no new run.
                    while x &+ 8 <= end &+ 1 {
                        let words = UnsafeRawPointer(row + x)
                        let any = words.loadUnaligned(as: UInt64.self)
                            | words.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                            | words.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
                            | words.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
                        if any != 0 { break }
                        x &+= 8
                    }
                    continue
                }
                v &+= delta
                row[x] = 0
                let c = ScanConverter.coverage(v, evenOdd: evenOdd)
                if c != runCoverage {
                    if runCoverage != 0 {
                        blitter.blitSpan(x: runStart, y: y, length: x - runStart, coverage: runCoverage)
                    }
                    runStart = x
                    runCoverage = c
                }
                x &+= 1
            }
            if end < hi {
                for i in (end + 1)...hi { row[i] = 0 }
            }
            // Beyond the last touched cell the winding no longer changes: the final run
            // reaches the right edge (a shape that leaves the canvas on the right).
            if runCoverage != 0 {
                blitter.blitSpan(x: runStart, y: y, length: lastPixel - runStart + 1, coverage: runCoverage)
            }
        }
    }
}
