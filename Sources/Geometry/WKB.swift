/// Well-Known Binary, as in OGC Simple Features / ISO 13249-3, and PostGIS's extended
/// flavour (EWKB).
///
/// Reading accepts both byte orders, ISO type codes 1–7 with their Z, M and ZM variants
/// (1001–3007) and EWKB's high-bit flags (0x80000000 Z, 0x40000000 M, 0x20000000 SRID);
/// Z and M values are read past and dropped. Writing produces 2D ISO WKB, or EWKB when an
/// SRID is given.
public enum WKB {
    /// The order of bytes in multi-byte numbers.
    public enum ByteOrder: Sendable, Hashable {
        /// Most significant byte first (XDR, byte-order marker 0).
        case bigEndian
        /// Least significant byte first (NDR, byte-order marker 1); what x86 and ARM use.
        case littleEndian
    }

    /// A geometry read from WKB, with the SRID an EWKB header carried.
    public struct Decoded: Sendable, Hashable {
        public var geometry: Geometry
        /// The SRID from the EWKB header; nil for ISO WKB.
        public var srid: Int32?

        public init(geometry: Geometry, srid: Int32?) {
            self.geometry = geometry
            self.srid = srid
        }
    }

    /// Base type codes of the simple-features geometry types.
    enum TypeCode: UInt32 {
        case point = 1, lineString, polygon, multiPoint, multiLineString, multiPolygon
        case geometryCollection

        var name: String {
            switch self {
            case .point: return "point"
            case .lineString: return "linestring"
            case .polygon: return "polygon"
            case .multiPoint: return "multipoint"
            case .multiLineString: return "multilinestring"
            case .multiPolygon: return "multipolygon"
            case .geometryCollection: return "geometry collection"
            }
        }

        /// The member type a multi-geometry requires, nil for a collection.
        var memberType: TypeCode? {
            switch self {
            case .multiPoint: return .point
            case .multiLineString: return .lineString
            case .multiPolygon: return .polygon
            default: return nil
            }
        }
    }

    /// EWKB flag: coordinates carry Z.
    static let ewkbZ: UInt32 = 0x8000_0000
    /// EWKB flag: coordinates carry M.
    static let ewkbM: UInt32 = 0x4000_0000
    /// EWKB flag: an SRID follows the type.
    static let ewkbSRID: UInt32 = 0x2000_0000

    /// Collections may nest; hostile input could nest them until the stack overflows, so
    /// deeper nesting than this is refused. Real data nests one or two levels.
    static let maxNesting = 32
}
