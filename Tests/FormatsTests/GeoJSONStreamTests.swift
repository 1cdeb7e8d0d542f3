import Foundation
import Geometry
import Testing
@testable import Formats

/// A GeoJSON FeatureCollection read one feature at a time from a mapped file.
@Suite struct GeoJSONStreamTests {
    static func open(_ text: String, options: ReadOptions = ReadOptions()) throws -> GeoJSONStream? {
        let folder = TempFolder()
        return try DatasetReader.stream(path: folder.write("data.geojson", text), originalName: "data.geojson", options: options)
    }

    static func all(_ stream: inout GeoJSONStream) throws -> [ImportedFeature] {
        var features: [ImportedFeature] = []
        while let feature = try stream.next() { features.append(feature) }
        return features
    }

    /// The same file read whole and streamed: the same features, and once laid out to the
    /// stream's columns, the same properties.
    @Test func streamedFeaturesAreTheWholeReadsOnceLaidOut() throws {
        var stream = try #require(try Self.open(GeoJSONTests.collection))
        #expect(stream.total == 3)
        let streamed = try Self.all(&stream)
        let whole = try GeoJSONTests.read(GeoJSONTests.collection)
        #expect(streamed.count == whole.features.count)
        #expect(stream.fields == whole.fields)
        for (one, other) in zip(streamed, whole.features) {
            #expect(one.recordNumber == other.recordNumber)
            #expect(one.geometry == other.geometry)
            #expect(GeoJSONStream.normalise(one.properties, to: stream.fields).map(\.1) == other.properties.map(\.1))
        }
        // Properties come as written: the second feature's own order, without the columns it lacks.
        #expect(streamed[1].properties.map(\.0) == ["so_giuong", "ten", "them"])
        #expect(stream.hasMixedTypes)
        #expect(stream.closingWarnings == ["data.geojson: 1 feature(s) have no geometry"])
        #expect(try stream.next() == nil)
    }

    /// A `crs` written after the features is known before the first feature is read.
    @Test func aCRSAfterTheFeaturesIsKnownAtOnce() throws {
        let text = """
            {"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[500000,2300000]},
             "properties":{"s":"] } \\" [ {"}}],
             "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::9210"}}}
            """
        var stream = try #require(try Self.open(text))
        #expect(stream.sourceSRID == 9210 && !stream.crsAssumed && stream.total == 1)
        let features = try Self.all(&stream)
        #expect(features.first?.properties.first?.1 == .text("] } \" [ {"))

        let undeclared = try #require(try Self.open(#"{"type":"FeatureCollection","features":[]}"#))
        #expect(undeclared.sourceSRID == 4326 && undeclared.crsAssumed && undeclared.total == 0)
        let chosen = try #require(try Self.open(#"{"type":"FeatureCollection","features":[]}"#, options: ReadOptions(srid: 9209)))
        #expect(chosen.sourceSRID == 9209 && !chosen.crsAssumed)
    }

    /// Only a FeatureCollection streams; other documents are read whole.
    @Test func otherDocumentsAreNotStreamed() throws {
        #expect(try Self.open(#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{}}"#) == nil)
        #expect(try Self.open(#"{"type":"Point","coordinates":[1,2]}"#) == nil)
        #expect(try Self.open(#"{"type":"FeatureCollection","features":{}}"#) == nil)
        let folder = TempFolder()
        let csv = folder.write("data.csv", "x,y\n1,2\n")
        #expect(try DatasetReader.stream(path: csv, originalName: "data.csv") == nil)
    }

    /// Brackets that do not pair up and text after the document are refused on opening; a
    /// feature that is not valid JSON when its turn comes, with its line and column.
    @Test func brokenTextIsRefusedWithItsPlace() throws {
        for (text, expected) in [
            (#"{"type":"FeatureCollection","features":[{"type":"Feature""#, "the text ends inside an array"),
            (#"{"type":"FeatureCollection","features":[]} x"#, "unexpected text after the end"),
        ] {
            #expect { _ = try Self.open(text) } throws: { "\($0)".contains(expected) }
        }
        let text = """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":null,"properties":{}},
            {"type":"Feature","geometry":null,"properties":{"a":tru}}]}
            """
        var stream = try #require(try Self.open(text))
        #expect(stream.total == 2)
        #expect(try stream.next()?.recordNumber == 1)
        #expect { _ = try stream.next() } throws: { "\($0)".contains("line 3, column 53") }
    }

    /// More features than the limit are refused before any is read.
    @Test func theFeatureLimitIsCheckedOnOpening() throws {
        let features = Array(repeating: #"{"type":"Feature","geometry":null,"properties":{}}"#, count: 4).joined(separator: ",")
        let text = #"{"type":"FeatureCollection","features":["# + features + "]}"
        #expect { _ = try Self.open(text, options: ReadOptions(limits: ImportLimits(maxFeatures: 3))) } throws: {
            "\($0)".contains("has 4 features; the limit is 3")
        }
        var stream = try #require(try Self.open(text, options: ReadOptions(limits: ImportLimits(maxFeatures: 4))))
        #expect(try Self.all(&stream).count == 4)
    }

    /// Reading gives back the pages of the mapped file already read.
    @Test func aMappedFileGivesBackWhatWasRead() throws {
        let folder = TempFolder()
        let size = 16 << 20
        let path = folder.write("big.json", String(repeating: " ", count: size))
        let buffer = try #require(ByteBuffer.mapping(path: path))
        #expect(buffer.bytes.count == size)
        var sum = 0
        for byte in buffer.bytes { sum &+= Int(byte) }
        #expect(sum == size * 32)
        let before = try Self.residentKilobytes(of: buffer)
        buffer.release(0..<size)
        let after = try Self.residentKilobytes(of: buffer)
        #expect(before >= size / 1024 / 2 && after == 0, "resident before \(before) kB, after \(after) kB")
    }

    /// The kilobytes of the buffer's mapping in this process's resident memory, from /proc/self/smaps.
    static func residentKilobytes(of buffer: ByteBuffer) throws -> Int {
        let base = UInt(bitPattern: try #require(buffer.bytes.baseAddress))
        // /proc files report no size: read until the end.
        let handle = try #require(FileHandle(forReadingAtPath: "/proc/self/smaps"))
        var data = Data()
        while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty { data.append(chunk) }
        let smaps = String(decoding: data, as: UTF8.self)
        var inMapping = false
        for line in smaps.split(separator: "\n") {
            if let dash = line.firstIndex(of: "-"), let start = UInt(line[..<dash], radix: 16) {
                inMapping = start == base
            } else if inMapping, line.hasPrefix("Rss:") {
                return Int(line.split(separator: " ")[1]) ?? -1
            }
        }
        Issue.record("no mapping at \(String(base, radix: 16)) in /proc/self/smaps")
        return -1
    }
}
