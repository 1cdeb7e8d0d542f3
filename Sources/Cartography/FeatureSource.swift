import Foundation
import Geometry

/// What the renderer asks a layer's data for: one tile's worth of features.
public struct TileQuery: Sendable, Hashable {
    /// The area in EPSG:3857 metres: the tile plus a margin wide enough for the style's strokes
    /// and markers that cross the tile's edge.
    public var bbox: BoundingBox
    /// The tile's zoom.
    public var zoom: Int
    /// Metres per pixel at this zoom and tile size; a source may answer with geometry
    /// generalized to about half of it.
    public var resolution: Double
    /// The attributes the style reads, in this order; each feature's `attributes` follow it.
    public var attributes: [String]

    public init(bbox: BoundingBox, zoom: Int, resolution: Double, attributes: [String] = []) {
        self.bbox = bbox
        self.zoom = zoom
        self.resolution = resolution
        self.attributes = attributes
    }
}

/// One attribute value of a feature, as the style's filters compare it.
public enum AttributeValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    /// The value as a number: integers and reals as they are, text that reads as a number.
    public var number: Double? {
        switch self {
        case .null: return nil
        case .integer(let v): return Double(v)
        case .real(let v): return v
        case .text(let s): return Double(s.trimmingCharacters(in: .whitespaces))
        }
    }

    /// True when the value equals `text`: text exactly, numbers by numeric value.
    public func equals(text: String) -> Bool {
        switch self {
        case .null: return false
        case .text(let s): return s == text
        case .integer, .real:
            guard let n = number, let expected = Double(text) else { return false }
            return n == expected
        }
    }
}

/// One feature handed to the renderer: a borrowed view of geometry already in Web Mercator
/// metres, valid only during the callback that receives it (the storage belongs to the source).
///
/// Coordinates are interleaved x, y. `partEnds` lists, for each part (a point of a multi-point,
/// a line, or a polygon ring), the index of the point after its last one; rings whose entry has
/// `Feature.holeFlag` set are holes. Rings need not repeat their first point, nor follow any
/// winding convention: the renderer orients them itself.
public struct Feature {
    /// Marks a ring in `partEnds` as a hole of the polygon whose outer ring precedes it.
    public static let holeFlag: UInt32 = 0x8000_0000

    public var kind: GeometryKind
    public var coordinates: UnsafeBufferPointer<Double>
    public var partEnds: UnsafeBufferPointer<UInt32>
    /// The box of all coordinates.
    public var bounds: BoundingBox
    /// Values of `TileQuery.attributes`, in the same order (`.null` where missing).
    public var attributes: ArraySlice<AttributeValue>

    public init(kind: GeometryKind, coordinates: UnsafeBufferPointer<Double>,
                partEnds: UnsafeBufferPointer<UInt32>, bounds: BoundingBox,
                attributes: ArraySlice<AttributeValue> = []) {
        self.kind = kind
        self.coordinates = coordinates
        self.partEnds = partEnds
        self.bounds = bounds
        self.attributes = attributes
    }
}

/// A layer's data as the renderer sees it: features intersecting a box, pulled through a
/// callback so a source can hand out views of its own storage with no copying. Sources never
/// expose SQL; a store-backed one lives in the portal, an in-memory one is `InMemoryFeatureSource`.
public protocol FeatureSource: Sendable {
    /// Calls `body` once for each feature whose box intersects `query.bbox` (a source may also
    /// pass a few that do not; the renderer skips them). The `Feature` must not escape `body`.
    func forEachFeature(in query: TileQuery, _ body: (Feature) throws -> Void) throws
}
