/// Draws paths, strokes and markers onto a `Canvas` with anti-aliasing and source-over blending.
///
/// A painter owns its canvas and the scan converter's buffers, so reuse one painter (or at
/// least one per thread) for many tiles: `clear(to:)` starts the next one. Drawing all features
/// of one style as one path in one `fill` or `stroke` call is the fast way to draw a layer.
public final class Painter {
    /// The picture so far. Replacing it with one of another size is allowed.
    public var canvas: Canvas
    /// Maximum distance, in pixels, between curves (and round joins) and their polylines.
    public var tolerance: Double = PathFlattener.defaultTolerance
    /// How many levels of anti-aliasing coverage are painted (2...256; 256 is exact). Fewer
    /// levels mean fewer distinct edge colours, so more pictures fit a 256-colour PNG palette:
    /// 64 levels differ from exact coverage by at most 1/126 of full, below what the eye sees.
    public var coverageLevels: Int = 256 {
        didSet {
            coverageLevels = min(max(coverageLevels, 2), 256)
            if coverageLevels != oldValue { coverageTable = CoverageQuantizer.table(levels: coverageLevels) }
        }
    }
    private var coverageTable: [UInt8] = CoverageQuantizer.table(levels: 256)

    var scan: ScanConverter
    private var markerCache: MarkerTemplate?

    public init(canvas: Canvas) {
        self.canvas = canvas
        scan = ScanConverter(width: canvas.width, height: canvas.height)
    }

    /// A painter on a new canvas of `width` × `height` filled with `background`.
    public convenience init(width: Int, height: Int, background: Color = .transparent) {
        self.init(canvas: Canvas(width: width, height: height, background: background))
    }

    /// Fills the whole canvas with `color` (replacing, not blending).
    public func clear(to color: Color) {
        canvas.clear(to: color)
    }

    /// Fills the inside of `path` (every contour implicitly closed) with `color`.
    public func fill(_ path: Path, color: Color, rule: FillRule = .nonZero) {
        guard color.a > 0, !path.isEmpty else { return }
        prepareScanConverter()
        scan.add(PathFlattener.flatten(path, tolerance: tolerance))
        paint(color.premultiplied, rule: rule)
    }

    /// Strokes `path` with `color` in `style`. Closed contours get joins all round; open
    /// ones get caps. Overlapping parts of one stroke are painted once.
    public func stroke(_ path: Path, color: Color, style: StrokeStyle) {
        guard color.a > 0, !path.isEmpty, style.width.isFinite, style.width > 0 else { return }
        prepareScanConverter()
        var flat = PathFlattener.flatten(path, tolerance: tolerance)
        if let dasher = Dasher(pattern: style.dash, offset: style.dashOffset) {
            flat = dasher.dash(flat)
        }
        // Hairlines: 1 px wide, fainter in proportion.
        let width = max(style.width, 1)
        let paintColor = style.width < 1 ? color.withOpacity(style.width) : color
        guard paintColor.a > 0 else { return }
        var stroker = Stroker(width: width, join: style.join, cap: style.cap,
                              miterLimit: style.miterLimit, tolerance: tolerance)
        stroker.stroke(flat)
        scan.add(stroker.out)
        paint(paintColor.premultiplied, rule: .nonZero)
    }

    /// Draws one marker centred at `center`: the shape filled with `fill`, then outlined with
    /// `stroke` (centred on the shape's edge) `strokeWidth` pixels wide. Either colour may be nil.
    public func marker(_ shape: MarkerShape, at center: (x: Double, y: Double), size: Double,
                       fill: Color?, stroke: Color? = nil, strokeWidth: Double = 1) {
        markers(shape, at: [center], size: size, fill: fill, stroke: stroke, strokeWidth: strokeWidth)
    }

    /// Draws many markers of one style: all fills in one pass, then all outlines in one pass
    /// (so where markers overlap, outlines sit above every fill).
    public func markers(_ shape: MarkerShape, at centers: [(x: Double, y: Double)], size: Double,
                        fill: Color?, stroke: Color? = nil, strokeWidth: Double = 1) {
        guard size.isFinite, size > 0, !centers.isEmpty else { return }
        let outline = stroke.map { $0.a > 0 } ?? false
        let lineWidth = outline && strokeWidth.isFinite && strokeWidth > 0 ? strokeWidth : 0
        // Hairline outlines are built 1 px wide and painted fainter, as in `stroke`.
        let templateWidth = lineWidth > 0 ? max(lineWidth, 1) : 0
        let template = markerTemplate(.init(shape: shape, size: size, strokeWidth: templateWidth))
        prepareScanConverter()
        if let fill, fill.a > 0 {
            for c in centers where PathFlattener.usable(c.x, c.y) {
                scan.add(template.fill, dx: c.x, dy: c.y)
            }
            paint(fill.premultiplied, rule: .nonZero)
        }
        if let stroke, lineWidth > 0 {
            let color = lineWidth < 1 ? stroke.withOpacity(lineWidth) : stroke
            for c in centers where PathFlattener.usable(c.x, c.y) {
                scan.add(template.stroke, dx: c.x, dy: c.y)
            }
            paint(color.premultiplied, rule: .nonZero)
        }
    }

    private func markerTemplate(_ key: MarkerTemplate.Key) -> MarkerTemplate {
        if let cached = markerCache, cached.key == key { return cached }
        let template = MarkerTemplate(key, tolerance: tolerance)
        markerCache = template
        return template
    }

    func prepareScanConverter() {
        if scan.width != canvas.width || scan.height != canvas.height {
            scan = ScanConverter(width: canvas.width, height: canvas.height)
        }
    }

    func paint(_ color: UInt32, rule: FillRule) {
        let width = canvas.width
        canvas.pixels.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else {
                scan.reset()
                return
            }
            let blitter = SolidColorBlitter(pixels: base, width: width, color: color)
            if coverageLevels == 256 {
                var exact = blitter
                scan.render(rule, into: &exact)
                return
            }
            coverageTable.withUnsafeBufferPointer { table in
                var quantized = QuantizedBlitter(inner: blitter, table: table)
                scan.render(rule, into: &quantized)
            }
        }
    }
}
