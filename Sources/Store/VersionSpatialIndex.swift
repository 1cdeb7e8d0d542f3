import Foundation
import Geometry
import GRDB

/// The rows an import wrote and where each one is, until the spatial index holds them.
struct PlacedFeatures {
    var ids: [Int64] = []
    /// Each box as the R-tree keeps it: 32-bit floats, rounded outward.
    var boxes: [(minX: Float, minY: Float, maxX: Float, maxY: Float)] = []

    mutating func add(id: Int64, box: BoundingBox) {
        ids.append(id)
        boxes.append((Self.down(box.minX), Self.down(box.minY), Self.up(box.maxX), Self.up(box.maxY)))
    }

    static func down(_ value: Double) -> Float {
        let near = Float(value)
        return Double(near) > value ? near.nextDown : near
    }

    static func up(_ value: Double) -> Float {
        let near = Float(value)
        return Double(near) < value ? near.nextUp : near
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
        let keys = placed.boxes.map {
            HilbertCurve.index(x: (Double($0.minX) + Double($0.maxX)) / 2, y: (Double($0.minY) + Double($0.maxY)) / 2, in: extent)
        }
        let order = keys.indices.sorted { keys[$0] < keys[$1] }
        var next = 0
        while next < order.count {
            next = try database.pool.write { db -> Int in
                // As the trigger does, a row id the R-tree already holds is replaced; the box is
                // the one measured when the row was written, rounded outward as RTreeAlign does.
                let insert = try SpatialIndexInsert(db)
                let deadline = Date().addingTimeInterval(Self.batchSeconds)
                var index = next
                while index < order.count {
                    let id = placed.ids[order[index]], box = placed.boxes[order[index]]
                    try insert.run(id: id, minX: Double(box.minX), maxX: Double(box.maxX), minY: Double(box.minY), maxY: Double(box.maxY))
                    index += 1
                    if index % 64 == 0 && Date() >= deadline { break }
                }
                return index
            }
            if next < order.count { Self.leaveWriterFree() }
        }
    }
}
