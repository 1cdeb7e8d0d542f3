/// Well-known text (OGC Simple Features, 2D) of geometries, for CSV exports.
extension Geometry {
    /// This geometry as WKT, coordinates rounded to `decimals` places: "POINT (106.5 21)",
    /// "MULTIPOLYGON (((…)))"; an empty geometry as "… EMPTY".
    public func wkt(decimals: Int = 7) -> String {
        var out = ""
        appendWKT(to: &out, decimals: decimals)
        return out
    }

    private func appendWKT(to out: inout String, decimals: Int) {
        func number(_ value: Double) -> String { GeoJSON.formatNumber(value, decimals: decimals) }
        func points(_ list: [Point]) {
            out += "("
            for (index, point) in list.enumerated() {
                if index > 0 { out += ", " }
                out += number(point.x) + " " + number(point.y)
            }
            out += ")"
        }
        func lines(_ list: [[Point]]) {
            out += "("
            for (index, line) in list.enumerated() {
                if index > 0 { out += ", " }
                points(line)
            }
            out += ")"
        }
        out += typeName.uppercased()
        if isEmpty && !(self.isCollection) {
            out += " EMPTY"
            return
        }
        out += " "
        switch self {
        case .point(let point): points([point])
        case .multiPoint(let list):
            out += "("
            for (index, point) in list.enumerated() {
                if index > 0 { out += ", " }
                points([point])
            }
            out += ")"
        case .lineString(let list): points(list)
        case .multiLineString(let list), .polygon(let list): lines(list)
        case .multiPolygon(let polygons):
            out += "("
            for (index, rings) in polygons.enumerated() {
                if index > 0 { out += ", " }
                lines(rings)
            }
            out += ")"
        case .geometryCollection(let members):
            guard !members.isEmpty else {
                out += "EMPTY"
                return
            }
            out += "("
            for (index, member) in members.enumerated() {
                if index > 0 { out += ", " }
                member.appendWKT(to: &out, decimals: decimals)
            }
            out += ")"
        }
    }

    private var isCollection: Bool {
        if case .geometryCollection = self { return true }
        return false
    }
}
