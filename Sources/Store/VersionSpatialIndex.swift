import Foundation
import Geometry
import GRDB

/// The rows an import wrote and where each one is, until the spatial index holds them.
struct PlacedFeatures {
    var ids: [Int64] = []
    var centres: [(Float, Float)] = []

    mutating func add(id: Int64, box: BoundingBox) {
        ids.append(id)
        centres.append((Float((box.minX + box.maxX) / 2), Float((box.minY + box.maxY) / 2)))
    }
}

extension VersionImporter {
    /// Puts an import's rows into the R-tree once they are all written, in short transactions,
    /// in the order of a Hilbert curve over the version's extent. The index trigger skips the
    /// rows of a version being written (migration 0012): inserted one by one in file order, each
    /// short transaction would touch R-tree nodes all over the map and write them all to the
    /// WAL; in curve order one transaction touches a few neighbouring nodes.
    func fillSpatialIndex(_ placed: PlacedFeatures, extent: BoundingBox?) throws {
        guard let extent, !placed.ids.isEmpty else { return }
        let keys = placed.centres.map { HilbertCurve.index(x: Double($0.0), y: Double($0.1), in: extent) }
        let order = keys.indices.sorted { keys[$0] < keys[$1] }
        var next = 0
        while next < order.count {
            next = try database.pool.write { db -> Int in
                // As the trigger does: a row id the R-tree already holds is replaced.
                let remove = try db.cachedStatement(sql: "DELETE FROM idx_features_geom WHERE pkid = ?")
                let align = try db.cachedStatement(sql: "SELECT RTreeAlign('idx_features_geom', id, geom) FROM features WHERE id = ?")
                let deadline = Date().addingTimeInterval(Self.batchSeconds)
                var index = next
                while index < order.count {
                    let id = placed.ids[order[index]]
                    try remove.execute(arguments: [id])
                    try align.execute(arguments: [id])
                    index += 1
                    if index % 64 == 0 && Date() >= deadline { break }
                }
                return index
            }
        }
    }
}
