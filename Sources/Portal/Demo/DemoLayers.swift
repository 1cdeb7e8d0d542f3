import Foundation
import Store

/// The demo province's layers: health facilities, schools, monitoring stations, land-use plan,
/// roads, rivers and building permits — each with one published version.
struct DemoLayers {
    let database: SpatialDatabase
    let province: DemoProvince

    typealias Coordinate = DemoProvince.Coordinate

    func seed() throws {
        var random = SeededRandom(seed: 0xB4_2D0)
        try layer("co-so-y-te", "Cơ sở y tế", "Bệnh viện, trung tâm y tế, trạm y tế xã và phòng khám trên địa bàn tỉnh.",
                  sector: "y-te", owner: "syt", kind: .point, visibility: .public,
                  features: healthFacilities(&random))
        try layer("truong-hoc", "Trường học", "Trường mầm non, tiểu học, trung học cơ sở và trung học phổ thông.",
                  sector: "giao-duc", owner: "sgddt", kind: .point, visibility: .public,
                  features: schools(&random))
        try layer("diem-quan-trac-moi-truong", "Điểm quan trắc môi trường",
                  "Mạng lưới điểm quan trắc không khí, nước mặt, nước dưới đất và đất.",
                  sector: "moi-truong", owner: "stnmt", kind: .point, visibility: .private,
                  features: monitoringStations(&random))
        try layer("mang-luoi-giao-thong", "Mạng lưới giao thông", "Quốc lộ, tỉnh lộ, đường huyện cũ và đường xã.",
                  sector: "giao-thong", owner: "sxd", kind: .line, visibility: .public,
                  features: roads(&random))
        try layer("song-suoi", "Sông, suối", "Sông chính và các suối nhánh.",
                  sector: "moi-truong", owner: "stnmt", kind: .line, visibility: .public,
                  features: rivers(&random))
        try layer("cap-phep-xay-dung", "Công trình được cấp phép xây dựng", "Công trình được cấp giấy phép xây dựng 2024–2025.",
                  sector: "xay-dung", owner: "sxd", kind: .polygon, visibility: .private,
                  features: buildingPermits(&random))
        try layer("quy-hoach-su-dung-dat", "Quy hoạch sử dụng đất", "Quy hoạch sử dụng đất đến năm 2030, theo từng khoanh đất.",
                  sector: "dat-dai", owner: "stnmt", kind: .polygon, visibility: .shared,
                  features: [], cutByCommunes: landUseCells(&random))
        try LayerRepository(database).grant(layerSlug: "quy-hoach-su-dung-dat", agencyCode: "sxd", download: true,
                                            reason: "Phục vụ cấp phép xây dựng", grantedBy: nil)
    }

    /// Creates the layer, writes its first version and publishes it.
    func layer(_ slug: String, _ title: String, _ description: String, sector: String, owner: String,
               kind: GeometryKind, visibility: Visibility, features: [NewFeature], cutByCommunes: [NewFeature] = []) throws {
        let layers = LayerRepository(database)
        try layers.create(slug: slug, title: title, description: description, sector: sector, ownerCode: owner,
                          geometryKind: kind, visibility: visibility)
        let version = try layers.createVersion(layerSlug: slug, createdBy: nil, sourceName: "demo", sourceSRID: 4326, encoding: "UTF-8")
        let repository = FeatureRepository(database)
        try repository.insert(features, versionID: version.id)
        if !cutByCommunes.isEmpty { try repository.insertCutByCommunes(cutByCommunes, versionID: version.id) }
        try layers.refreshVersionFigures(versionID: version.id)
        if let style = DemoStyles.style(for: slug) {
            try style.validate()
            try layers.updateStyle(slug: slug, styleJSON: style.canonicalJSON)
        }
        try layers.publish(versionID: version.id, decidedBy: nil)
    }

    // MARK: Feature makers

    static func point(_ c: Coordinate) -> NewFeature.Shape { .wkt("POINT(\(DemoProvince.fmt(c.lon)) \(DemoProvince.fmt(c.lat)))") }

    static func line(_ points: [Coordinate]) -> NewFeature.Shape {
        .wkt("LINESTRING(" + points.map { "\(DemoProvince.fmt($0.lon)) \(DemoProvince.fmt($0.lat))" }.joined(separator: ",") + ")")
    }

