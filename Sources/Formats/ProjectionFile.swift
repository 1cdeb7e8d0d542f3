import Foundation

/// What a coordinate-system description (a .prj file, a GeoPackage definition) was found
/// to be.
public struct ProjectionInfo: Sendable, Equatable {
    /// The EPSG code, when the description could be matched to one.
    public var srid: Int?
    /// The CRS's own name in the description ("VN_2000_UTM_Zone_48N").
    public var name: String?
    /// The description as given, trimmed.
    public var wkt: String

    public init(srid: Int?, name: String?, wkt: String) {
        self.srid = srid
        self.name = name
        self.wkt = wkt
    }
}

/// Identifies the CRS of an ESRI or OGC WKT1 description (a shapefile's .prj).
///
/// Design note: ESRI .prj files seldom carry an AUTHORITY code, and Vietnamese ones name
/// the VN-2000 datum in many spellings ("D_Vietnam_2000", "VN-2000", "VN_2000"). The file
/// is parsed into its WKT tree and matched in order: an EPSG AUTHORITY; a table of common
/// CRS names; then by parts: the datum (WGS 84, VN-2000, NAD83), the projection and its
/// central meridian, scale factor and false easting/northing, which pick the VN-2000 3°
/// zone, UTM zone or Web Mercator. Anything else is left unidentified with its text kept,
/// so the person can be asked.
public enum ProjectionFile {
    public static func identify(wkt text: String) -> ProjectionInfo {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{FEFF}\0")))
        var parser = WKTParser(Array(trimmed.utf8))
        guard var root = parser.parse() else { return ProjectionInfo(srid: nil, name: nil, wkt: trimmed) }
        if ["COMPD_CS", "COMPOUNDCRS"].contains(root.keyword), let horizontal = root.nodes.first(where: {
            ["PROJCS", "GEOGCS", "PROJCRS", "GEOGCRS", "GEODCRS"].contains($0.keyword)
        }) {
            root = horizontal
        }
        let name = root.texts.first
        return ProjectionInfo(srid: srid(of: root, name: name), name: name, wkt: trimmed)
    }

    static func srid(of root: WKTNode, name: String?) -> Int? {
        if let code = root.epsgCode { return code }
        if let name, let code = knownName(name) { return code }
        let geographic = root.nodes.first { ["GEOGCS", "GEOGCRS", "BASEGEOGCRS", "BASEGEODCRS"].contains($0.keyword) }
        let datumNode = (geographic ?? root).nodes.first { $0.keyword == "DATUM" }
        let datumNames = [datumNode?.texts.first, geographic?.texts.first, name].compactMap { $0 }.map(normalised)
        let datum = classifyDatum(datumNames)
        switch root.keyword {
        case "GEOGCS", "GEOGCRS", "GEODCRS":
            return datum?.geographic
        case "PROJCS", "PROJCRS":
            break
        default:
            return nil
        }
        let method = normalised(root.nodes.first { $0.keyword == "PROJECTION" }?.texts.first
            ?? root.nodes.first { $0.keyword == "CONVERSION" }?.nodes.first { $0.keyword == "METHOD" }?.texts.first ?? "")
        if method.contains("auxiliary_sphere") || method.contains("pseudo_mercator") || method.contains("popular_visuali") {
            return 3857
        }
        guard method.contains("transverse_mercator") else { return nil }
        let parameters = root.parameters
        func value(_ names: [String]) -> Double? {
            names.lazy.compactMap { parameters[$0] }.first
        }
        guard let meridian = value(["central_meridian", "longitude_of_natural_origin", "longitude_of_origin", "longitude_of_center"]),
              let scale = value(["scale_factor", "scale_factor_at_natural_origin"]) else { return nil }
        let falseEasting = value(["false_easting"]) ?? 500_000
        let falseNorthing = value(["false_northing"]) ?? 0
        let origin = value(["latitude_of_origin", "latitude_of_natural_origin"]) ?? 0
        guard abs(falseEasting - 500_000) < 0.01, abs(origin) < 1e-9 else { return nil }
        switch datum {
        case .vn2000:
            guard abs(falseNorthing) < 0.01 else { return nil }
            return VN2000Zones.zone(centralMeridian: meridian, scaleFactor: scale)?.code
        case .wgs84:
            guard abs(scale - 0.9996) < 1e-7 else { return nil }
            let zone = (meridian + 183) / 6
            guard zone == zone.rounded(), zone >= 1, zone <= 60 else { return nil }
            if abs(falseNorthing) < 0.01 { return 32600 + Int(zone) }
            if abs(falseNorthing - 10_000_000) < 0.01 { return 32700 + Int(zone) }
            return nil
        default:
            return nil
        }
    }

