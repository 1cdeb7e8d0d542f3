import Geometry

/// Features held in memory in Web Mercator, scanned linearly per query: for tests, previews
/// and small layers. Large layers belong in an indexed source.
public final class InMemoryFeatureSource: FeatureSource {
    private let kinds: [GeometryKind]
    private let bounds: [BoundingBox]
    private let coordinates: [Double]
    /// Per feature, the first coordinate pair and first part entry.
    private let coordinateStart: [Int]
    private let partStart: [Int]
    private let partEnds: [UInt32]
    private let attributeValues: [[String: AttributeValue]]

    /// A source of `features`: geometries in Web Mercator metres with their attributes.
    /// Geometry collections are split into their members; empty geometries are left out.
    public init(features: [(geometry: Geometry, attributes: [String: AttributeValue])]) {
        var kinds: [GeometryKind] = [], bounds: [BoundingBox] = [], coordinates: [Double] = []
        var coordinateStart: [Int] = [], partStart: [Int] = [], partEnds: [UInt32] = []
        var values: [[String: AttributeValue]] = []
        func add(_ geometry: Geometry, _ attributes: [String: AttributeValue]) {
            if case .geometryCollection(let members) = geometry {
                for member in members { add(member, attributes) }
                return
            }
            guard !geometry.isEmpty else { return }
            let first = coordinates.count / 2
            coordinateStart.append(coordinates.count / 2)
            partStart.append(partEnds.count)
            func part(_ points: [Point], hole: Bool) {
                for p in points {
                    coordinates.append(p.x)
                    coordinates.append(p.y)
                }
                let end = UInt32(truncatingIfNeeded: coordinates.count / 2 - first)
                partEnds.append(hole ? end | Feature.holeFlag : end)
            }
            switch geometry {
            case .point(let p): part([p], hole: false)
            case .multiPoint(let points): for p in points { part([p], hole: false) }
            case .lineString(let line): part(line, hole: false)
            case .multiLineString(let lines): for line in lines { part(line, hole: false) }
            case .polygon(let rings):
                for (i, ring) in rings.enumerated() { part(ring, hole: i > 0) }
            case .multiPolygon(let polygons):
                for rings in polygons {
                    for (i, ring) in rings.enumerated() { part(ring, hole: i > 0) }
                }
            case .geometryCollection: break
            }
            kinds.append(geometry.kind)
            bounds.append(geometry.bbox)
            values.append(attributes)
        }
        for feature in features { add(feature.geometry, feature.attributes) }
        coordinateStart.append(coordinates.count / 2)
        partStart.append(partEnds.count)
        self.kinds = kinds
        self.bounds = bounds
        self.coordinates = coordinates
        self.coordinateStart = coordinateStart
        self.partStart = partStart
        self.partEnds = partEnds
        attributeValues = values
    }

    /// The number of features held.
    public var count: Int { kinds.count }

    public func forEachFeature(in query: TileQuery, _ body: (Feature) throws -> Void) throws {
        try coordinates.withUnsafeBufferPointer { xy in
            try partEnds.withUnsafeBufferPointer { ends in
                for i in 0..<kinds.count where bounds[i].intersects(query.bbox) {
                    let c0 = coordinateStart[i], c1 = coordinateStart[i + 1]
                    let p0 = partStart[i], p1 = partStart[i + 1]
                    let attributes = query.attributes.map { attributeValues[i][$0] ?? .null }
                    let feature = Feature(
                        kind: kinds[i],
                        coordinates: UnsafeBufferPointer(rebasing: xy[(c0 * 2)..<(c1 * 2)]),
                        partEnds: UnsafeBufferPointer(rebasing: ends[p0..<p1]),
                        bounds: bounds[i],
                        attributes: attributes[...])
                    try body(feature)
                }
            }
        }
    }
}
