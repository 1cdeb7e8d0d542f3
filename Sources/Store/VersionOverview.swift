import Foundation
import Geometry
import GRDB

/// Thinned, generalized copies of a large layer version for its low zooms, so a tile there
/// never reads every feature: one in-memory index per zoom from 0 to `maxZoom`, in Web Mercator.
///
/// At each zoom a feature smaller than a cell of the pixel grid (two pixels for points, one for
/// lines and polygons, which the renderer draws as a dot there) is kept only when it is the
/// first of the version, in id order, in its cell; larger features are all kept, their geometry
/// simplified to half a pixel. Cells of a zoom split exactly into four cells of the next, so a
/// point kept at one zoom is kept at every higher one: zooming in only adds points. A level's
/// size is bounded by the area the layer covers, not by how many features it has; levels from
/// the top that would together hold more than `featureBudget` features are left out, and those
/// zooms read the version from SQL.
public final class VersionOverview: Sendable {
    /// The grid cell of a point, in pixels.
    public static let pointCellPixels = 2.0
    /// The grid cell of a line or polygon drawn as a dot, in pixels.
    public static let dotCellPixels = 1.0

    /// The highest zoom held.
    public let maxZoom: Int
    let levels: [SpatialTableIndex]

    init(levels: [SpatialTableIndex]) {
        self.levels = levels
        self.maxZoom = levels.count - 1
    }

    /// The index of `zoom`, or nil when that zoom is not held.
    public func index(zoom: Int) -> SpatialTableIndex? {
        zoom >= 0 && zoom < levels.count ? levels[zoom] : nil
    }

    /// The index for a tile drawn at `resolution` metres per pixel (a zoom's, or half of it for
    /// a high-density tile): the zoom whose resolution is nearest, when it is held.
    public func index(resolution: Double) -> SpatialTableIndex? {
        guard resolution > 0 else { return nil }
        let zoom = (log2(TileMath.resolution(zoom: 0) / resolution)).rounded()
        guard zoom.isFinite, zoom >= 0, zoom <= Double(maxZoom) else { return nil }
        return levels[Int(zoom)]
    }

    /// Features held over all zooms.
    public var featureCount: Int { levels.reduce(0) { $0 + $1.count } }

    /// Bytes the levels hold, roughly.
    public var byteCount: Int { levels.reduce(0) { $0 + $1.byteCount } }

    /// Builds the levels from features handed in id order (Web Mercator geometry).
    struct Builder {
        let attributeCount: Int
        let featureBudget: Int
        private var levels: [SpatialTableIndex.Builder]
        private var occupied: [Set<UInt64>]
        private var counts: [Int]

        init(attributeCount: Int, maxZoom: Int, featureBudget: Int) {
            self.attributeCount = attributeCount
            self.featureBudget = featureBudget
            levels = (0...maxZoom).map { _ in SpatialTableIndex.Builder(attributeCount: attributeCount) }
            occupied = (0...maxZoom).map { _ in [] }
            counts = Array(repeating: 0, count: maxZoom + 1)
        }

        mutating func add(id: Int64, geometry: Geometry, attributes: [SpatialTableSource.Value]) {
            guard let (kind, full) = SpatialTableIndex.Builder.parts(of: geometry) else { return }
            let box = geometry.bbox
            guard !box.isEmpty, box.minX.isFinite, box.maxY.isFinite else { return }
            let cellPixels = kind == .point ? VersionOverview.pointCellPixels : VersionOverview.dotCellPixels
            var current = full
            for zoom in stride(from: levels.count - 1, through: 0, by: -1) {
                let resolution = TileMath.resolution(zoom: zoom)
                let cell = resolution * cellPixels
                if box.width < cell && box.height < cell {
                    let x = Int64(((box.minX + box.maxX) / 2 / cell).rounded(.down))
                    let y = Int64(((box.minY + box.maxY) / 2 / cell).rounded(.down))
                    let key = UInt64(UInt32(truncatingIfNeeded: x)) << 32 | UInt64(UInt32(truncatingIfNeeded: y))
                    guard occupied[zoom].insert(key).inserted else { continue }
                    // Drawn as a dot (lines, polygons) or a marker (points): no more than the
                    // box or the point itself is needed.
                    if kind != .point { current = [] }
                } else if kind != .point {
                    current = SpatialTableIndex.Builder.simplified(current, tolerance: resolution / 2)
                }
                levels[zoom].add(id: id, kind: kind, parts: current, bounds: box, attributes: attributes)
                counts[zoom] += 1
            }
        }

        /// The levels, the highest dropped while all together exceed the budget.
        consuming func build(attributeNames: [String]) -> VersionOverview {
            var top = levels.count - 1
            while top > 0 && counts[0...top].reduce(0, +) > featureBudget { top -= 1 }
            occupied = []
            var built: [SpatialTableIndex] = []
            for zoom in 0...top {
                built.append(levels[zoom].build(attributeNames: attributeNames,
                                                tolerance: TileMath.resolution(zoom: zoom) / 2))
            }
            return VersionOverview(levels: built)
        }
    }
}

extension SpatialTableIndex {
    /// Bytes the index holds, roughly (its arrays, not their headers).
    public var byteCount: Int {
        var total = ids.count * 8 + kinds.count + bounds.count * 32 + attributes.count * 24
        total += treeBoxes.count * 8 + treeIndices.count * 4 + levelEnds.count * 8
        for level in levels {
            total += level.coordinates.count * 8 + level.pointStart.count * 8 + level.partStart.count * 8
            total += level.partEnds.count * 4
        }
        return total
    }
}

extension FeatureRepository {
    /// Reads every feature of `versionID`, in id order and one at a time, into its overview (see
    /// `VersionOverview`), with the attributes a style reads.
    public func loadOverview(versionID: Int64, attributes: [String] = [], maxZoom: Int = 11,
                             featureBudget: Int = 600_000) throws(StoreError) -> VersionOverview {
        let (columns, paths) = Self.attributeColumns(attributes)
        let sql = "SELECT f.id, f.geom, NULL\(columns) FROM features f WHERE f.version_id = ? AND f.geom IS NOT NULL ORDER BY f.id"
        var arguments = StatementArguments(paths)
        arguments += [versionID]
        var builder = VersionOverview.Builder(attributeCount: attributes.count, maxZoom: maxZoom,
                                              featureBudget: featureBudget)
        try database.read { db in
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try cursor.next() {
                let id: Int64 = row[0]
                guard let decoded = try row.withUnsafeData(atIndex: 1, { try $0.map { try Self.decode($0, id: id) } })
                else { continue }
                builder.add(id: id, geometry: decoded.geometry.projectedToWebMercator(),
                            attributes: (0..<attributes.count).map { Self.value(row, 3 + $0) })
            }
        }
        return builder.build(attributeNames: attributes)
    }
}
