import Cartography
import Foundation
import Store

/// The style form: a simple part for the common case — one rule drawing every feature, with
/// the fields of the layer's geometry kind — and an advanced part holding the whole style as
/// JSON (rules, categorized and graduated filters, zoom ranges). `mode` says which part the
/// posted style comes from; either way it passes through `Style(json:)` before anyone sees it.
struct StyleForm {
    /// Which part of the form makes the style.
    enum Mode: String {
        case simple, advanced
    }

    /// The text of each field by its name, to fill the form in.
    var values: [String: String]
    /// What is wrong with each refused simple field, by field name.
    var problems: [String: FormProblem] = [:]
    /// Why the advanced JSON is not a style, in `Style(json:)`'s words.
    var jsonProblem: String?

    /// The simple fields of each symbolizer kind.
    static let simpleFields: [SymbolizerKind: [String]] = [
        .polygon: ["label", "fill", "fill_opacity", "stroke", "stroke_width"],
        .line: ["label", "color", "width"],
        .point: ["label", "shape", "size", "fill", "stroke", "stroke_width"],
    ]

    /// Every simple field in the order the form shows them.
    static let fieldOrder = ["label", "shape", "size", "fill", "fill_opacity", "color", "width", "stroke", "stroke_width"]

    /// The symbolizer kind the simple part edits for a layer of `kind`; nil (advanced only) for
    /// a layer whose geometry kind is not known.
    static func simpleKind(_ kind: Store.GeometryKind?) -> SymbolizerKind? {
        switch kind {
        case .point: return .point
        case .line: return .line
        case .polygon: return .polygon
        case nil: return nil
        }
    }

    /// A form holding `values`, with no problems yet.
    init(values: [String: String]) { self.values = values }

    /// The form filled in from `style`: simple mode when the simple part can say all of it.
    init(_ style: Style, kind: SymbolizerKind?) {
        values = ["json": Self.prettyJSON(style)]
        let rule = style.rules.first { $0.symbolizer.kind == kind } ?? kind.map { Self.defaultRule($0) }
        if let rule, let kind {
            values["label"] = rule.label
            switch rule.symbolizer {
            case .polygon(let p):
                values["fill"] = p.fill ?? "#ffffff"
                values["fill_opacity"] = Self.number(p.fill == nil ? 0 : p.fillOpacity)
                values["stroke"] = p.stroke ?? "#000000"
                values["stroke_width"] = Self.number(p.stroke == nil ? 0 : p.strokeWidth)
            case .line(let l):
                values["color"] = l.color
                values["width"] = Self.number(l.width)
            case .point(let p):
                values["shape"] = p.shape.rawValue
                values["size"] = Self.number(p.size)
                values["fill"] = p.fill ?? "#ffffff"
                values["stroke"] = p.stroke ?? "#000000"
                values["stroke_width"] = Self.number(p.stroke == nil ? 0 : p.strokeWidth)
            }
            let simple = Self.simpleStyle(values, kind: kind)
            values["mode"] = (simple.problems.isEmpty && simple.style == style ? Mode.simple : .advanced).rawValue
        } else {
            values["mode"] = Mode.advanced.rawValue
        }
    }

    /// Reads a posted form: the style it makes, or nil with the problems found.
    static func read(_ form: AdminForm, kind: SymbolizerKind?) -> (style: Style?, form: StyleForm) {
        var out = StyleForm(values: [:])
        let names = ["mode", "json"] + (kind.flatMap { simpleFields[$0] } ?? [])
        for name in names { out.values[name] = name == "json" ? form.raw(name) : form.text(name) }
        let mode = kind == nil ? .advanced : Mode(rawValue: out.values["mode"] ?? "") ?? .simple
        out.values["mode"] = mode.rawValue
        if mode == .simple, let kind {
            let simple = simpleStyle(out.values, kind: kind)
            out.problems = simple.problems
            return (simple.style, out)
        }
        do {
            return (try Style(json: form.raw("json")), out)
        } catch {
            out.jsonProblem = error.description
            return (nil, out)
        }
    }

    /// The one-rule style the simple fields describe, or the problems of its fields.
    static func simpleStyle(_ values: [String: String], kind: SymbolizerKind) -> (style: Style?, problems: [String: FormProblem]) {
        var problems: [String: FormProblem] = [:]
        func colour(_ name: String) -> String {
            let value = (values[name] ?? "").lowercased()
            guard value.count == 7, value.hasPrefix("#"), value.dropFirst().allSatisfy(\.isHexDigit), value.allSatisfy(\.isASCII) else {
                problems[name] = FormProblem(field: "style_field_\(name)", problem: "style_problem_colour")
                return "#000000"
            }
            return value
        }
        func amount(_ name: String, upTo limit: Double, problem: String) -> Double {
            let text = (values[name] ?? "").replacingOccurrences(of: ",", with: ".")
            guard let value = Double(text), value.isFinite, value >= 0, value <= limit else {
                problems[name] = FormProblem(field: "style_field_\(name)", problem: problem)
                return 0
            }
            return value
        }
        let label = values["label"] ?? ""
        if label.count > 200 { problems["label"] = FormProblem(field: "style_field_label", problem: "admin_problem_too_long") }
        if label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            problems["label"] = FormProblem(field: "style_field_label", problem: "admin_problem_control")
        }
        let symbolizer: Symbolizer
        switch kind {
        case .polygon:
            let (fill, opacity) = (colour("fill"), amount("fill_opacity", upTo: 1, problem: "style_problem_opacity"))
            let (stroke, width) = (colour("stroke"), amount("stroke_width", upTo: 64, problem: "style_problem_width"))
            symbolizer = .polygon(PolygonSymbolizer(fill: opacity > 0 ? fill : nil, fillOpacity: opacity,
                                                    stroke: width > 0 ? stroke : nil, strokeWidth: width))
        case .line:
            symbolizer = .line(LineSymbolizer(color: colour("color"), width: amount("width", upTo: 64, problem: "style_problem_width")))
        case .point:
            var shape = PointShape.circle
            if let chosen = PointShape(rawValue: values["shape"] ?? "") { shape = chosen } else {
                problems["shape"] = FormProblem(field: "style_field_shape", problem: "admin_problem_choice")
            }
            let size = amount("size", upTo: 128, problem: "style_problem_size")
            let fill = colour("fill")
            let (stroke, width) = (colour("stroke"), amount("stroke_width", upTo: 32, problem: "style_problem_marker_stroke"))
            symbolizer = .point(PointSymbolizer(shape: shape, size: size, fill: fill, stroke: width > 0 ? stroke : nil,
                                                strokeWidth: width))
        }
        guard problems.isEmpty else { return (nil, problems) }
        return (Style(rules: [Rule(label: label, symbolizer: symbolizer)]), [:])
    }

    /// The first rule of the default style for `kind`.
    static func defaultRule(_ kind: SymbolizerKind) -> Rule {
        switch kind {
        case .polygon: return Style.defaultStyle(for: .polygon).rules[0]
        case .line: return Style.defaultStyle(for: .line).rules[0]
        case .point: return Style.defaultStyle(for: .point).rules[0]
        }
    }

    /// The style as indented JSON with sorted keys, for people to edit.
    static func prettyJSON(_ style: Style) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(style) else { return style.canonicalJSON }
        return String(decoding: data, as: UTF8.self)
    }

    /// A number as people write it: "2", "0.75".
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(value)
    }
}
