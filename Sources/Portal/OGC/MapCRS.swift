import Formats
import Foundation
import Geometry

/// A coordinate reference system a map client may ask for, with its axis order and its way to
/// and from longitude/latitude and Web Mercator (the system the map's features are drawn from).
enum MapCRS: Sendable, Hashable {
    /// Longitude, latitude (WGS 84), in that order.
    case crs84
    /// WGS 84 with the axis order EPSG gives it: latitude first (WMS 1.3.0 follows it).
    case epsg4326
    /// Web Mercator metres.
    case webMercator
    /// A VN-2000 system by its EPSG code: geographic VN-2000 (4756, latitude first) or one of its
    /// projected zones (easting first), reached through PROJ.
    case vn2000(Int)

    /// Every system the services offer, in the order the capabilities list them.
    static let offered: [MapCRS] = [.crs84, .epsg4326, .webMercator, .vn2000(VN2000Zones.geographic)]
        + VN2000Zones.all.map { .vn2000($0.code) }

    /// The systems every layer's bounding boxes are given in.
    static let boxed: [MapCRS] = [.crs84, .epsg4326, .webMercator]

    /// From `CRS:84`, `EPSG:4326`, `EPSG:3857` (any case; `EPSG:900913` and `EPSG:3785`, older
    /// names of Web Mercator, too) and `EPSG:n` of the VN-2000 systems; nil for anything else.
    init?(identifier: String) {
        let name = identifier.uppercased()
        switch name {
        case "CRS:84", "OGC:CRS84": self = .crs84
        case "EPSG:4326": self = .epsg4326
        case "EPSG:3857", "EPSG:900913", "EPSG:3785": self = .webMercator
        default:
            guard name.hasPrefix("EPSG:"), let code = Int(name.dropFirst(5)),
                  code == VN2000Zones.geographic || VN2000Zones.zone(code: code) != nil else { return nil }
            self = .vn2000(code)
        }
    }

    var identifier: String {
        switch self {
        case .crs84: return "CRS:84"
        case .epsg4326: return "EPSG:4326"
        case .webMercator: return "EPSG:3857"
        case .vn2000(let code): return "EPSG:\(code)"
        }
    }

    /// True when a BBOX in this system lists northing before easting (EPSG:4326 and geographic
    /// VN-2000 in WMS 1.3.0).
    var northingFirst: Bool {
        switch self {
        case .epsg4326: return true
        case .vn2000(let code): return code == VN2000Zones.geographic
        default: return false
        }
    }

    /// True for systems in metres (Web Mercator, the VN-2000 zones).
    var isProjected: Bool {
        switch self {
        case .crs84, .epsg4326: return false
        case .webMercator: return true
        case .vn2000(let code): return code != VN2000Zones.geographic
        }
    }

    /// PROJ's way there, for the VN-2000 systems.
    private var reprojection: Reprojection? {
        if case .vn2000(let code) = self { return Reprojection.to(code) }
        return nil
    }

    /// Longitude, latitude of a point of this system (easting, northing order).
    func toLonLat(_ p: Point) -> Point {
        switch self {
        case .crs84, .epsg4326: return p
        case .webMercator: return WebMercator.unproject(p)
        case .vn2000:
            var xy = [p.x, p.y]
            reprojection?.transform(&xy, inverse: true)
            return reprojection == nil ? Point(x: .infinity, y: .infinity) : Point(x: xy[0], y: xy[1])
        }
    }

    /// Web Mercator metres of a point of this system; latitudes beyond Web Mercator's are clamped.
    func toMercator(_ p: Point) -> Point {
        self == .webMercator ? p : WebMercator.project(toLonLat(p))
    }

    /// Interleaved Web Mercator x, y pairs turned into this system's easting, northing, in place.
    func fromMercator(_ xy: inout [Double]) {
        guard self != .webMercator else { return }
        var i = 0
        while i + 1 < xy.count {
            let p = WebMercator.unproject(Point(x: xy[i], y: xy[i + 1]))
            xy[i] = p.x
            xy[i + 1] = p.y
            i += 2
        }
        if let reprojection { reprojection.transform(&xy) }
    }

    /// Interleaved lon, lat pairs turned into this system's easting, northing, in place.
    func fromLonLat(_ xy: inout [Double]) {
        switch self {
        case .crs84, .epsg4326: return
        case .webMercator:
            var i = 0
            while i + 1 < xy.count {
                let p = WebMercator.project(Point(x: xy[i], y: xy[i + 1]))
                xy[i] = p.x
                xy[i + 1] = p.y
                i += 2
            }
        case .vn2000:
            guard let reprojection else {
                for i in xy.indices { xy[i] = .infinity }
                return
            }
            reprojection.transform(&xy)
        }
    }

    /// The box of this system (easting, northing order) holding a lon/lat box, from points along
    /// its edges (a straight edge of one system bends in another).
    func fromLonLat(_ box: BoundingBox) -> BoundingBox {
        switch self {
        case .crs84, .epsg4326: return box
        case .webMercator: return WebMercator.project(box)
        case .vn2000:
            var xy = Self.edgePoints(box)
            reprojection?.transform(&xy)
            return Self.box(of: xy)
        }
    }

    /// Interleaved points along the four edges of `box`, 17 per edge.
    static func edgePoints(_ box: BoundingBox) -> [Double] {
        var xy: [Double] = []
        let steps = 16
        for k in 0...steps {
            let t = Double(k) / Double(steps)
            let x = box.minX + t * box.width, y = box.minY + t * box.height
            xy += [x, box.minY, x, box.maxY, box.minX, y, box.maxX, y]
        }
        return xy
    }

    /// The box of the finite points among interleaved pairs.
    static func box(of xy: [Double]) -> BoundingBox {
        var out = BoundingBox.empty
        var i = 0
        while i + 1 < xy.count {
            if xy[i].isFinite && xy[i + 1].isFinite { out = out.union(Point(x: xy[i], y: xy[i + 1])) }
            i += 2
        }
        return out
    }
}