    enum Datum {
        case wgs84, vn2000, nad83
        var geographic: Int {
            switch self {
            case .wgs84: return 4326
            case .vn2000: return VN2000Zones.geographic
            case .nad83: return 4269
            }
        }
    }

    static func classifyDatum(_ names: [String]) -> Datum? {
        for name in names {
            let compact = name.replacingOccurrences(of: "_", with: "")
            if compact.contains("vn2000") || compact.contains("vietnam2000") { return .vn2000 }
        }
        for name in names {
            let compact = name.replacingOccurrences(of: "_", with: "")
            if compact.contains("wgs1984") || compact.contains("wgs84") || compact.contains("worldgeodeticsystem1984") { return .wgs84 }
            if compact.contains("northamerican1983") || compact.contains("nad83") { return .nad83 }
        }
        return nil
    }

    /// EPSG codes of CRS names common in ESRI and OGC files, normalised by `normalised`.
    static let names: [String: Int] = [
        "gcs_wgs_1984": 4326, "wgs_84": 4326, "wgs_1984": 4326, "wgs84": 4326,
        "gcs_vn_2000": 4756, "vn_2000": 4756, "gcs_vietnam_2000": 4756,
        "gcs_north_american_1983": 4269, "nad83": 4269,
        "vn_2000_utm_zone_48n": 3405, "vn_2000_utm_zone_49n": 3406,
        "wgs_1984_web_mercator_auxiliary_sphere": 3857, "wgs_1984_web_mercator": 3857,
        "wgs_84_pseudo_mercator": 3857, "pseudo_mercator": 3857, "web_mercator": 3857,
        "nad_1983_stateplane_new_york_long_island_fips_3104_feet": 2263,
        "nad83_new_york_long_island_ftus": 2263,
        "nad_1983_stateplane_new_york_long_island_fips_3104": 32118,
        "nad83_new_york_long_island": 32118,
    ]

    static func knownName(_ name: String) -> Int? {
        let key = normalised(name)
        if let code = names[key] { return code }
        for prefix in ["wgs_1984_utm_zone_", "wgs_84_utm_zone_"] where key.hasPrefix(prefix) {
            let rest = key.dropFirst(prefix.count)
            guard let hemisphere = rest.last, let zone = Int(rest.dropLast()), (1...60).contains(zone) else { continue }
            if hemisphere == "n" { return 32600 + zone }
            if hemisphere == "s" { return 32700 + zone }
        }
        return nil
    }

    /// Lower case, every run of other characters than letters and digits as one "_".
    static func normalised(_ name: String) -> String {
        var result = ""
        var pendingSeparator = false
        for character in name.lowercased() {
            if character.isLetter || character.isNumber {
                if pendingSeparator && !result.isEmpty { result.append("_") }
                pendingSeparator = false
                result.append(character)
            } else {
                pendingSeparator = true
            }
        }
        return result
    }
}

/// A node of a WKT tree: `KEYWORD["text", 1.5, CHILD[…], WORD]`.
struct WKTNode {
    enum Value {
        case text(String)
        case number(Double)
        case word(String)
        case node(WKTNode)
    }

