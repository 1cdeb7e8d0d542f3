import Foundation
import Formats
import HTTP
@testable import Portal
import Store
import Testing

/// `/layers/{slug}/download.{geojson,csv,zip,gpkg,kml}`: every format of the published version
/// (and of a pending one for its agency), written once per version and format, read back by the
/// portal's own readers with the same features and text; refused like a missing layer to those
/// without the download right.
@Suite struct DownloadFormatsTests {
    let fixture = TableFixture.shared

    static let types = ["geojson": "application/geo+json", "csv": "text/csv; charset=utf-8", "zip": "application/zip",
                        "gpkg": "application/geopackage+sqlite3", "kml": "application/vnd.google-earth.kml+xml"]

    /// The response's file, saved under its download name so the readers pick their format.
    static func saved(_ response: Response, as name: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bando-download-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try TableSupport.bytes(response).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The layer's files in the export folder, each with its inode.
    static func files(_ table: TableFixture, _ slug: String) throws -> [String: UInt64] {
        let folder = table.portal.tables.exports.directory
        let prefix = "\(try TableSupport.layerID(table, slug))-"
        var files: [String: UInt64] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasPrefix(prefix) {
            let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/" + name)
            files[name] = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value
        }
        return files
    }

    @Test func everyFormatCarriesTheSameFeaturesAndText() throws {
        let table = try #require(fixture)
        let slug = try TableSupport.layer(table, visibility: .public)
        for format in LayerExport.Format.allCases {
            let response = try table.respond("/layers/\(slug)/download.\(format.rawValue)")
            #expect(response.status == 200, "\(format)")
            #expect(response.headers["Content-Type"] == Self.types[format.rawValue])
            #expect(response.headers["Content-Disposition"] == "attachment; filename=\"\(slug)-v1.\(format.rawValue)\"")
            let path = try Self.saved(response, as: "\(slug).\(format.rawValue)")
            let dataset = try DatasetReader.read(path: path, originalName: "\(slug).\(format.rawValue)")
            #expect(dataset.features.count == TableSupport.featureCount, "\(format)")
            let nameField = format == .zip ? "ten" : "tên"
            let names = Set(dataset.features.compactMap { feature -> String? in
                if case .text(let name)? = feature[nameField] { return name }
                return nil
            })
            #expect(names == Set((1...TableSupport.featureCount).map { "Trạm số \($0)" }), "\(format): every name once, in Vietnamese")
            let households = format == .zip ? "so_ho" : "số_hộ"
            #expect(dataset.features.first { $0[nameField] == .text("Trạm số 7") }?[households]
                    == .integer(Int64(TableSupport.households(7))), "\(format): numbers stay numbers")
        }
        // Other tests write files into the same folder meanwhile: this layer's own files are
        // watched (a rewrite renames a new file into place, so its inode changes).
        let written = try Self.files(table, slug)
        #expect(written.count == LayerExport.Format.allCases.count)
        for format in LayerExport.Format.allCases {
            #expect(try table.respond("/layers/\(slug)/download.\(format.rawValue)").status == 200)
        }
        #expect(try Self.files(table, slug) == written, "each file is written once per version")
        #expect(!(try TableSupport.auditActions(table, slug).contains("layer.download")), "open data is not audited")
    }

    @Test func aPendingVersionInEveryFormatIsForItsAgencyOnly() throws {
        let table = try #require(fixture)
        let slug = try TableSupport.layer(table, visibility: .public)
        _ = try TableSupport.pendingVersion(table, slug)
        var editor = try Browser.signedIn(table, "syt.editor")
        for format in LayerExport.Format.allCases {
            let target = "/layers/\(slug)/versions/2/download.\(format.rawValue)"
            #expect(try table.respond(target).status == 404, "\(format): a pending version is not public")
            let pending = try editor.get(target)
            #expect(pending.status == 200, "\(format)")
            let path = try Self.saved(pending, as: "v2.\(format.rawValue)")
            let dataset = try DatasetReader.read(path: path, originalName: "v2.\(format.rawValue)")
            let field = format == .zip ? "ten" : "tên"
            #expect(dataset.features.contains { $0[field] == .text("Trạm chờ duyệt") }, "\(format): the pending version's text")
        }
        let details = try table.database.read { db in
            try String.fetchAll(db, sql: "SELECT detail FROM audit_log WHERE action = 'layer.download' AND target = ?", arguments: [slug])
        }
        #expect(Set(details) == Set(LayerExport.Format.allCases.map { "version=2; format=\($0.rawValue)" }))
    }

    @Test func aViewOnlyGrantGetsNoFileAndNoLinks() throws {
        let table = try #require(fixture)
        let viewOnly = try TableSupport.layer(table, visibility: .shared, grant: ("sxd", false))
        let withDownload = try TableSupport.layer(table, visibility: .shared, grant: ("sxd", true))
        var granted = try Browser.signedIn(table, "sxd.viewer")
        let missing = AdminSupport.unique("khong-co")
        for format in LayerExport.Format.allCases {
            let refused = try granted.get("/layers/\(viewOnly)/download.\(format.rawValue)")
            let absent = try granted.get("/layers/\(missing)/download.\(format.rawValue)")
            #expect(refused.status == 404 && absent.status == 404)
            #expect(TableSupport.normalized(refused, viewOnly) == TableSupport.normalized(absent, missing))
            #expect(try granted.get("/layers/\(withDownload)/download.\(format.rawValue)").status == 200)
        }
        let page = try granted.get("/layers/\(viewOnly)")
        #expect(!page.text.contains("/download."), "no download link without the right")
        let offered = try granted.get("/layers/\(withDownload)")
        for format in LayerExport.Format.allCases {
            #expect(offered.text.contains("href=\"/layers/\(withDownload)/download.\(format.rawValue)\""), "\(format) offered")
        }
    }

    @Test func aFileReadInRangesIsAuditedOnce() throws {
        let table = try #require(fixture)
        let slug = try TableSupport.layer(table, visibility: .shared, grant: ("sxd", true))
        var reader = try Browser.signedIn(table, "sxd.viewer")
        for range in ["bytes=0-16383", "bytes=16384-32767", "bytes=-100"] {
            reader.headers = [("Range", range)]
            #expect(try reader.get("/layers/\(slug)/download.gpkg").status == 200)
        }
        #expect(try TableSupport.auditActions(table, slug) == ["layer.download"], "the reading that starts at byte 0 is recorded")
        reader.headers = []
        _ = try reader.get("/layers/\(slug)/download.gpkg")
        #expect(try TableSupport.auditActions(table, slug).count == 2, "a whole download is recorded")
    }

    @Test func anUnknownFormatIsNotADoor() throws {
        let table = try #require(fixture)
        let slug = try TableSupport.layer(table, visibility: .public)
        #expect(try table.respond("/layers/\(slug)/download.exe").status == 404)
        #expect(try table.respond("/layers/\(slug)/download.").status == 404)
        #expect(!Portal.isDownload("/layers/\(slug)/download.exe"))
        #expect(Portal.isDownload("/layers/\(slug)/versions/3/download.kml"))
        #expect(!Portal.isDownload("/layers/\(slug)/table"))
    }
}
