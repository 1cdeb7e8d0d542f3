import Foundation

/// The geometry of the demo province: communes on a jittered lattice whose shared edges are
/// wiggled once and used by both neighbours, so the communes tile the province exactly — no gaps,
/// no overlaps — and the province outline is their union.
///
/// Deterministic: the same seed gives the same province, to the last digit.
struct DemoProvince {
    typealias Coordinate = (lon: Double, lat: Double)

    /// One commune: its ring (closed, counter-clockwise), code and name.
    struct Commune {
        let code: String
        let name: String
        let ring: [Coordinate]
    }

    static let west = 105.92, east = 106.98, south = 21.12, north = 21.58
    static let columns = 6, rows = 4

    static let names = [
        "Xã Tân Dân", "Xã An Lạc", "Phường Đông Triều", "Xã Yên Đức", "Xã Hoàng Quế", "Phường Mạo Khê",
        "Xã Bình Khê", "Xã Tràng Lương", "Phường Kim Sơn", "Xã Hồng Thái", "Xã Việt Dân", "Xã Thủy An",
        "Xã Nguyễn Huệ", "Phường Xuân Sơn", "Xã Hưng Đạo", "Xã Bình Dương", "Xã An Sinh", "Phường Đức Chính",
        "Xã Hồng Phong", "Xã Tràng An", "Xã Yên Thọ", "Xã Lê Lợi", "Phường Quang Trung", "Xã Sơn Dương",
    ]

    /// Lattice cells left out, so the province is not a rectangle.
    static let omitted: Set<Int> = [0, 23]

    let communes: [Commune]

    init(seed: UInt64 = 20_250_701) {
        var random = SeededRandom(seed: seed)
        let dx = (Self.east - Self.west) / Double(Self.columns)
        let dy = (Self.north - Self.south) / Double(Self.rows)
        // Lattice nodes, jittered by up to a quarter cell (border nodes too: it makes a natural outline).
        var nodes: [[Coordinate]] = []
        for j in 0...Self.rows {
            var row: [Coordinate] = []
            for i in 0...Self.columns {
                let jx = random.uniform(-0.22...0.22) * dx
                let jy = random.uniform(-0.22...0.22) * dy
                row.append((Self.west + Double(i) * dx + jx, Self.south + Double(j) * dy + jy))
            }
            nodes.append(row)
        }
        // Each lattice edge gets its wiggle points once; neighbours walk it in opposite directions.
        var edges: [String: [Coordinate]] = [:]
        func edge(_ a: (Int, Int), _ b: (Int, Int)) -> [Coordinate] {
            let forward = a < b
            let (p, q) = forward ? (a, b) : (b, a)
            let key = "\(p.0),\(p.1)-\(q.0),\(q.1)"
            if edges[key] == nil {
                let start = nodes[p.1][p.0], end = nodes[q.1][q.0]
                let segments = 6
                var points: [Coordinate] = [start]
                let nx = -(end.lat - start.lat), ny = end.lon - start.lon
                for k in 1..<segments {
                    let t = Double(k) / Double(segments)
                    let bump = random.uniform(-0.05...0.05) * sin(Double.pi * t)
                    points.append((start.lon + (end.lon - start.lon) * t + nx * bump,
                                   start.lat + (end.lat - start.lat) * t + ny * bump))
                }
                points.append(end)
                edges[key] = points
            }
            let points = edges[key] ?? []
            return forward ? points : points.reversed()
        }
        var communes: [Commune] = []
        var index = 0
        for j in 0..<Self.rows {
            for i in 0..<Self.columns {
                defer { index += 1 }
                if Self.omitted.contains(index) { continue }
                let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]
                var ring: [Coordinate] = []
                for k in 0..<4 {
                    let part = edge(corners[k], corners[(k + 1) % 4])
                    ring.append(contentsOf: part.dropLast())
                }
                ring.append(ring[0])
                let code = String(format: "%05d", 10_000 + index * 7)
                communes.append(Commune(code: code, name: Self.names[index], ring: ring))
            }
        }
        self.communes = communes
    }

    /// A WKT polygon of a ring.
    static func wkt(_ ring: [Coordinate]) -> String {
        "POLYGON((" + ring.map { "\(fmt($0.lon)) \(fmt($0.lat))" }.joined(separator: ",") + "))"
    }

    static func fmt(_ value: Double) -> String { String(format: "%.6f", value) }

    /// Even-odd point in ring.
    static func contains(_ ring: [Coordinate], _ point: Coordinate) -> Bool {
        var inside = false
        var j = ring.count - 1
        for i in 0..<ring.count {
            let a = ring[i], b = ring[j]
            if (a.lat > point.lat) != (b.lat > point.lat),
               point.lon < (b.lon - a.lon) * (point.lat - a.lat) / (b.lat - a.lat) + a.lon {
                inside.toggle()
            }
            j = i
        }
        return inside
    }

    /// The commune containing a point, if any.
    func commune(at point: Coordinate) -> Commune? {
        communes.first { Self.contains($0.ring, point) }
    }

    /// A random point inside the province, with its commune.
    func randomPoint(_ random: inout SeededRandom) -> (Coordinate, Commune) {
        while true {
            let point = (random.uniform(Self.west - 0.05...Self.east + 0.05), random.uniform(Self.south - 0.05...Self.north + 0.05))
            if let commune = commune(at: point) { return (point, commune) }
        }
    }

    /// The centroid of a commune's ring (vertex average; good enough for placing demo features).
    static func centre(_ ring: [Coordinate]) -> Coordinate {
        let points = ring.dropLast()
        let n = Double(points.count)
        return (points.reduce(0) { $0 + $1.lon } / n, points.reduce(0) { $0 + $1.lat } / n)
    }
}
