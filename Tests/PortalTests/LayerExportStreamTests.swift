import Dispatch
import Foundation
import Formats
import Testing
@testable import Portal
import Store
import Synchronization

/// A layer version of every geometry type and of awkward attribute values, for the export tests.
enum ExportSupport {
    /// (WKT, properties JSON) of each feature, in insertion order.
    static let features: [(String, String)] = [
        ("POINT(106.123456789 21.98765432)",
         #"{"tên":"Trạm Y tế xã Đông Hưng","số":12,"diện_tích":150.5,"hoạt_động":true,"ghi_chú":null}"#),
        ("LINESTRING(106.1 21.1, 106.15 21.12, 106.2000000449 21.3)",
         #"{"mô tả":"dòng \"trích dẫn\"\nxuống dòng\tvà \\ gạch","âm":-1234567.25,"lớn":9007199254740993,"mũ":1.5e-10}"#),
        ("POLYGON((106 21, 106.3 21, 106.3 21.3, 106 21.3, 106 21), (106.1 21.1, 106.2 21.1, 106.2 21.2, 106.1 21.1))",
         #"{"lồng":{"a":[1,2,{"b":"c"}]},"mảng":[1,"hai",null]}"#),
        ("MULTIPOINT((106.01 21.01), (106.02 21.02))", "{}"),
        ("MULTILINESTRING((106 21, 106.1 21.1), (106.2 21.2, 106.3 21.3, 106.35 21.25))",
         #"{"điều khiển":"a\u0001b","số thực":7.0,"không":0,"âm không":-0.0}"#),
        ("MULTIPOLYGON(((106 21, 106.1 21, 106.1 21.1, 106 21)), ((106.2 21.2, 106.3 21.2, 106.3 21.3, 106.2 21.2)))",
         #"{"unicode":"\u00e9 é 😀","rỗng":""}"#),
        ("GEOMETRYCOLLECTION(POINT(106.5 21.5), LINESTRING(106.5 21.5, 106.6 21.6))", #"{"z":false}"#),
    ]

    /// `features` as export wrote them before it streamed, byte for byte.
    static let expected = #"""
        {"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[106.1234568,21.9876543]},"properties":{"tên":"Trạm Y tế xã Đông Hưng","số":12,"diện_tích":150.5,"hoạt_động":true,"ghi_chú":null}},
        {"type":"Feature","geometry":{"type":"LineString","coordinates":[[106.1,21.1],[106.15,21.12],[106.2,21.3]]},"properties":{"mô tả":"dòng \"trích dẫn\"\nxuống dòng\tvà \\ gạch","âm":-1234567.25,"lớn":9007199254740993,"mũ":1.5e-10}},
        {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106,21],[106.3,21],[106.3,21.3],[106,21.3],[106,21]],[[106.1,21.1],[106.2,21.1],[106.2,21.2],[106.1,21.1]]]},"properties":{"lồng":"{\"a\":[1,2,{\"b\":\"c\"}]}","mảng":"[1,\"hai\",null]"}},
        {"type":"Feature","geometry":{"type":"MultiPoint","coordinates":[[106.01,21.01],[106.02,21.02]]},"properties":{}},
        {"type":"Feature","geometry":{"type":"MultiLineString","coordinates":[[[106,21],[106.1,21.1]],[[106.2,21.2],[106.3,21.3],[106.35,21.25]]]},"properties":{"điều khiển":"a\u0001b","số thực":7.0,"không":0,"âm không":-0.0}},
        {"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[106,21],[106.1,21],[106.1,21.1],[106,21]]],[[[106.2,21.2],[106.3,21.2],[106.3,21.3],[106.2,21.2]]]]},"properties":{"unicode":"é é 😀","rỗng":""}},
        {"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[106.5,21.5]},{"type":"LineString","coordinates":[[106.5,21.5],[106.6,21.6]]}]},"properties":{"z":false}}]}
        """# + "\n"

    /// A new private layer whose version 1 holds `features`; returns its slug.
    static func layer(_ fixture: TableFixture, _ features: [(String, String)] = features) throws -> String {
        let slug = AdminSupport.unique("xuat")
        let layers = LayerRepository(fixture.database)
        try layers.create(slug: slug, title: "Xuất \(slug)", description: "", sector: nil, ownerCode: "syt",
                          geometryKind: nil, visibility: .private)
        let version = try layers.createVersion(layerSlug: slug, createdBy: nil, sourceName: "xuat.geojson", sourceSRID: 4326,
                                               encoding: "UTF-8")
        try FeatureRepository(fixture.database).insert(features.map { NewFeature(shape: .wkt($0.0), propertiesJSON: $0.1) },
                                                       versionID: version.id)
        try layers.refreshVersionFigures(versionID: version.id)
        return slug
    }

    /// A new folder for export files.
    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "bando-export-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

@Suite struct LayerExportStreamTests {
    let fixture = TableFixture.shared

    @Test func theStreamedExportIsTheTextExportWroteBefore() throws {
        let table = try #require(fixture)
        let slug = try ExportSupport.layer(table)
        let folder = try ExportSupport.folder(); defer { try? FileManager.default.removeItem(atPath: folder) }
        let export = LayerExport(database: table.database)
        let path = folder + "/out.geojson"
        #expect(try export.write(try export.version(slug: slug, number: 1), to: path) == ExportSupport.features.count)
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(written == Data(ExportSupport.expected.utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["out.geojson"], "no part file left")
        let inMemory = GeoJSONWriter().data(for: try export.features(of: try export.version(slug: slug, number: 1)))
        #expect(inMemory == written, "the in-memory writer agrees")
    }

    @Test func aVersionLargerThanAChunkStreamsToTheSameBytes() throws {
        let table = try #require(fixture)
        let note = String(repeating: "Ghi chú dài về trạm quan trắc, ", count: 20)
        let features = (1...2_500).map { index in
            ("POINT(\(106 + Double(index) * 1e-4) \(21 + Double(index % 97) * 1e-3))",
             #"{"stt":\#(index),"tên":"Trạm \#(index)","ghi_chú":"\#(note)","đo":\#(Double(index) / 8)}"#)
        }
        let slug = try ExportSupport.layer(table, features)
        let folder = try ExportSupport.folder(); defer { try? FileManager.default.removeItem(atPath: folder) }
        let export = LayerExport(database: table.database)
        let version = try export.version(slug: slug, number: 1)
        let path = folder + "/lon.geojson"
        #expect(try export.write(version, to: path) == 2_500)
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(written.count > 2 << 20, "several chunks of 1 MB")
        #expect(written == GeoJSONWriter().data(for: try export.features(of: version)))
        let collection = try #require(try JSONSerialization.jsonObject(with: written) as? [String: Any])
        let parsed = try #require(collection["features"] as? [[String: Any]])
        #expect(parsed.count == 2_500)
        #expect((parsed.last?["properties"] as? [String: Any])?["stt"] as? Int == 2_500, "in feature order")
    }

    @Test func concurrentFirstDownloadsWriteTheFileOnce() throws {
        let table = try #require(fixture)
        let slug = try ExportSupport.layer(table)
        let layerID = try TableSupport.layerID(table, slug)
        let version = try #require(try VersionRepository(table.database).find(layerID: layerID, number: 1))
        let folder = try ExportSupport.folder(); defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = ExportCache(directory: folder + "/exports")
        let paths = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            if let path = try? cache.file(for: version, slug: slug, database: table.database) {
                paths.withLock { $0.append(path) }
            }
        }
        let written = paths.withLock { $0 }
        #expect(written.count == 6 && Set(written).count == 1)
        #expect(cache.writeCount == 1, "one writer; the others waited for its file")
        let path = try #require(written.first)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(ExportSupport.expected.utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/exports").count == 1, "no part file left")
        _ = try cache.file(for: version, slug: slug, database: table.database)
        #expect(cache.writeCount == 1, "the file on disk serves again")
    }
}

/// The download folder keeps what downloads still need.
@Suite struct ExportPruneTests {
    @Test func filesOfGoneOrLongUnpublishedVersionsAndOldPiecesAreRemoved() throws {
        let folder = try ExportSupport.folder(); defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = ExportCache(directory: folder)
        let now = Date()
        let old = now.addingTimeInterval(-2 * ExportCache.unpublishedAge)
        let files: [(String, Date)] = [
            ("7-70-v3-20261201.geojson", old),      // published: kept however old
            ("7-69-v2-20261120.zip", old),          // superseded long ago: removed
            ("7-71-v4-20261205.csv", now),          // pending, written just now: kept
            ("8-99-v1-20261101.kml", now),          // its version is gone: removed
            (".7-70-v3-20261201.gpkg.AB12.part", old),   // a killed writer's piece: removed
            (".7-71-v4-20261205.gpkg.CD34.part", now),   // a writer at work: kept
            ("notes.txt", old),                     // not ours: kept
        ]
        for (name, written) in files {
            let path = folder + "/" + name
            #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
            try FileManager.default.setAttributes([.modificationDate: written], ofItemAtPath: path)
        }
        let removed = cache.prune(existing: [69, 70, 71], published: [70], now: now)
        #expect(removed == [".7-70-v3-20261201.gpkg.AB12.part", "7-69-v2-20261120.zip", "8-99-v1-20261101.kml"])
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder))
                == ["7-70-v3-20261201.geojson", "7-71-v4-20261205.csv", ".7-71-v4-20261205.gpkg.CD34.part", "notes.txt"])
    }

    @Test func pruningAgainstTheDatabaseKeepsThePublishedFile() throws {
        let table = try #require(TableFixture.shared)
        let slug = try ExportSupport.layer(table)
        let layerID = try TableSupport.layerID(table, slug)
        let version = try #require(try VersionRepository(table.database).find(layerID: layerID, number: 1))
        let folder = try ExportSupport.folder(); defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = ExportCache(directory: folder)
        let path = try cache.file(for: version, slug: slug, database: table.database)
        let stray = folder + "/1-999999-v1-20200101.geojson"
        #expect(FileManager.default.createFile(atPath: stray, contents: Data("{}".utf8)))
        #expect(cache.prune(table.database) == ["1-999999-v1-20200101.geojson"])
        #expect(FileManager.default.fileExists(atPath: path), "the version's own file stays")
    }
}