    static func json(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The commune name without its "Xã"/"Phường" prefix.
    static func placeName(_ commune: DemoProvince.Commune) -> String {
        commune.name.replacingOccurrences(of: "Xã ", with: "").replacingOccurrences(of: "Phường ", with: "")
    }

    func healthFacilities(_ random: inout SeededRandom) -> [NewFeature] {
        var out: [NewFeature] = []
        for commune in province.communes {
            let centre = DemoProvince.centre(commune.ring)
            out.append(NewFeature(shape: Self.point(centre), propertiesJSON: Self.json([
                "ten": "Trạm y tế \(commune.name.lowercasedFirst())", "loai": "Trạm y tế xã", "so_giuong": random.int(3...10),
                "ma_xa": commune.code, "dien_thoai": "0204 3\(random.int(100_000...999_999))",
            ])))
        }
        let hospitals = ["Bệnh viện Đa khoa tỉnh", "Bệnh viện Sản – Nhi", "Bệnh viện Y học cổ truyền",
                         "Bệnh viện Phổi", "Trung tâm Y tế khu vực Đông Triều", "Trung tâm Y tế khu vực Mạo Khê"]
        for name in hospitals {
            let (point, commune) = province.randomPoint(&random)
            out.append(NewFeature(shape: Self.point(point), propertiesJSON: Self.json([
                "ten": name, "loai": "Bệnh viện", "so_giuong": random.int(80...900), "ma_xa": commune.code,
                "dien_thoai": "0204 3\(random.int(100_000...999_999))",
            ])))
        }
        let kinds = ["Phòng khám đa khoa", "Phòng khám chuyên khoa", "Nhà thuốc"]
        for index in 1...270 {
            let (point, commune) = province.randomPoint(&random)
            let kind = random.pick(kinds)
            out.append(NewFeature(shape: Self.point(point), propertiesJSON: Self.json([
                "ten": "\(kind) \(Self.placeName(commune)) \(index)", "loai": kind, "so_giuong": kind == "Nhà thuốc" ? 0 : random.int(0...12),
                "ma_xa": commune.code,
            ])))
        }
        return out
    }

    func schools(_ random: inout SeededRandom) -> [NewFeature] {
        let levels = [("Mầm non", 80...350), ("Tiểu học", 200...900), ("THCS", 250...1_000), ("THPT", 600...1_800)]
        var out: [NewFeature] = []
        for index in 1...450 {
            let (point, commune) = province.randomPoint(&random)
            let level = levels[index % 7 == 0 ? 3 : index % 3]
            out.append(NewFeature(shape: Self.point(point), propertiesJSON: Self.json([
                "ten": "Trường \(level.0) \(Self.placeName(commune)) \(index)", "cap_hoc": level.0,
                "so_hoc_sinh": random.int(level.1), "ma_xa": commune.code,
                "cong_lap": index % 9 != 0,
            ])))
        }
        return out
    }

    func monitoringStations(_ random: inout SeededRandom) -> [NewFeature] {
        let kinds = ["Không khí", "Nước mặt", "Nước dưới đất", "Đất"]
        return (1...160).map { index in
            let (point, commune) = province.randomPoint(&random)
            let kind = random.pick(kinds)
            return NewFeature(shape: Self.point(point), propertiesJSON: Self.json([
                "ma_diem": String(format: "QT-%03d", index), "loai": kind, "ma_xa": commune.code,
                "chi_so": kind == "Không khí" ? random.int(20...180) : random.int(1...100),
                "tan_suat": random.pick(["Hằng tháng", "Hằng quý", "Liên tục"]),
            ]))
        }
    }

    /// A wiggly polyline from `a` to `b`.
    static func wiggle(_ a: Coordinate, _ b: Coordinate, steps: Int, amount: Double, _ random: inout SeededRandom) -> [Coordinate] {
        let nx = -(b.lat - a.lat), ny = b.lon - a.lon
        var phase = 0.0
        return (0...steps).map { k in
            let t = Double(k) / Double(steps)
            phase += random.uniform(-1...1)
            let bump = k == 0 || k == steps ? 0 : amount * sin(phase) * sin(Double.pi * t)
            return (a.lon + (b.lon - a.lon) * t + nx * bump, a.lat + (b.lat - a.lat) * t + ny * bump)
        }
    }

    func roads(_ random: inout SeededRandom) -> [NewFeature] {
        var out: [NewFeature] = []
        let centres = province.communes.map { DemoProvince.centre($0.ring) }
        // Trunk roads between neighbouring commune centres.
        var number = 1
        for i in 0..<centres.count {
            for j in (i + 1)..<centres.count {
                let d = hypot(centres[i].lon - centres[j].lon, centres[i].lat - centres[j].lat)
                guard d < 0.2 else { continue }
                let national = (i + j) % 5 == 0
                out.append(NewFeature(shape: Self.line(Self.wiggle(centres[i], centres[j], steps: 24, amount: 0.08, &random)),
                                      propertiesJSON: Self.json([
                    "ten_duong": national ? "Quốc lộ \(18 + number % 3)" : "Đường tỉnh \(300 + number)",
                    "cap": national ? "Quốc lộ" : "Tỉnh lộ", "chieu_rong_m": national ? 12 : 9, "ket_cau": "Bê tông nhựa",
                ])))
                number += 1
            }
        }
        // Local roads.
        for index in 1...560 {
            let (start, commune) = province.randomPoint(&random)
            let angle = random.uniform(0...(2 * Double.pi)), length = random.uniform(0.01...0.05)
            let end = (start.lon + cos(angle) * length, start.lat + sin(angle) * length)
            out.append(NewFeature(shape: Self.line(Self.wiggle(start, end, steps: 8, amount: 0.1, &random)),
                                  propertiesJSON: Self.json([
                "ten_duong": "Đường xã \(Self.placeName(commune)) \(index)", "cap": "Đường xã",
                "chieu_rong_m": random.int(3...6), "ket_cau": random.pick(["Bê tông xi măng", "Cấp phối", "Đất"]),
                "ma_xa": commune.code,
            ])))
        }
        return out
    }

    func rivers(_ random: inout SeededRandom) -> [NewFeature] {
        var out: [NewFeature] = []
        let main = Self.wiggle((DemoProvince.west - 0.05, 21.22), (DemoProvince.east + 0.05, 21.41), steps: 120, amount: 0.03, &random)
        out.append(NewFeature(shape: Self.line(main), propertiesJSON: Self.json(["ten": "Sông Kinh Thầy", "loai": "Sông", "chieu_dai_km": 118])))
        for index in 1...40 {
            let mouth = main[random.int(5...115)]
            let side: Double = index % 2 == 0 ? 1 : -1
            let source = (mouth.lon + random.uniform(-0.08...0.08), mouth.lat + side * random.uniform(0.05...0.16))
            out.append(NewFeature(shape: Self.line(Self.wiggle(source, mouth, steps: 30, amount: 0.12, &random)),
                                  propertiesJSON: Self.json(["ten": "Suối \(index)", "loai": "Suối"])))
        }
        return out
    }

    func buildingPermits(_ random: inout SeededRandom) -> [NewFeature] {
        let uses = ["Nhà ở riêng lẻ", "Nhà ở riêng lẻ", "Nhà ở riêng lẻ", "Công trình thương mại", "Nhà xưởng", "Công trình công cộng"]
        return (1...1_200).map { index in
            let commune = province.communes[index % province.communes.count]
            let centre = DemoProvince.centre(commune.ring)
            let c = (centre.lon + random.uniform(-0.02...0.02), centre.lat + random.uniform(-0.015...0.015))
            let w = random.uniform(0.00008...0.0004), h = random.uniform(0.00008...0.0003)
            let ring = [(c.0 - w, c.1 - h), (c.0 + w, c.1 - h), (c.0 + w, c.1 + h), (c.0 - w, c.1 + h), (c.0 - w, c.1 - h)]
            return NewFeature(shape: .wkt(DemoProvince.wkt(ring)), propertiesJSON: Self.json([
                "so_giay_phep": String(format: "%04d/GPXD", index), "muc_dich": random.pick(uses),
                "so_tang": random.int(1...9), "nam_cap": random.int(2024...2025), "ma_xa": commune.code,
            ]))
        }
    }

    /// Square cells of the land-use plan over the province; the store cuts them along commune lines.
    func landUseCells(_ random: inout SeededRandom) -> [NewFeature] {
        let classes: [(String, String)] = [
            ("LUA", "Đất trồng lúa"), ("LUA", "Đất trồng lúa"), ("HNK", "Đất trồng cây hằng năm khác"),
            ("CLN", "Đất trồng cây lâu năm"), ("RSX", "Đất rừng sản xuất"), ("RSX", "Đất rừng sản xuất"),
            ("ONT", "Đất ở tại nông thôn"), ("ODT", "Đất ở tại đô thị"), ("SKC", "Đất cơ sở sản xuất phi nông nghiệp"),
            ("DGT", "Đất giao thông"), ("NTS", "Đất nuôi trồng thủy sản"), ("SON", "Đất sông, ngòi, kênh, rạch"),
        ]
        let step = 0.025
        var cells: [NewFeature] = []
        var lat = DemoProvince.south - 0.1
        while lat < DemoProvince.north + 0.1 {
            var lon = DemoProvince.west - 0.1
            while lon < DemoProvince.east + 0.1 {
                let (code, name) = random.pick(classes)
                let ring = [(lon, lat), (lon + step, lat), (lon + step, lat + step), (lon, lat + step), (lon, lat)]
                cells.append(NewFeature(shape: .wkt(DemoProvince.wkt(ring)), propertiesJSON: Self.json([
                    "ma_loai_dat": code, "loai_dat": name, "ky_quy_hoach": "2021–2030",
                ])))
                lon += step
            }
            lat += step
        }
        return cells
    }
}
