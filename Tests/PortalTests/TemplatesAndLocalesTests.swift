import Foundation
import HTTP
import Testing
@testable import Portal
import Store

@Suite struct TemplatesAndLocalesTests {
    @Test func valuesAreEscapedInPages() throws {
        let folder = NSTemporaryDirectory() + "bando-escape-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let resources = try Resources(root: repositoryRoot)
        let db = try SpatialDatabase(path: folder + "/x.sqlite")
        try Migrator(directory: resources.migrations).migrate(db)
        try AgencyRepository(db).create(code: "a1", name: "Sở <b>\"A\"</b>", kind: .department, parentCode: nil)
        let layers = LayerRepository(db)
        try layers.create(slug: "x", title: "<script>alert('x')</script>", description: "a & b", sector: nil,
                          ownerCode: "a1", geometryKind: .point, visibility: .public)
        let version = try layers.createVersion(layerSlug: "x", createdBy: nil, sourceName: nil, sourceSRID: 4326, encoding: nil)
        try FeatureRepository(db).insert([NewFeature(shape: .wkt("POINT(106 21)"), propertiesJSON: "{}")], versionID: version.id)
        try layers.refreshVersionFigures(versionID: version.id)
        try layers.publish(versionID: version.id, decidedBy: nil)
        let portal = try Portal(database: db, resources: resources, dataDirectory: folder)
        let handler = portal.makeRouter().handler
        for target in ["/", "/layers/x"] {
            let response = try handler(try Request(method: .GET, target: target, headers: HTTPHeaders(), body: .none, remoteAddress: "127.0.0.1"))
            guard case .bytes(let bytes) = response.body else { Issue.record("no body"); continue }
            let html = String(decoding: bytes, as: UTF8.self)
            #expect(!html.contains("<script>"), "\(target) escapes the title")
            #expect(html.contains("&lt;script&gt;"))
            #expect(!html.contains("<b>\"A\"</b>"))
        }
    }

    @Test func everyLocaleHasTheSameKeys() throws {
        let localizer = try Localizer(directory: repositoryRoot + "/locales")
        #expect(Set(localizer.strings(.vi).keys) == Set(localizer.strings(.en).keys))
        #expect(localizer.text("nav_home", .vi) == "Trang chủ")
        #expect(localizer.text("nav_home", .en) == "Home")
    }

    @Test func aLocaleWithAMissingKeyIsRefusedAtStartUp() throws {
        let folder = NSTemporaryDirectory() + "bando-locales-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for language in ["vi", "en"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + language, withIntermediateDirectories: true)
        }
        try #"{"a": "một"}"#.write(toFile: folder + "/vi/common.json", atomically: true, encoding: .utf8)
        try #"{"b": "hai"}"#.write(toFile: folder + "/vi/map.json", atomically: true, encoding: .utf8)
        try #"{"a": "one"}"#.write(toFile: folder + "/en/common.json", atomically: true, encoding: .utf8)
        #expect { try Localizer(directory: folder) } throws: { "\($0)".contains("missing [\"b\"]") }
    }

    @Test func aKeyDefinedInTwoFilesIsRefused() throws {
        let folder = NSTemporaryDirectory() + "bando-locales-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for language in ["vi", "en"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + language, withIntermediateDirectories: true)
            try #"{"a": "x"}"#.write(toFile: folder + "/\(language)/common.json", atomically: true, encoding: .utf8)
        }
        try #"{"a": "y"}"#.write(toFile: folder + "/vi/map.json", atomically: true, encoding: .utf8)
        #expect { try Localizer(directory: folder) } throws: { "\($0)".contains("key a is defined twice") }
    }

    @Test func aMissingTemplateIsRefusedAtStartUp() throws {
        let folder = NSTemporaryDirectory() + "bando-templates-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "{{$content}}{{/content}}".write(toFile: folder + "/layout.mustache", atomically: true, encoding: .utf8)
        #expect { try Views(directory: folder) } throws: { "\($0)".contains("has no home.mustache") }
    }

    @Test func countsAreGroupedPerLanguage() {
        #expect(Portal.formatCount(1_234_567, .vi) == "1.234.567")
        #expect(Portal.formatCount(1_234_567, .en) == "1,234,567")
        #expect(Portal.formatCount(999, .vi) == "999")
    }
}
