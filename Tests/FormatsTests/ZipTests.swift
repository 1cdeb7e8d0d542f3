import Foundation
import FormatsTestSupport
import Testing
import ZIPFoundation
@testable import Formats

@Suite struct ZipTests {
    @Test func pathsOutsideTheArchiveAreRefused() throws {
        let folder = TempFolder()
        for (entry, problem) in [("../../etc/passwd", "has a path outside the archive"), ("/etc/passwd", "has an absolute path"),
                                 ("a/../../b.shp", "has a path outside the archive"), ("C:/x.shp", "has an absolute path"),
                                 ("..\\evil.shp", "has a path outside the archive")] {
            let path = folder.path("evil.zip")
            try makeZip(at: path, entries: [("ok.txt", [1, 2, 3]), (entry, [1, 2, 3])])
            let error = formatError { _ = try DatasetReader.read(path: path, originalName: "evil.zip") }
            #expect(error?.description == "evil.zip: zip entry \(entry) \(problem)")
        }
    }

    @Test func tooManyEntries() throws {
        let folder = TempFolder()
        let path = folder.path("many.zip")
        try makeZip(at: path, entries: (0..<30).map { ("f\($0).txt", [UInt8($0)]) }, compress: false)
        var options = ReadOptions()
        options.limits.maxZipEntries = 20
        let error = formatError { _ = try DatasetReader.read(path: path, originalName: "many.zip", options: options) }
        #expect(error?.description == "many.zip: holds more than 20 entries, the limit")
    }

    @Test func highCompressionRatioIsRefusedBeforeExtraction() throws {
        let folder = TempFolder()
        let path = folder.path("bomb.zip")
        try makeZip(at: path, entries: [("bomb.shp", [UInt8](repeating: 0, count: 4 << 20))])
        let error = formatError { _ = try DatasetReader.read(path: path, originalName: "bomb.zip") }
        #expect(error?.description.hasPrefix("bomb.zip: zip entry bomb.shp is compressed") == true)
        #expect(error?.description.contains("zip bomb") == true)
    }

    @Test func declaredSmallButRealLargeStopsDuringExtraction() throws {
        let folder = TempFolder()
        let path = folder.path("liar.zip")
        let content = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 7) }
        try makeZip(at: path, entries: [("liar.shp", content), ("liar.dbf", [1])])
        try rewriteZipSizes(at: path, uncompressed: 1000)
        let error = formatError { _ = try DatasetReader.read(path: path, originalName: "liar.zip") }
        #expect(error?.description == "liar.zip: zip entry liar.shp expands beyond its declared 1000 bytes; the archive is damaged or hostile")
    }

    @Test func totalLimitCountsRealBytes() throws {
        let folder = TempFolder()
        let path = folder.path("big.zip")
        let content = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 5) }
        try makeZip(at: path, entries: [("a.geojson", content)])
        var options = ReadOptions()
        options.limits.maxUncompressedBytes = 100_000
        let declared = formatError { _ = try DatasetReader.read(path: path, originalName: "big.zip", options: options) }
        #expect(declared?.description == "big.zip: would expand to more than 100000 bytes, the limit")
        try rewriteZipSizes(at: path, uncompressed: 50_000)
        let actual = formatError { _ = try DatasetReader.read(path: path, originalName: "big.zip", options: options) }
        #expect(actual?.description.contains("expands beyond its declared 50000 bytes") == true)
    }

    @Test func aDocumentPastTheLimitReadAtOnceStopsDuringExtraction() throws {
        // 3 MB of GeoJSON in a zip: extraction stops at the document limit (1 MB here), not
        // after holding the whole document.
        let folder = TempFolder()
        let path = folder.path("nen.zip")
        var text = #"{"type":"FeatureCollection","features":["#
        var i = 0
        var state: UInt64 = 11
        while text.utf8.count < 3 << 20 {
            state = state &* 6_364_136_223_846_793_005 &+ 1
            let x = 100_000 + (state >> 33) % 900_000, y = 100_000 + (state >> 13) % 900_000
            text += #"{"type":"Feature","properties":{"ten":"Điểm \#(i)"},"geometry":{"type":"Point","coordinates":[107.\#(x),21.\#(y)]}},"#
            i += 1
        }
        text.removeLast()
        text += "]}"
        try makeZip(at: path, entries: [("diem.geojson", Array(text.utf8))])
        var options = ReadOptions()
        options.limits.maxDocumentBytes = 1 << 20
        let error = formatError { _ = try DatasetReader.read(path: path, originalName: "nen.zip", options: options) }
        #expect(error?.description == "diem.geojson: expands to more than 1.0 MB, the most read at once")
        // Within the limit, the same file reads.
        options.limits.maxDocumentBytes = 4 << 20
        let dataset = try DatasetReader.read(path: path, originalName: "nen.zip", options: options)
        #expect(dataset.features.count == i)
    }

    @Test func theDocumentLimitIsASettingOfTheServer() {
        #expect(ImportLimits.configured([:]).maxDocumentBytes == 512 << 20)
        #expect(ImportLimits.configured(["BANDO_MAX_DOCUMENT_MB": "64"]).maxDocumentBytes == 64 << 20)
        #expect(ImportLimits.configured(["BANDO_MAX_DOCUMENT_MB": "0"]).maxDocumentBytes == 512 << 20)
        #expect(ImportLimits.configured(["BANDO_MAX_DOCUMENT_MB": "lots"]).maxDocumentBytes == 512 << 20)
    }

    @Test func symlinksAreRefused() throws {
        let folder = TempFolder()
        let url = URL(fileURLWithPath: folder.path("link.zip"))
        let archive = try ZIPFoundationArchive.create(url)
        try archive.addEntry(with: "link.shp", type: .symlink, uncompressedSize: Int64(11)) { _, _ in Data("/etc/passwd".utf8) }
        let error = formatError { _ = try DatasetReader.read(path: url.path, originalName: "link.zip") }
        #expect(error?.description == "link.zip: zip entry link.shp is a symbolic link, which uploads may not contain")
    }

    @Test func notAZip() {
        let folder = TempFolder()
        let path = folder.write("x.zip", "just text")
        #expect(formatError { _ = try DatasetReader.read(path: path, originalName: "x.zip") }?.description == "x.zip: is not a readable zip archive")
    }
}
