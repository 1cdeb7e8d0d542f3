import Cartography
import Foundation
import Geometry
import Testing

@Suite("Style as data")
struct StyleTests {
    static let sample = Style(rules: [
        Rule(label: "Trường học", filter: .equals(attribute: "loai", value: "truong"), minZoom: 10,
             symbolizer: .point(PointSymbolizer(shape: .triangle, size: 6, fill: "#112233", stroke: "#ffffff",
                                                strokeWidth: 1))),
        Rule(label: "Đông dân", filter: .range(attribute: "dan_so", min: 1000, max: nil), maxZoom: 18,
             symbolizer: .polygon(PolygonSymbolizer(fill: "#aabbcc", fillOpacity: 0.5, stroke: nil,
                                                    strokeWidth: 0, dash: []))),
        Rule(label: "Đường", symbolizer: .line(LineSymbolizer(color: "#3366cc", width: 2, dash: [4, 2],
                                                               cap: .round, join: .bevel))),
    ])

    @Test func jsonRoundTrip() throws {
        let json = Self.sample.canonicalJSON
        let back = try Style(json: json)
        #expect(back == Self.sample)
        #expect(back.canonicalJSON == json)
        #expect(json.hasPrefix("{\"rules\":["))
    }

    @Test func shortHandWrittenJSONTakesDefaults() throws {
        let style = try Style(json: ##"{"rules":[{"symbolizer":{"type":"line","color":"#000000"}}]}"##)
        #expect(style.rules.count == 1)
        #expect(style.rules[0].filter == .all)
        #expect(style.rules[0].symbolizer == .line(LineSymbolizer(color: "#000000")))
    }

    @Test func numericCategoryValuesReadAsText() throws {
        let style = try Style(json: #"{"rules":[{"filter":{"type":"equals","attribute":"ma","value":7},"symbolizer":{"type":"point"}}]}"#)
        #expect(style.rules[0].filter == .equals(attribute: "ma", value: "7"))
    }

    @Test func fingerprintIsStableAndSensitive() throws {
        let a = Self.sample.fingerprint
        #expect(a.count == 16)
        #expect(a == (try Style(json: Self.sample.canonicalJSON)).fingerprint)
        var changed = Self.sample
        changed.rules[2].label = "Đường bộ"
        #expect(changed.fingerprint != a)
        // FNV-1a 64 of the canonical JSON, so it never changes between runs or builds.
        #expect(Style.defaultStyle(for: .line).fingerprint == Style.defaultStyle(for: .line).fingerprint)
    }

    @Test func validationNamesTheRule() {
        var style = Self.sample
        style.rules[1].symbolizer = .line(LineSymbolizer(color: "#zzz"))
        #expect(throws: StyleError.invalidRule(number: 2, message: "colour '#zzz' is not #rrggbb")) {
            try style.validate()
        }
        #expect(StyleError.invalidRule(number: 2, message: "colour '#zzz' is not #rrggbb").description
            == "rule 2: colour '#zzz' is not #rrggbb")
    }

    @Test func validationCatchesEveryKindOfMistake() throws {
        let style = Style(rules: [
            Rule(minZoom: 12, maxZoom: 3, symbolizer: .polygon(PolygonSymbolizer(fillOpacity: 1.5, strokeWidth: -1))),
            Rule(filter: .range(attribute: "x", min: 10, max: 5), symbolizer: .point(PointSymbolizer(size: 500))),
            Rule(filter: .equals(attribute: "", value: "a"), symbolizer: .line(LineSymbolizer(dash: [-1]))),
        ])
        let messages = style.problems().map(\.description)
        #expect(messages.contains("rule 1: minZoom 12 is above maxZoom 3"))
        #expect(messages.contains("rule 1: fill opacity 1.5 is not between 0 and 1"))
        #expect(messages.contains("rule 1: stroke width -1.0 is not between 0 and 64"))
        #expect(messages.contains("rule 2: range minimum 10 is not below maximum 5"))
        #expect(messages.contains("rule 2: size 500.0 is not between 0 and 128"))
        #expect(messages.contains("rule 3: the filter names no attribute"))
        #expect(messages.contains("rule 3: dash lengths must be between 0 and 1000 pixels"))
        #expect(Style(rules: []).problems() == [.noRules])
        let one = try #require(Style.defaultStyle(for: .point).rules.first)
        let crowded = Style(rules: Array(repeating: one, count: Style.maxRules + 1))
        #expect(crowded.problems() == [.tooManyRules(count: Style.maxRules + 1, limit: Style.maxRules)])
        #expect(throws: StyleError.tooLong(bytes: Style.maxJSONBytes + 1, limit: Style.maxJSONBytes)) {
            try Style(json: String(repeating: " ", count: Style.maxJSONBytes + 1))
        }
    }

    @Test func badJSONIsRefusedWithAReason() {
        #expect(throws: StyleError.self) { try Style(json: "{") }
        do {
            _ = try Style(json: #"{"rules":[{"symbolizer":{"type":"hexagon"}}]}"#)
            Issue.record("accepted an unknown symbolizer")
        } catch {
            #expect(error.description.contains("unknown symbolizer type 'hexagon'"))
        }
        do {
            _ = try Style(json: #"{"rules":[{"label":"x"}]}"#)
            Issue.record("accepted a rule without symbolizer")
        } catch {
            #expect(error.description.contains("symbolizer is missing"))
        }
    }

    @Test(arguments: [GeometryKind.point, .line, .polygon, .mixed])
    func defaultStylesDrawTheirKind(kind: GeometryKind) throws {
        let style = Style.defaultStyle(for: kind)
        try style.validate()
        let kinds = Set(style.rules.map(\.symbolizer.kind))
        switch kind {
        case .point: #expect(kinds == [.point])
        case .line: #expect(kinds == [.line])
        case .polygon: #expect(kinds == [.polygon])
        case .mixed: #expect(kinds == [.point, .line, .polygon])
        }
    }

    @Test func zoomRangesAreInclusive() {
        let rule = Rule(minZoom: 5, maxZoom: 9, symbolizer: .point(PointSymbolizer()))
        #expect(!rule.applies(atZoom: 4))
        #expect(rule.applies(atZoom: 5))
        #expect(rule.applies(atZoom: 9))
        #expect(!rule.applies(atZoom: 10))
        #expect(Rule(symbolizer: .point(PointSymbolizer())).applies(atZoom: 24))
    }

    @Test func filtersCompareNumbersByValue() {
        let category = Filter.equals(attribute: "ma", value: "5")
        #expect(category.matches(.integer(5)))
        #expect(category.matches(.real(5)))
        #expect(category.matches(.text("5")))
        #expect(!category.matches(.text("05")))
        #expect(!category.matches(.null))
        let range = Filter.range(attribute: "n", min: 10, max: 20)
        #expect(range.matches(.integer(10)))
        #expect(!range.matches(.integer(20)))
        #expect(range.matches(.text(" 15 ")))
        #expect(!range.matches(.text("abc")))
        #expect(Self.sample.attributeNames == ["loai", "dan_so"])
    }
}
