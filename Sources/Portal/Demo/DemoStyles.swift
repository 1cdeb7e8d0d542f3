import Cartography

/// The demo layers' styles: each layer drawn the way a provincial map would, including a
/// categorized land-use plan and road classes, so the demo shows what the style model can do.
enum DemoStyles {
    static func style(for slug: String) -> Style? {
        switch slug {
        case "co-so-y-te":
            return Style(rules: [
                Rule(label: "Bệnh viện", filter: .equals(attribute: "loai", value: "Bệnh viện"),
                     symbolizer: .point(PointSymbolizer(shape: .square, size: 9, fill: "#c0392b", stroke: "#ffffff", strokeWidth: 1.5))),
                Rule(label: "Trạm y tế xã", filter: .equals(attribute: "loai", value: "Trạm y tế xã"),
                     symbolizer: .point(PointSymbolizer(shape: .circle, size: 7, fill: "#e74c3c", stroke: "#ffffff", strokeWidth: 1))),
                Rule(label: "Phòng khám, nhà thuốc", minZoom: 11,
                     symbolizer: .point(PointSymbolizer(shape: .circle, size: 5, fill: "#f1948a", stroke: "#922b21", strokeWidth: 0.8))),
            ])
        case "truong-hoc":
            return Style(rules: [
                Rule(label: "THPT", filter: .equals(attribute: "cap_hoc", value: "THPT"),
                     symbolizer: .point(PointSymbolizer(shape: .triangle, size: 9, fill: "#1f618d", stroke: "#ffffff", strokeWidth: 1))),
                Rule(label: "Mầm non, tiểu học, THCS",
                     symbolizer: .point(PointSymbolizer(shape: .triangle, size: 6, fill: "#5dade2", stroke: "#1b4f72", strokeWidth: 0.8))),
            ])
        case "diem-quan-trac-moi-truong":
            return Style(rules: [
                Rule(label: "Điểm quan trắc",
                     symbolizer: .point(PointSymbolizer(shape: .square, size: 6, fill: "#27ae60", stroke: "#145a32", strokeWidth: 1))),
            ])
        case "mang-luoi-giao-thong":
            return Style(rules: [
                Rule(label: "Quốc lộ", filter: .equals(attribute: "cap", value: "Quốc lộ"),
                     symbolizer: .line(LineSymbolizer(color: "#d35400", width: 3, cap: .round, join: .round))),
                Rule(label: "Tỉnh lộ", filter: .equals(attribute: "cap", value: "Tỉnh lộ"),
                     symbolizer: .line(LineSymbolizer(color: "#e59866", width: 2, cap: .round, join: .round))),
                Rule(label: "Đường xã", minZoom: 11,
                     symbolizer: .line(LineSymbolizer(color: "#7f8c8d", width: 1, cap: .round, join: .round))),
            ])
        case "song-suoi":
            return Style(rules: [
                Rule(label: "Sông", filter: .equals(attribute: "loai", value: "Sông"),
                     symbolizer: .line(LineSymbolizer(color: "#2e86c1", width: 3.5, cap: .round, join: .round))),
                Rule(label: "Suối",
                     symbolizer: .line(LineSymbolizer(color: "#5dade2", width: 1.2, cap: .round, join: .round))),
            ])
        case "cap-phep-xay-dung":
            return Style(rules: [
                Rule(label: "Công trình được cấp phép",
                     symbolizer: .polygon(PolygonSymbolizer(fill: "#a04000", fillOpacity: 0.8, stroke: "#6e2c00", strokeWidth: 0.5))),
            ])
        case "quy-hoach-su-dung-dat":
            let classes: [(String, String, String)] = [
                ("LUA", "Đất trồng lúa", "#f7f3a1"), ("HNK", "Đất trồng cây hằng năm khác", "#f9e79f"),
                ("CLN", "Đất trồng cây lâu năm", "#d4efaa"), ("RSX", "Đất rừng sản xuất", "#82c785"),
                ("ONT", "Đất ở tại nông thôn", "#f5b7b1"), ("ODT", "Đất ở tại đô thị", "#ec7063"),
                ("SKC", "Đất cơ sở sản xuất phi nông nghiệp", "#c39bd3"), ("DGT", "Đất giao thông", "#d5d8dc"),
                ("NTS", "Đất nuôi trồng thủy sản", "#aed6f1"), ("SON", "Đất sông, ngòi, kênh, rạch", "#85c1e9"),
            ]
            return Style(rules: classes.map { code, name, colour in
                Rule(label: name, filter: .equals(attribute: "ma_loai_dat", value: code),
                     symbolizer: .polygon(PolygonSymbolizer(fill: colour, fillOpacity: 0.85, stroke: "#7b7d7d", strokeWidth: 0.5)))
            })
        default:
            return nil
        }
    }
}
