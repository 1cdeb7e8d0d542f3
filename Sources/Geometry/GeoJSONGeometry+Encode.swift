import Foundation

extension GeoJSON {
    /// The geometry as a GeoJSON geometry object of Foundation values, ready for
    /// `JSONSerialization` or to embed in a Feature. Coordinates are full-precision Doubles.
    public static func object(for geometry: Geometry) -> [String: Any] {
        func position(_ point: Point) -> [Double] { [point.x, point.y] }
        func positions(_ points: [Point]) -> [[Double]] { points.map(position) }
        let coordinates: Any
        switch geometry {
        case .point(let point): coordinates = position(point)
        case .multiPoint(let points), .lineString(let points): coordinates = positions(points)
        case .multiLineString(let lines), .polygon(let lines): coordinates = lines.map(positions)
        case .multiPolygon(let polygons): coordinates = polygons.map { $0.map(positions) }
        case .geometryCollection(let members):
            return ["type": geometry.typeName, "geometries": members.map(object(for:))]
        }
        return ["type": geometry.typeName, "coordinates": coordinates]
    }

    /// The geometry as compact GeoJSON text, numbers rounded to at most `decimals` decimal
    /// places with trailing zeros dropped (7 places is about a centimetre in lon/lat).
    public static func string(for geometry: Geometry, decimals: Int = 7) -> String {
        String(decoding: utf8(for: geometry, decimals: decimals), as: UTF8.self)
    }

    /// The geometry as compact GeoJSON text in UTF-8; see `string(for:decimals:)`.
    public static func data(for geometry: Geometry, decimals: Int = 7) -> Data {
        Data(utf8(for: geometry, decimals: decimals))
    }

    private static func utf8(for geometry: Geometry, decimals: Int) -> [UInt8] {
        var writer = GeoJSONWriter(decimals: decimals)
        writer.bytes.reserveCapacity(64 + geometry.vertexCount * 24)
        writer.write(geometry)
        return writer.bytes
    }

    /// `value` written as a JSON number with at most `decimals` decimal places and no
    /// trailing zeros: 105.85, 21, -0.0000001. Non-finite values, which JSON cannot hold,
    /// are written as null.
    public static func formatNumber(_ value: Double, decimals: Int = 7) -> String {
        var bytes = [UInt8]()
        appendNumber(value, decimals: decimals, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func appendNumber(_ value: Double, decimals: Int, to out: inout [UInt8]) {
        guard value.isFinite else {
            out.append(contentsOf: "null".utf8)
            return
        }
        let places = Swift.min(Swift.max(decimals, 0), 15)
        var scale: UInt64 = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = (value * Double(scale)).rounded()
        // Beyond 2^53 a Double has no fractional digits left to round.
        guard abs(scaled) < 9.0e15 else {
            let text = value.rounded() == value && abs(value) < 1e17 ? String(Int64(value)) : "\(value)"
            out.append(contentsOf: text.utf8)
            return
        }
        let units = Int64(scaled)
        let magnitude = units.magnitude
        if units < 0 { out.append(UInt8(ascii: "-")) }
        appendDigits(magnitude / scale, width: 1, to: &out)
        var fraction = magnitude % scale
        guard fraction != 0 else { return }
        var digits = places
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        out.append(UInt8(ascii: "."))
        appendDigits(fraction, width: digits, to: &out)
    }

    /// Appends the decimal digits of `value`, left-padded with zeros to `width`.
    private static func appendDigits(_ value: UInt64, width: Int, to out: inout [UInt8]) {
        var count = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: Swift.max(count, width)))
        var index = out.count - 1
        rest = value
        while rest > 0 {
            out[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            index -= 1
        }
    }
}

/// Builds compact GeoJSON text for `GeoJSON.string(for:decimals:)`.
private struct GeoJSONWriter {
    let decimals: Int
    var bytes = [UInt8]()

    init(decimals: Int) {
        self.decimals = decimals
    }

    mutating func text(_ string: StaticString) {
        string.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ geometry: Geometry) {
        text("{\"type\":\"")
        bytes.append(contentsOf: geometry.typeName.utf8)
        text("\",")
        switch geometry {
        case .point(let point):
            text("\"coordinates\":")
            position(point)
        case .multiPoint(let points), .lineString(let points):
            text("\"coordinates\":")
            positions(points)
        case .multiLineString(let lines), .polygon(let lines):
            text("\"coordinates\":")
            list(lines) { $0.positions($1) }
        case .multiPolygon(let polygons):
            text("\"coordinates\":")
            list(polygons) { writer, rings in writer.list(rings) { $0.positions($1) } }
        case .geometryCollection(let members):
            text("\"geometries\":")
            list(members) { $0.write($1) }
        }
        text("}")
    }

    mutating func list<T>(_ items: [T], _ element: (inout GeoJSONWriter, T) -> Void) {
        text("[")
        for (index, item) in items.enumerated() {
            if index > 0 { text(",") }
            element(&self, item)
        }
        text("]")
    }

    mutating func positions(_ points: [Point]) {
        list(points) { $0.position($1) }
    }

    mutating func position(_ point: Point) {
        text("[")
        GeoJSON.appendNumber(point.x, decimals: decimals, to: &bytes)
        text(",")
        GeoJSON.appendNumber(point.y, decimals: decimals, to: &bytes)
        text("]")
    }
}
