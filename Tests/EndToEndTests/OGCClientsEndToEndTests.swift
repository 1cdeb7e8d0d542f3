import Foundation
import PNGTestSupport
import Testing

/// The OGC doors checked by clients no one here wrote: OWSLib (Debian's python3-owslib) reads
/// the WMS capabilities, draws and identifies, reads WMTS tiles and pages through OGC API –
/// Features; GDAL's WMS and WMTS drivers list the layers and draw one, its OAPIF driver copies a
/// whole collection.
@Suite struct OGCClientsEndToEndTests {
    static let publicLayers = ["co-so-y-te", "mang-luoi-giao-thong", "song-suoi", "truong-hoc"]

    /// Runs `executable ARGS`: exit status, standard output, standard error.
    static func run(_ executable: String, _ arguments: [String], in folder: String? = nil) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    /// The first health station of the demo province: its lon/lat and its name, from the public download.
    static func firstStation(_ port: Int) throws -> (lon: Double, lat: Double, name: String) {
        let download = try RawClient(port: port).get("/layers/co-so-y-te/download.geojson")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(download.body)) as? [String: Any])
        let feature = try #require((object["features"] as? [[String: Any]])?.first)
        let coordinates = try #require((feature["geometry"] as? [String: Any])?["coordinates"] as? [Double])
        let name = try #require((feature["properties"] as? [String: Any])?["ten"] as? String)
        return (coordinates[0], coordinates[1], name)
    }

    @Test func owslibReadsDrawsAndIdentifies() throws {
        let server = try ServerProcess(); defer { server.stop() }
        let station = try Self.firstStation(server.port)
        let picture = server.database + ".owslib.png"
        let script = BandoBinary.repositoryRoot + "/Tests/Clients/wms_owslib.py"
        let (status, output, errors) = try Self.run("/usr/bin/python3", [
            script, "http://127.0.0.1:\(server.port)/ows", "co-so-y-te", String(station.lon), String(station.lat), picture,
        ] + Self.publicLayers)
        #expect(status == 0, "OWSLib: \(errors)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(result["layers"] as? [String] == Self.publicLayers)
        let found = (result["info"] as? [[String: Any]] ?? []).compactMap { $0["ten"] as? String }
        #expect(found.contains(station.name), "GetFeatureInfo at the station finds \(station.name): \(found)")
        // OWSLib ordered its lon/lat box for EPSG:4326 itself: the picture must be the CRS:84 one.
        let bbox = "\(station.lon - 0.1),\(station.lat - 0.1),\(station.lon + 0.1),\(station.lat + 0.1)"
        let ours = try RawClient(port: server.port).get("/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=co-so-y-te&STYLES="
                                                         + "&CRS=CRS:84&BBOX=\(bbox)&WIDTH=100&HEIGHT=100&FORMAT=image/png&TRANSPARENT=TRUE")
        let drawn = try DecodedPNG(Array(try Data(contentsOf: URL(fileURLWithPath: picture))))
        #expect(drawn == (try DecodedPNG(ours.body)))
        #expect(drawn.alpha(50, 50) > 0, "the station's marker is at the centre")
    }

    @Test func gdalListsTheLayersAndDrawsOne() throws {
        let server = try ServerProcess(); defer { server.stop() }
        let base = "WMS:http://127.0.0.1:\(server.port)/ows?SERVICE=WMS&VERSION=1.3.0"
        let (infoStatus, info, infoErrors) = try Self.run("/usr/bin/gdalinfo", [base + "&REQUEST=GetCapabilities"])
        #expect(infoStatus == 0, "gdalinfo: \(infoErrors)")
        let listed = info.split(separator: "\n").filter { $0.contains("SUBDATASET_") && $0.contains("_NAME=") }
        #expect(listed.count == Self.publicLayers.count, "\(info)")
        for slug in Self.publicLayers { #expect(listed.contains { $0.contains("LAYERS=\(slug)") }, "gdalinfo lists \(slug)") }
        let out = server.database + ".gdal.png"
        let (status, _, errors) = try Self.run("/usr/bin/gdal_translate", [
            "-q", "-of", "PNG", "-outsize", "400", "200",
            base + "&REQUEST=GetMap&LAYERS=mang-luoi-giao-thong&CRS=EPSG:4326&BBOX=21.0,105.8,21.7,107.1&FORMAT=image/png", out,
        ])
        #expect(status == 0, "gdal_translate: \(errors)")
        let image = try DecodedPNG(Array(try Data(contentsOf: URL(fileURLWithPath: out))))
        #expect(image.width == 400 && image.height == 200)
        var coloured = 0
        for y in 0..<image.height {
            for x in 0..<image.width {
                let p = image.pixel(x, y)
                if p.a > 0 && !(p.r == 255 && p.g == 255 && p.b == 255) { coloured += 1 }
            }
        }
        #expect(coloured > 500, "GDAL's picture shows the roads")
    }

    @Test func owslibAndGDALReadTheTiles() throws {
        let server = try ServerProcess(); defer { server.stop() }
        let capabilities = "http://127.0.0.1:\(server.port)/wmts/1.0.0/WMTSCapabilities.xml"
        let out = server.database + ".wmts.png"
        let (status, output, errors) = try Self.run("/usr/bin/python3", [
            BandoBinary.repositoryRoot + "/Tests/Clients/wmts_owslib.py", capabilities, "song-suoi", "10", "449", "814", out,
        ])
        #expect(status == 0, "OWSLib: \(errors)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(result["layers"] as? [String] == Self.publicLayers)
        let template = try #require((result["templates"] as? [String])?.first)
        let rest = template.replacingOccurrences(of: "http://127.0.0.1:\(server.port)", with: "")
            .replacingOccurrences(of: "{TileMatrix}", with: "10").replacingOccurrences(of: "{TileCol}", with: "814")
            .replacingOccurrences(of: "{TileRow}", with: "449")
        let direct = try RawClient(port: server.port).get(rest)
        #expect(direct.status == 200)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: out))) == direct.body, "GetTile and the REST URL give one tile")

        let (infoStatus, info, infoErrors) = try Self.run("/usr/bin/gdalinfo", ["WMTS:" + capabilities])
        #expect(infoStatus == 0, "gdalinfo: \(infoErrors)")
        for slug in Self.publicLayers { #expect(info.contains("layer=\(slug)"), "GDAL lists \(slug)") }
        let picture = server.database + ".gdal-wmts.png"
        let (translated, _, translateErrors) = try Self.run("/usr/bin/gdal_translate", [
            "-q", "-of", "PNG", "-outsize", "512", "256", "-projwin", "105.8", "21.7", "107.1", "21.0", "-projwin_srs", "EPSG:4326",
            "WMTS:\(capabilities),layer=mang-luoi-giao-thong", picture,
        ])
        #expect(translated == 0, "gdal_translate: \(translateErrors)")
        let image = try DecodedPNG(Array(try Data(contentsOf: URL(fileURLWithPath: picture))))
        #expect(image.inkedPixels > 500, "GDAL's mosaic of our tiles shows the roads")
    }

    /// The names (`ten`) of every feature of a public layer, from its GeoJSON download, sorted.
    static func downloadedNames(_ port: Int, _ slug: String) throws -> [String] {
        let download = try RawClient(port: port).get("/layers/\(slug)/download.geojson")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(download.body)) as? [String: Any])
        return ((object["features"] as? [[String: Any]]) ?? []).compactMap { ($0["properties"] as? [String: Any])?["ten"] as? String }.sorted()
    }

    @Test func owslibAndGDALReadEveryFeatureOnce() throws {
        let server = try ServerProcess(); defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/ogc"
        for slug in ["co-so-y-te", "truong-hoc"] {
            let expected = try Self.downloadedNames(server.port, slug)
            #expect(expected.count > 100)
            let (status, output, errors) = try Self.run("/usr/bin/python3", [
                BandoBinary.repositoryRoot + "/Tests/Clients/oapif_owslib.py", url, slug, "100"])
            #expect(status == 0, "OWSLib: \(errors)")
            let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
            #expect(result["collections"] as? [String] == ["song-suoi", "co-so-y-te", "truong-hoc", "mang-luoi-giao-thong"])
            let features = result["features"] as? [[String: Any]] ?? []
            #expect(result["matched"] as? Int == expected.count)
            #expect(Set(features.compactMap { $0["id"] as? Int }).count == expected.count, "\(slug): every id once")
            #expect(features.compactMap { ($0["properties"] as? [String: Any])?["ten"] as? String }.sorted() == expected)

            let out = server.database + ".\(slug).oapif.geojson"
            let (copied, _, copyErrors) = try Self.run("/usr/bin/ogr2ogr", ["-oo", "PAGE_SIZE=100", "-f", "GeoJSON", out, "OAPIF:" + url, slug])
            #expect(copied == 0, "ogr2ogr: \(copyErrors)")
            let copy = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
            let names = ((copy["features"] as? [[String: Any]]) ?? []).compactMap { ($0["properties"] as? [String: Any])?["ten"] as? String }
            #expect(names.sorted() == expected, "\(slug): GDAL copies every feature once, names intact")
        }
    }

    /// The Python of `scripts/python-clients.sh` (ogctests, openapi-spec-validator from PyPI).
    static func clientsPython() throws -> String {
        let path = ProcessInfo.processInfo.environment["BANDO_CLIENTS_PYTHON"]
            ?? FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/bando/clients-venv/bin/python"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw RawClient.Failure(description: "no \(path): run scripts/python-clients.sh (scripts/test.sh does)")
        }
        return path
    }

    @Test func ogctestsCoreAllPassAndTheAPIDefinitionValidates() throws {
        let python = try Self.clientsPython()
        let server = try ServerProcess(); defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/ogc"
        // pytest loads ogctests' conftest.py only below the folder it starts in: the environment's.
        let environment = URL(fileURLWithPath: python).deletingLastPathComponent().deletingLastPathComponent().path
        let (status, output, errors) = try Self.run(python, ["-m", "ogctests", "-i", url, "features/core"], in: environment)
        #expect(status == 0, "ogctests: \(output.suffix(3000)) \(errors.suffix(1000))")
        // ogctests exits 0 whatever its tests found: read its summary.
        #expect(output.contains(" passed") && !output.contains(" failed") && !output.contains(" error"), "\(output.suffix(600))")
        let definition = server.database + ".ogc-api.json"
        try Data(try RawClient(port: server.port).get("/ogc/api").body).write(to: URL(fileURLWithPath: definition))
        let (valid, said, complaint) = try Self.run(python, ["-m", "openapi_spec_validator", definition])
        #expect(valid == 0, "openapi-spec-validator: \(said) \(complaint)")
    }
}
