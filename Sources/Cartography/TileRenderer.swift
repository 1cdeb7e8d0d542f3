import Geometry
import Raster

/// Renders XYZ Web Mercator tiles from layers of features: 256 px, or 512 px at scale 2 (@2x,
/// where every width and size doubles), onto a background colour or transparency, as a canvas
/// or a PNG.
///
/// Per layer, the renderer asks the source for the tile plus a margin, gives each feature to
/// the first rule that selects it, and collects all features of a rule into one set of
/// contours, so each symbolizer costs one fill and at most one stroke however many features it
/// draws (see FeaturePreparation.swift for projection, generalization and clipping). A
/// renderer keeps its canvas and buffers between tiles: reuse one per thread; it is not
/// thread-safe.
public final class TileRenderer {
    /// Geometry is generalized to this many pixels; features smaller than it both ways become
    /// a dot (when outlined) or are dropped.
    public static let simplificationTolerance = 0.5

    private let painter = Painter(width: 256, height: 256)
    private var preparer = FeaturePreparer(frame: TileFrame(
        originX: 0, originY: 0, scale: 1, width: 256, height: 256, margin: 0, tolerance: simplificationTolerance))
    private var buckets: [Bucket] = []
    private var uniformTiles: [UniformKey: [UInt8]] = [:]
    private let workspace = PNGWorkspace()

    /// Levels of anti-aliasing coverage in PNG tiles (see `Painter.coverageLevels`). 64 levels
    /// stay within 1/126 of exact coverage, invisible on a map, and cut the number of edge
    /// colours four-fold, so far more tiles fit a 256-colour palette (a third of the bytes to
    /// deflate). 256 gives exact coverage.
    public var pngCoverageLevels = 64
    /// How far (0...255, per channel) a rare colour may move so that a tile of more than 256
    /// colours still fits a palette (see `PNGEncoder.encode(_:level:workspace:paletteTolerance:)`);
    /// 0 keeps every colour exact.
    public var paletteTolerance = 8

    private struct Bucket {
        var contours = Polylines()
        var dots = Polylines()
        var points: [(x: Double, y: Double)] = []

        mutating func clear() {
            contours.removeAll()
            dots.removeAll()
            points.removeAll(keepingCapacity: true)
        }

        var isEmpty: Bool { contours.isEmpty && dots.isEmpty && points.isEmpty }
    }

    private struct UniformKey: Hashable {
        var color: Color
        var size: Int
        var level: Int
    }

    public init() {}

    /// The tile side in pixels for a scale: 256 × scale (scale clamped to 1...4).
    public static func tileSize(scale: Int) -> Int { 256 * min(max(scale, 1), 4) }

    /// Draws `tile` with exact anti-aliasing and returns the picture.
    /// - Parameters:
    ///   - layers: drawn in order, the first at the bottom.
    ///   - scale: 1 for 256 px tiles, 2 for 512 px (@2x) tiles.
    ///   - background: the colour under everything; nil for a transparent tile.
    /// - Throws: whatever a source throws.
    public func render(_ tile: TileID, layers: [TileLayer], scale: Int = 1,
                       background: Color? = nil) throws -> Canvas {
        painter.coverageLevels = 256
        _ = try draw(tile, layers: layers, scale: scale, background: background)
        return painter.canvas
    }

    /// Draws `tile` and encodes it as PNG (see `PNGEncoder`); uniform tiles (all background,
    /// or all one fill) come from a per-colour cache without encoding.
    public func renderPNG(_ tile: TileID, layers: [TileLayer], scale: Int = 1,
                          background: Color? = nil, level: Int = PNGEncoder.defaultLevel) throws -> [UInt8] {
        painter.coverageLevels = pngCoverageLevels
        let drew = try draw(tile, layers: layers, scale: scale, background: background)
        let size = painter.canvas.width
        if !drew {
            return uniformPNG(background ?? .transparent, size: size, level: level)
        }
        if let color = painter.canvas.uniformColor {
            return uniformPNG(color, size: size, level: level)
        }
        return PNGEncoder.encode(painter.canvas, level: level, workspace: workspace,
                                 paletteTolerance: paletteTolerance)
    }

    private func uniformPNG(_ color: Color, size: Int, level: Int) -> [UInt8] {
        let key = UniformKey(color: color, size: size, level: level)
        if let cached = uniformTiles[key] { return cached }
        let png = PNGEncoder.encodeUniform(color, width: size, height: size, level: level) ?? []
        if uniformTiles.count > 64 { uniformTiles.removeAll() }
        uniformTiles[key] = png
        return png
    }

    /// Draws any area of the map (for map images and previews rather than tiles): `area` in Web
    /// Mercator metres, its top-left corner at pixel (0, 0), `width / area.width` pixels per
    /// metre on both axes; rules are chosen for `zoom`, and widths and sizes multiply by `scale`.
    public func render(area: BoundingBox, width: Int, height: Int, zoom: Int, layers: [TileLayer],
                       scale: Double = 1, background: Color? = nil) throws -> Canvas {
        guard !area.isEmpty, area.width > 0, width > 0, height > 0 else {
            return Canvas(width: max(width, 0), height: max(height, 0), background: background ?? .transparent)
        }
        let factor = scale.isFinite ? min(max(scale, 0.25), 8) : 1
        painter.coverageLevels = 256
        _ = try draw(originX: area.minX, originY: area.maxY, pixelsPerMetre: Double(width) / area.width,
                     width: width, height: height, zoom: zoom, factor: factor, layers: layers,
                     background: background)
        return painter.canvas
    }

