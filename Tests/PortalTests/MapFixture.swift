import Foundation
import Geometry
import HTTP
@testable import Portal
import Store

/// A demo province of the map tests' own: they publish versions and change styles, so they do
/// not share `DemoFixture`'s database. Seeded once per test process.
final class MapFixture: SeededFixture {
    static let shared: MapFixture? = try? MapFixture()

    let seeded: SeededPortal

    private init() throws {
        seeded = try SeededPortal(prefix: "bando-map-", network: "10.4")
    }

    /// A new public layer of the agency "sxd" with one published version of `wkt` features.
    @discardableResult
    func publishLayer(_ slug: String, kind: Store.GeometryKind, features wkt: [(String, String)]) throws -> Int64 {
        let layers = LayerRepository(database)
        try layers.create(slug: slug, title: "Thử nghiệm \(slug)", description: "", sector: "giao-thong",
                          ownerCode: "sxd", geometryKind: kind, visibility: .public)
        return try publishVersion(slug, features: wkt)
    }

    /// A new version of layer `slug` holding `wkt` features (with their properties JSON), published.
    @discardableResult
    func publishVersion(_ slug: String, features wkt: [(String, String)]) throws -> Int64 {
        let layers = LayerRepository(database)
        let version = try layers.createVersion(layerSlug: slug, createdBy: nil, sourceName: "test", sourceSRID: 4326,
                                               encoding: "UTF-8")
        try FeatureRepository(database).insert(wkt.map { NewFeature(shape: .wkt($0.0), propertiesJSON: $0.1) },
                                               versionID: version.id)
        try layers.refreshVersionFigures(versionID: version.id)
        try layers.publish(versionID: version.id, decidedBy: nil)
        return version.id
    }
}

/// The tile the map tests draw most: zoom 12 over the middle of the demo province.
let provinceTile = TileID(z: 12, x: 3258, y: 1799)!

extension Response {
    /// The body's bytes, read from disk for a file body.
    var bytes: [UInt8] {
        switch body {
        case .empty: return []
        case .bytes(let bytes): return bytes
        case .file(let path, _): return FileManager.default.contents(atPath: path).map { Array($0) } ?? []
        }
    }

    /// True when the body is a file (a tile served from the cache).
    var isFile: Bool {
        if case .file = body { return true }
        return false
    }
}

/// WKT of a line across a tile at fractions (fx0, fy0) → (fx1, fy1) of its extent (y downwards).
func lineAcross(_ tile: TileID, _ fx0: Double, _ fy0: Double, _ fx1: Double, _ fy1: Double) -> String {
    let b = tile.lonLatBounds
    func lon(_ f: Double) -> Double { b.minX + (b.maxX - b.minX) * f }
    func lat(_ f: Double) -> Double {
        // Interpolate in Web Mercator so the fraction is a fraction of the tile's pixels.
        let m = tile.mercatorBounds
        return WebMercator.unproject(Point(x: m.minX, y: m.maxY - (m.maxY - m.minY) * f)).y
    }
    return "LINESTRING(\(lon(fx0)) \(lat(fy0)), \(lon(fx1)) \(lat(fy1)))"
}
