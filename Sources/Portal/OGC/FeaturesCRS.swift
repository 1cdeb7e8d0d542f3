import Foundation
import Geometry

/// A coordinate reference system of OGC API – Features Part 2 (OGC 18-058): its URI and the
/// map system behind it. Coordinates go out, and `bbox-crs` boxes come in, in the system's own
/// axis order — latitude first for EPSG:4326 and geographic VN-2000, as EPSG defines them.
struct FeaturesCRS: Sendable, Equatable {
    let uri: String
    let crs: MapCRS

    static let crs84 = FeaturesCRS(uri: FeaturesDocuments.crs84, crs: .crs84)

    /// CRS84 (the default and storage system), EPSG:4326, Web Mercator and every VN-2000 system.
    static let offered: [FeaturesCRS] = MapCRS.offered.map { crs in
        if crs == .crs84 { return FeaturesCRS.crs84 }
        return FeaturesCRS(uri: "http://www.opengis.net/def/crs/EPSG/0/" + crs.identifier.dropFirst(5), crs: crs)
    }

    /// The system of a URI (also its `[EPSG:n]`-free https form); nil when not offered.
    static func named(_ uri: String) -> FeaturesCRS? {
        let plain = uri.hasPrefix("https://") ? "http://" + uri.dropFirst(8) : uri
        return offered.first { $0.uri == plain }
    }

    /// A lon/lat geometry in this system, in its axis order; nil when a point cannot be taken there.
    func project(_ geometry: Geometry) -> Geometry? {
        switch crs {
        case .crs84: return geometry
        case .epsg4326: return geometry.mapPoints { Point(x: $0.y, y: $0.x) }
        case .webMercator: return geometry.projectedToWebMercator()
        case .vn2000:
            var xy: [Double] = []
            _ = geometry.mapPoints { p in xy.append(p.x); xy.append(p.y); return p }
            crs.fromLonLat(&xy)
            guard xy.allSatisfy(\.isFinite) else { return nil }
            var i = 0
            let swap = crs.northingFirst
            return geometry.mapPoints { _ in
                defer { i += 2 }
                return swap ? Point(x: xy[i + 1], y: xy[i]) : Point(x: xy[i], y: xy[i + 1])
            }
        }
    }

    /// A box given in this system's axis order, as the lon/lat box holding it.
    func lonLatBox(_ numbers: [Double]) -> BoundingBox {
        let (a, b, c, d) = (numbers[0], numbers[1], numbers[2], numbers[3])
        let box = crs.northingFirst ? BoundingBox(minX: b, minY: a, maxX: d, maxY: c) : BoundingBox(minX: a, minY: b, maxX: c, maxY: d)
        switch crs {
        case .crs84, .epsg4326: return box
        default:
            var xy = MapCRS.edgePoints(box)
            var i = 0
            while i + 1 < xy.count {
                let p = crs.toLonLat(Point(x: xy[i], y: xy[i + 1]))
                xy[i] = p.x
                xy[i + 1] = p.y
                i += 2
            }
            return MapCRS.box(of: xy)
        }
    }
}