    /// Draws any area of the map as `render(area:…)` does and encodes it as PNG with the tiles'
    /// coverage levels and palette tolerance (for map images served to clients).
    public func renderPNG(area: BoundingBox, width: Int, height: Int, zoom: Int, layers: [TileLayer],
                          background: Color? = nil, level: Int = PNGEncoder.defaultLevel) throws -> [UInt8] {
        guard !area.isEmpty, area.width > 0, width > 0, height > 0 else { return [] }
        painter.coverageLevels = pngCoverageLevels
        _ = try draw(originX: area.minX, originY: area.maxY, pixelsPerMetre: Double(width) / area.width,
                     width: width, height: height, zoom: zoom, factor: 1, layers: layers, background: background)
        return PNGEncoder.encode(painter.canvas, level: level, workspace: workspace,
                                 paletteTolerance: paletteTolerance)
    }

    /// Draws the tile on the painter's canvas; false when nothing but the background was drawn.
    private func draw(_ tile: TileID, layers: [TileLayer], scale: Int, background: Color?) throws -> Bool {
        let factor = min(max(scale, 1), 4)
        let size = Self.tileSize(scale: factor)
        let bounds = tile.mercatorBounds
        return try draw(originX: bounds.minX, originY: bounds.maxY,
                        pixelsPerMetre: Double(size) / (bounds.maxX - bounds.minX),
                        width: size, height: size, zoom: tile.z, factor: Double(factor), layers: layers,
                        background: background)
    }

    private func draw(originX: Double, originY: Double, pixelsPerMetre: Double, width: Int, height: Int,
                      zoom: Int, factor: Double, layers: [TileLayer], background: Color?) throws -> Bool {
        if painter.canvas.width != width || painter.canvas.height != height {
            painter.canvas = Canvas(width: width, height: height)
        }
        painter.clear(to: background ?? .transparent)
        var drew = false
        for layer in layers {
            let style = layer.compiled
            let active = style.rules.filter { $0.applies(atZoom: zoom) }
            guard !active.isEmpty else { continue }
            let margin = (active.map(\.draw.reach).max() ?? 1) * factor
            preparer.begin(frame: TileFrame(originX: originX, originY: originY, scale: pixelsPerMetre,
                                            width: width, height: height, margin: margin,
                                            tolerance: Self.simplificationTolerance))
            while buckets.count < active.count { buckets.append(Bucket()) }
            for i in 0..<active.count { buckets[i].clear() }
            let resolution = 1 / pixelsPerMetre
            let bbox = BoundingBox(minX: originX, minY: originY - Double(height) * resolution,
                                   maxX: originX + Double(width) * resolution, maxY: originY)
            let query = TileQuery(bbox: bbox.expanded(by: margin * resolution), zoom: zoom,
                                  resolution: resolution, attributes: style.attributes)
            try layer.source.forEachFeature(in: query) { feature in
                guard !preparer.isOutside(feature.bounds),
                      let index = Self.ruleIndex(active, for: feature) else { return }
                add(feature, draw: active[index].draw, factor: factor, to: &buckets[index])
            }
            for (i, rule) in active.enumerated() where !buckets[i].isEmpty {
                paint(&buckets[i], rule.draw, factor: factor)
                drew = true
            }
        }
        return drew
    }

    /// The first active rule that selects the feature and can draw its kind of geometry.
    @inline(__always)
    private static func ruleIndex(_ rules: [RenderStyle.CompiledRule], for feature: Feature) -> Int? {
        for (i, rule) in rules.enumerated() {
            switch (rule.draw, feature.kind) {
            case (.polygon, .polygon), (.line, .line), (.line, .polygon), (.point, .point): break
            default: continue
            }
            if rule.attributeIndex >= 0 {
                let position = feature.attributes.startIndex + rule.attributeIndex
                let value = position < feature.attributes.endIndex ? feature.attributes[position] : .null
                if !rule.filter.matches(value) { continue }
            }
            return i
        }
        return nil
    }

    private func add(_ feature: Feature, draw: RenderStyle.Draw, factor: Double, to bucket: inout Bucket) {
        switch draw {
        case .polygon(_, let stroke, let width, _):
            if let tiny = preparer.tinyFeature(feature.bounds) {
                if stroke != nil {
                    preparer.addDot(x: tiny.x, y: tiny.y, side: width * factor + tiny.extent, to: &bucket.dots)
                }
                return
            }
            preparer.addPolygon(feature, to: &bucket.contours)
        case .line(_, let width, _, _, _):
            if let tiny = preparer.tinyFeature(feature.bounds) {
                preparer.addDot(x: tiny.x, y: tiny.y, side: max(width * factor, 1) + tiny.extent,
                                to: &bucket.dots)
                return
            }
            preparer.addLines(feature, to: &bucket.contours)
        case .point:
            preparer.addPoints(feature, to: &bucket.points)
        }
    }

    private func paint(_ bucket: inout Bucket, _ draw: RenderStyle.Draw, factor: Double) {
        switch draw {
        case .polygon(let fill, let stroke, let width, let dash):
            if let fill { painter.fill(bucket.contours, color: fill) }
            if let stroke {
                painter.stroke(bucket.contours, color: stroke,
                               style: StrokeStyle(width: width * factor, join: .miter, cap: .butt,
                                                  dash: dash.map { $0 * factor }))
                painter.fill(bucket.dots, color: stroke)
            }
        case .line(let color, let width, let dash, let cap, let join):
            painter.stroke(bucket.contours, color: color,
                           style: StrokeStyle(width: width * factor, join: join, cap: cap,
                                              dash: dash.map { $0 * factor }))
            painter.fill(bucket.dots, color: color)
        case .point(let shape, let size, let fill, let stroke, let width):
            painter.markers(shape, at: bucket.points, size: size * factor, fill: fill, stroke: stroke,
                            strokeWidth: width * factor)
        }
    }
}