    var keyword: String
    var values: [Value]

    var nodes: [WKTNode] { values.compactMap { if case .node(let node) = $0 { node } else { nil } } }
    var texts: [String] { values.compactMap { if case .text(let text) = $0 { text } else { nil } } }
    var numbers: [Double] { values.compactMap { if case .number(let number) = $0 { number } else { nil } } }

    /// The code of an AUTHORITY["EPSG","3405"] or ID["EPSG",3405] child.
    var epsgCode: Int? {
        for node in nodes where node.keyword == "AUTHORITY" || node.keyword == "ID" {
            guard node.texts.first?.uppercased() == "EPSG" else { continue }
            if let text = node.texts.dropFirst().first, let code = Int(text) { return code }
            if let number = node.numbers.first, number == number.rounded() { return Int(number) }
        }
        return nil
    }

    /// PARAMETER values by normalised name, from this node and a WKT2 CONVERSION child.
    var parameters: [String: Double] {
        var result = [String: Double]()
        let holders = [self] + nodes.filter { $0.keyword == "CONVERSION" }
        for holder in holders {
            for node in holder.nodes where node.keyword == "PARAMETER" {
                if let name = node.texts.first, let value = node.numbers.first {
                    result[ProjectionFile.normalised(name)] = value
                }
            }
        }
        return result
    }
}

/// A small recursive-descent parser for WKT1 (and the bracket syntax WKT2 shares).
struct WKTParser {
    static let maxDepth = 32
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parse() -> WKTNode? {
        guard let node = node(depth: 0) else { return nil }
        skipSpace()
        return node
    }

    mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    mutating func word() -> String {
        let start = index
        while index < bytes.count, bytes[index] == 0x5F || (bytes[index] >= 0x30 && bytes[index] <= 0x39)
                || (bytes[index] | 0x20 >= 0x61 && bytes[index] | 0x20 <= 0x7A) {
            index += 1
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    mutating func node(depth: Int) -> WKTNode? {
        guard depth < Self.maxDepth else { return nil }
        skipSpace()
        let keyword = word().uppercased()
        guard !keyword.isEmpty else { return nil }
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") || bytes[index] == UInt8(ascii: "(") else {
            return nil
        }
        index += 1
        var values = [WKTNode.Value]()
        while true {
            skipSpace()
            guard index < bytes.count else { return nil }
            let byte = bytes[index]
            if byte == UInt8(ascii: "]") || byte == UInt8(ascii: ")") {
                index += 1
                return WKTNode(keyword: keyword, values: values)
            }
            if byte == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if byte == UInt8(ascii: "\"") {
                guard let text = quoted() else { return nil }
                values.append(.text(text))
            } else if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
                        || (byte >= 0x30 && byte <= 0x39) {
                let start = index
                index += 1
                while index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: "e")
                        || bytes[index] == UInt8(ascii: "E") || bytes[index] == UInt8(ascii: "-")
                        || bytes[index] == UInt8(ascii: "+") || (bytes[index] >= 0x30 && bytes[index] <= 0x39) {
                    index += 1
                }
                guard let number = Double(String(decoding: bytes[start..<index], as: UTF8.self)) else { return nil }
                values.append(.number(number))
            } else {
                let save = index
                let name = word()
                guard !name.isEmpty else { return nil }
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "[") || bytes[index] == UInt8(ascii: "(") {
                    index = save
                    guard let child = node(depth: depth + 1) else { return nil }
                    values.append(.node(child))
                } else {
                    values.append(.word(name))
                }
            }
        }
    }

    mutating func quoted() -> String? {
        index += 1
        var text = [UInt8]()
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") {
                if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                    text.append(byte)
                    index += 1
                    continue
                }
                return String(decoding: text, as: UTF8.self)
            }
            text.append(byte)
        }
        return nil
    }
}
