import Foundation

/// Spherical Web Mercator, EPSG:3857: lon/lat degrees (WGS84) to metres and back.
///
/// Latitudes are clamped to ±`maxLatitude`, where the projected world becomes a square of
/// side `2 * halfWorld` metres; longitudes are projected as given, so data just across the
/// antimeridian keeps its shape.
public enum WebMercator {
    /// The sphere radius of EPSG:3857, the WGS84 semi-major axis, in metres.
    public static let earthRadius: Double = 6_378_137

    /// The latitude at which the projected world is square: atan(sinh(π)) in degrees.
    public static let maxLatitude: Double = 85.051_128_779_806_59

    /// Half the side of the projected world, π·R: 20 037 508.342 789 244 m.
    public static let halfWorld: Double = Double.pi * earthRadius

    /// The whole projected world, from (−halfWorld, −halfWorld) to (halfWorld, halfWorld).
    public static let worldBounds = BoundingBox(minX: -halfWorld, minY: -halfWorld,
                                                maxX: halfWorld, maxY: halfWorld)

    /// The lon/lat extent that projects onto `worldBounds`.
    public static let lonLatWorldBounds = BoundingBox(minX: -180, minY: -maxLatitude,
                                                      maxX: 180, maxY: maxLatitude)

    /// Projects longitude/latitude degrees to metres; latitude is clamped to ±`maxLatitude`.
    @inlinable
    public static func project(_ lonLat: Point) -> Point {
        let lat = Swift.min(Swift.max(lonLat.y, -maxLatitude), maxLatitude)
        let phi = lat * (Double.pi / 180)
        return Point(x: lonLat.x * (Double.pi / 180) * earthRadius,
                     y: atanh(sin(phi)) * earthRadius)
    }

    /// Projects longitude/latitude degrees to metres.
    @inlinable
    public static func project(lon: Double, lat: Double) -> Point {
        project(Point(x: lon, y: lat))
    }

    /// Turns metres back into longitude/latitude degrees.
    @inlinable
    public static func unproject(_ metres: Point) -> Point {
        Point(x: metres.x / earthRadius * (180 / Double.pi),
              y: atan(sinh(metres.y / earthRadius)) * (180 / Double.pi))
    }

    /// Projects a lon/lat box; latitudes are clamped like points.
    public static func project(_ box: BoundingBox) -> BoundingBox {
        if box.isEmpty { return box }
        let low = project(Point(x: box.minX, y: box.minY))
        let high = project(Point(x: box.maxX, y: box.maxY))
        return BoundingBox(minX: low.x, minY: low.y, maxX: high.x, maxY: high.y)
    }

    /// Turns a box in metres back into a lon/lat box.
    public static func unproject(_ box: BoundingBox) -> BoundingBox {
        if box.isEmpty { return box }
        let low = unproject(Point(x: box.minX, y: box.minY))
        let high = unproject(Point(x: box.maxX, y: box.maxY))
        return BoundingBox(minX: low.x, minY: low.y, maxX: high.x, maxY: high.y)
    }
}

extension Geometry {
    /// This lon/lat geometry in Web Mercator metres.
    public func projectedToWebMercator() -> Geometry {
        mapPoints(WebMercator.project)
    }

    /// This Web Mercator geometry in lon/lat degrees.
    public func unprojectedFromWebMercator() -> Geometry {
        mapPoints(WebMercator.unproject)
    }
}
