import Cartography
import Foundation
import Geometry

/// A map image asked for by a client: a box in some coordinate system spread over
/// `width` × `height` pixels (not necessarily square ones). The renderer draws in a plane of
/// its own where one unit is one pixel, north up: `plane(fromMercator:)` takes the map's Web
/// Mercator features there, through the requested system.
struct MapFrame: Sendable {
    let crs: MapCRS
    /// The box in the system's easting, northing order.
    let box: BoundingBox
    let width: Int
    let height: Int
    /// A Web Mercator box holding the frame, clamped to the world (nil when it misses it).
    let mercatorBox: BoundingBox?
    /// About how many Web Mercator metres one pixel spans (the finer of its two sides).
    let mercatorResolution: Double
    /// The zoom whose rules style the image: the tile zoom nearest its resolution.
    let zoom: Int

    private let scaleX: Double
    private let scaleY: Double

    init(crs: MapCRS, box: BoundingBox, width: Int, height: Int) {
        self.crs = crs
        self.box = box
        self.width = width
        self.height = height
        scaleX = Double(width) / box.width
        scaleY = Double(height) / box.height
        let mercator = Self.mercatorBox(of: box, crs: crs)
        mercatorBox = WebMercator.worldBounds.intersection(mercator)
        let resolution = min(mercator.width / Double(width), mercator.height / Double(height))
        mercatorResolution = resolution.isFinite && resolution > 0 ? resolution : TileMath.resolution(zoom: 0)
        let zoom = TileMath.zoom(forResolution: mercatorResolution).rounded()
        self.zoom = zoom.isFinite ? Int(min(max(zoom, 0), Double(TileID.maxZoom))) : 0
    }

    /// The renderer's area: the whole image, one unit a pixel.
    var area: BoundingBox { BoundingBox(minX: 0, minY: 0, maxX: Double(width), maxY: Double(height)) }

    /// True when the image is Web Mercator with square pixels: drawn straight from the features.
    var isPlainMercator: Bool {
        crs == .webMercator && abs(scaleX - scaleY) <= 1e-9 * max(scaleX, scaleY)
    }

    /// Interleaved Web Mercator x, y pairs turned into points of the plane (x right, y up, in
    /// pixels from the bottom-left), in place.
    func plane(fromMercator xy: inout [Double]) {
        crs.fromMercator(&xy)
        var i = 0
        while i + 1 < xy.count {
            xy[i] = (xy[i] - box.minX) * scaleX
            xy[i + 1] = (xy[i + 1] - box.minY) * scaleY
            i += 2
        }
    }

    /// The point of the system at pixel (`i`, `j`) of the image, counted from its top-left.
    func point(pixelX i: Double, pixelY j: Double) -> Point {
        Point(x: box.minX + i / scaleX, y: box.maxY - j / scaleY)
    }

    /// The Web Mercator box holding a box of the plane.
    func mercatorBox(ofPlane planeBox: BoundingBox) -> BoundingBox {
        let inSystem = BoundingBox(minX: box.minX + planeBox.minX / scaleX, minY: box.minY + planeBox.minY / scaleY,
                                   maxX: box.minX + planeBox.maxX / scaleX, maxY: box.minY + planeBox.maxY / scaleY)
        return Self.mercatorBox(of: inSystem, crs: crs)
    }

    /// The Web Mercator box holding `box` of `crs`, from points along its edges (a straight
    /// edge of one system bends in another).
    static func mercatorBox(of box: BoundingBox, crs: MapCRS) -> BoundingBox {
        if crs == .webMercator { return box }
        let xy = MapCRS.edgePoints(box)
        var out = BoundingBox.empty
        var i = 0
        while i + 1 < xy.count {
            let p = crs.toMercator(Point(x: xy[i], y: xy[i + 1]))
            if p.x.isFinite && p.y.isFinite { out = out.union(p) }
            i += 2
        }
        return out
    }
}

/// A layer's Web Mercator features handed to the renderer on a map frame's plane: each query
/// box goes back to Web Mercator for the layer's own source, and each feature's coordinates
/// come out through the frame's system, in pixels.
struct FramedFeatureSource: FeatureSource {
    let inner: any FeatureSource
    let frame: MapFrame

    func forEachFeature(in query: TileQuery, _ body: (Cartography.Feature) throws -> Void) throws {
        guard let mercator = WebMercator.worldBounds.intersection(frame.mercatorBox(ofPlane: query.bbox)) else { return }
        let inner = TileQuery(bbox: mercator, zoom: query.zoom, resolution: frame.mercatorResolution,
                              attributes: query.attributes)
        var coordinates: [Double] = []
        try self.inner.forEachFeature(in: inner) { feature in
            coordinates.removeAll(keepingCapacity: true)
            coordinates.append(contentsOf: feature.coordinates)
            frame.plane(fromMercator: &coordinates)
            // A point PROJ cannot take to the system (far outside it) leaves the feature out.
            guard coordinates.allSatisfy(\.isFinite) else { return }
            let bounds = MapCRS.box(of: coordinates)
            try coordinates.withUnsafeBufferPointer { xy in
                try body(Cartography.Feature(kind: feature.kind, coordinates: xy, partEnds: feature.partEnds,
                                             bounds: bounds, attributes: feature.attributes))
            }
        }
    }
}
