/// A projected VN-2000 coordinate system: a provincial 3° Transverse Mercator zone
/// (scale 0.9999) or a 6° UTM zone (scale 0.9996), as EPSG defines them.
public struct VN2000Zone: Sendable, Equatable, Identifiable {
    /// The EPSG code.
    public var code: Int
    /// The name for the upload form, in Vietnamese: "VN-2000 múi 3° KTT 107°00′".
    public var name: String
    /// The central meridian (kinh tuyến trục) in decimal degrees.
    public var centralMeridian: Double
    /// 0.9999 for the 3° zones, 0.9996 for UTM.
    public var scaleFactor: Double

    public var id: Int { code }
}

/// The VN-2000 coordinate systems Vietnamese provinces publish data in.
public enum VN2000Zones {
    /// EPSG code of geographic VN-2000 (latitude and longitude on the VN-2000 datum).
    public static let geographic = 4756
    /// The name of geographic VN-2000 for the upload form.
    public static let geographicName = "VN-2000 địa lý (kinh độ, vĩ độ)"

    /// Every projected VN-2000 zone: the 3° provincial zones by central meridian, then UTM.
    public static let all: [VN2000Zone] = {
        let provincial: [(Int, Double)] = [
            (5896, 102), (9205, 103), (9206, 104), (9207, 104.5), (9208, 104.75), (5897, 105),
            (9209, 105.5), (9210, 105.75), (9211, 106), (9212, 106.25), (9213, 106.5), (9214, 107),
            (9215, 107.25), (9216, 107.5), (5899, 107.75), (5898, 108), (9217, 108.25), (9218, 108.5),
        ]
        let zones = provincial.map { code, meridian in
            VN2000Zone(code: code, name: "VN-2000 múi 3° KTT \(degreesMinutes(meridian))",
                       centralMeridian: meridian, scaleFactor: 0.9999)
        }
        return zones + [
            VN2000Zone(code: 3405, name: "VN-2000 UTM múi 48N (KTT \(degreesMinutes(105)))", centralMeridian: 105, scaleFactor: 0.9996),
            VN2000Zone(code: 3406, name: "VN-2000 UTM múi 49N (KTT \(degreesMinutes(111)))", centralMeridian: 111, scaleFactor: 0.9996),
        ]
    }()

    /// The zone with this central meridian and scale factor, if EPSG has one.
    public static func zone(centralMeridian: Double, scaleFactor: Double) -> VN2000Zone? {
        all.first { abs($0.centralMeridian - centralMeridian) < 1e-4 && abs($0.scaleFactor - scaleFactor) < 1e-7 }
    }

    /// The zone with this EPSG code.
    public static func zone(code: Int) -> VN2000Zone? {
        all.first { $0.code == code }
    }

    /// "107°45′" for 107.75.
    static func degreesMinutes(_ value: Double) -> String {
        let degrees = Int(value)
        let minutes = Int(((value - Double(degrees)) * 60).rounded())
        return "\(degrees)°\(minutes < 10 ? "0" : "")\(minutes)′"
    }
}
