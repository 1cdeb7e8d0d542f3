import Cartography
import Geometry
import Store
import Synchronization

// The adapter between the store and the renderer: a layer version's features as a
// `FeatureSource`, either from an in-memory index of the whole version (the fast path, built once
// per published version) or straight from SQL through the spatial index, tile by tile (for
// versions too large to hold in memory).

/// A version's in-memory index (Web Mercator, generalized levels, packed R-tree) as a source.
struct IndexedFeatureSource: FeatureSource {
    let index: SpatialTableIndex

    func forEachFeature(in query: TileQuery, _ body: (Cartography.Feature) throws -> Void) throws {
        let positions = query.attributes.map { index.attributeNames.firstIndex(of: $0) }
        var values: [AttributeValue] = []
        values.reserveCapacity(positions.count)
        try index.forEachFeature(intersecting: query.bbox, resolution: query.resolution) { f in
            values.removeAll(keepingCapacity: true)
            for position in positions {
                values.append(position.map { AttributeValue(f.attributes[f.attributes.startIndex + $0]) } ?? .null)
            }
            try body(FeatureParts.feature(f.kind, coordinates: f.coordinates, partEnds: f.partEnds,
                                          bounds: f.bounds, attributes: values[...]))
        }
    }
}

/// A version's features read from SQL for each query: the tile box (plus margin) goes back to
/// EPSG:4326, the spatial index finds the features, their BLOBs are decoded and projected to
/// Web Mercator. The renderer thins and drops what is below a pixel.
struct StoreFeatureSource: FeatureSource {
    /// The most features one tile reads from SQL, in id order; low zooms of a large version come
    /// from its overview, so only a layer denser than any province's data reaches it.
    static let tileFeatureLimit = 500_000

    let features: FeatureRepository
    let versionID: Int64

    func forEachFeature(in query: TileQuery, _ body: (Cartography.Feature) throws -> Void) throws {
        guard let box = WebMercator.worldBounds.intersection(query.bbox) else { return }
        var coordinates: [Double] = []
        var partEnds: [UInt32] = []
        var values: [AttributeValue] = []
        try features.forEachFeature(versionID: versionID, intersecting: WebMercator.unproject(box),
                                    attributes: query.attributes, limit: Self.tileFeatureLimit) { row in
            coordinates.removeAll(keepingCapacity: true)
            partEnds.removeAll(keepingCapacity: true)
            guard let family = FeatureParts.append(row.geometry, coordinates: &coordinates, partEnds: &partEnds)
            else { return }
            values = row.attributes.map(AttributeValue.init)
            var bounds = BoundingBox.empty
            var i = 0
            while i + 1 < coordinates.count {
                bounds.formUnion(Point(x: coordinates[i], y: coordinates[i + 1]))
                i += 2
            }
            try coordinates.withUnsafeBufferPointer { xy in
                try partEnds.withUnsafeBufferPointer { ends in
                    try body(FeatureParts.feature(family, coordinates: xy, partEnds: ends, bounds: bounds,
                                                  attributes: values[...]))
                }
            }
        }
    }
}

/// A version too large to hold in memory: low zooms from its overview once built, everything
/// else (and low zooms until then) from SQL.
struct LargeVersionSource: FeatureSource {
    let overview: OverviewSlot
    let store: StoreFeatureSource

    func forEachFeature(in query: TileQuery, _ body: (Cartography.Feature) throws -> Void) throws {
        if let index = overview.overview?.index(resolution: query.resolution) {
            try IndexedFeatureSource(index: index).forEachFeature(in: query, body)
        } else {
            try store.forEachFeature(in: query, body)
        }
    }
}

/// Where a version's overview arrives once the background has built it.
final class OverviewSlot: Sendable {
    private let state = Mutex<(overview: VersionOverview?, done: Bool)>((nil, false))

    /// The overview, or nil while it is being built (or when building it failed).
    var overview: VersionOverview? { state.withLock { $0.overview } }
    /// True once the build has ended, built or failed.
    var isDone: Bool { state.withLock { $0.done } }

    func fill(_ overview: VersionOverview?) {
        state.withLock { $0 = (overview, true) }
    }
}

/// Flattens a geometry (EPSG:4326) into projected, interleaved coordinates and part ends.
enum FeatureParts {
    /// Appends the parts of `geometry` of its first member's family, projected to Web Mercator;
    /// returns that family, or nil when nothing was appended.
    static func append(_ geometry: Geometry, coordinates: inout [Double], partEnds: inout [UInt32]) -> Store.GeometryKind? {
        var family: Store.GeometryKind?
        func part(_ points: [Point], hole: Bool, kind: Store.GeometryKind) {
            guard !points.isEmpty else { return }
            if family == nil { family = kind }
            guard family == kind else { return }
            for p in points {
                let m = WebMercator.project(p)
                coordinates.append(m.x)
                coordinates.append(m.y)
            }
            let end = UInt32(truncatingIfNeeded: coordinates.count / 2)
            partEnds.append(hole ? end | Cartography.Feature.holeFlag : end)
        }
        func walk(_ g: Geometry) {
            switch g {
            case .point(let p): part([p], hole: false, kind: .point)
            case .multiPoint(let ps): for p in ps { part([p], hole: false, kind: .point) }
            case .lineString(let line): part(line, hole: false, kind: .line)
            case .multiLineString(let lines): for line in lines { part(line, hole: false, kind: .line) }
            case .polygon(let rings):
                for (i, ring) in rings.enumerated() { part(ring, hole: i > 0, kind: .polygon) }
            case .multiPolygon(let polygons):
                for rings in polygons {
                    for (i, ring) in rings.enumerated() { part(ring, hole: i > 0, kind: .polygon) }
                }
            case .geometryCollection(let members): for m in members { walk(m) }
            }
        }
        walk(geometry)
        return family
    }

    /// A renderer feature of the store's geometry family.
    static func feature(_ kind: Store.GeometryKind, coordinates: UnsafeBufferPointer<Double>,
                        partEnds: UnsafeBufferPointer<UInt32>, bounds: BoundingBox,
                        attributes: ArraySlice<AttributeValue>) -> Cartography.Feature {
        switch kind {
        case .point:
            return Cartography.Feature(kind: .point, coordinates: coordinates, partEnds: partEnds, bounds: bounds,
                                       attributes: attributes)
        case .line:
            return Cartography.Feature(kind: .line, coordinates: coordinates, partEnds: partEnds, bounds: bounds,
                                       attributes: attributes)
        case .polygon:
            return Cartography.Feature(kind: .polygon, coordinates: coordinates, partEnds: partEnds, bounds: bounds,
                                       attributes: attributes)
        }
    }
}


extension AttributeValue {
    /// A stored attribute value as a style filter compares it.
    init(_ value: SpatialTableSource.Value) {
        switch value {
        case .null: self = .null
        case .integer(let i): self = .integer(i)
        case .real(let d): self = .real(d)
        case .text(let s): self = .text(s)
        }
    }
}
