import Foundation

/// What went wrong reading or describing geometry, with enough context for a person to act:
/// the format, the element that is wrong and, for binary input, the byte offset.
public enum GeometryError: Error, Sendable, Hashable {
    /// Malformed WKB or EWKB bytes.
    case wkb(String)
    /// A malformed SpatiaLite BLOB geometry, or a geometry SpatiaLite cannot represent.
    case spatiaLite(String)
    /// A malformed GeoJSON geometry object.
    case geoJSON(String)
    /// A tile address outside the pyramid.
    case invalidTile(z: Int, x: Int, y: Int)
}

extension GeometryError: CustomStringConvertible, LocalizedError {
    public var description: String {
        switch self {
        case .wkb(let message): return "WKB: \(message)"
        case .spatiaLite(let message): return "SpatiaLite BLOB: \(message)"
        case .geoJSON(let message): return "GeoJSON: \(message)"
        case .invalidTile(let z, let x, let y):
            if z < 0 || z > TileID.maxZoom {
                return "tile \(z)/\(x)/\(y): zoom \(z) is outside 0...\(TileID.maxZoom)"
            }
            let last = (1 << z) - 1
            return "tile \(z)/\(x)/\(y): x and y must be in 0...\(last) at zoom \(z)"
        }
    }

    public var errorDescription: String? { description }
}
