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
    static func run(_ executable: String, _ arguments: [String], in folder: String? = nil,
                    environment: [String: String] = [:]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // GDAL's WMS and WMTS drivers keep a tile cache in ./gdalwmscache unless told where: a scratch folder, never the checkout.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bando-gdal-cache").path
        let defaults = ["GDAL_DEFAULT_WMS_CACHE_PATH": scratch]
        process.environment = ProcessInfo.processInfo.environment.merging(defaults) { _, new in new }.merging(environment) { _, new in new }
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

    /// A token made with `bando token create` opens a private layer to GDAL and OWSLib over
    /// HTTP Basic (as QGIS sends it), and `bando token revoke` closes it again.
    /// The values of `field` in `ogrinfo -al -q` output of one layer, sorted.
    static func values(_ field: String, in output: String) -> [String] {
        output.split(separator: "\n").compactMap { line -> String? in
            let prefix = "  \(field) (String) = "
            return line.hasPrefix(prefix) ? String(line.dropFirst(prefix.count)) : nil
        }.sorted()
    }

    @Test func gdalOpensEveryDownloadFormatStraightFromThePortal() throws {
        let server = try ServerProcess(); defer { server.stop() }
        let made = try BandoBinary.run(["token", "create", "--db", server.database, "--user", "stnmt.viewer",
                                        "--scopes", "read", "--expires-days", "1", "--name", "GDAL tải về"])
        #expect(made.0 == 0, "token create: \(made.2)")
        let basic = ["GDAL_HTTP_AUTH": "BASIC", "GDAL_HTTP_USERPWD": "stnmt.viewer:" + made.1.trimmingCharacters(in: .whitespacesAndNewlines)]
        // Points and lines of open data, and polygons shared with stnmt's agency read through a token.
        for (slug, field, environment) in [("co-so-y-te", "ten", [String: String]()), ("mang-luoi-giao-thong", "ten_duong", [:]),
                                           ("quy-hoach-su-dung-dat", "ten_xa", basic)] {
            let count = try SQLite3.run(server.database, """
                SELECT count(*) FROM features f JOIN layers l ON f.version_id = l.published_version_id WHERE l.slug = '\(slug)'
                """).output.trimmingCharacters(in: .whitespacesAndNewlines)
            var expected: [String]?
            for format in ["geojson", "csv", "zip", "gpkg", "kml"] {
                let url = "/vsicurl/http://127.0.0.1:\(server.port)/layers/\(slug)/download.\(format)"
                let path = format == "zip" ? "/vsizip/\(url)/\(slug).shp" : url
                let (status, output, errors) = try Self.run("/usr/bin/ogrinfo", ["-ro", "-al", "-q", "-geom=NO", path],
                                                            environment: environment)
                #expect(status == 0, "ogrinfo \(slug) \(format): \(errors)")
                let features = output.split(separator: "\n").filter { $0.hasPrefix("OGRFeature(") }.count
                #expect(String(features) == count, "\(slug) \(format): \(features) features, \(count) stored")
                let names = Self.values(field, in: output)
                #expect(names.count == features, "\(slug) \(format): every feature has its \(field)")
                #expect(names.contains { $0.unicodeScalars.contains { $0.value > 0x7F } }, "\(slug) \(format): Vietnamese text")
                if let expected {
                    #expect(names == expected, "\(slug) \(format): the same text as GeoJSON")
                } else {
                    expected = names
                }
            }
        }
        let (anonymous, _, _) = try Self.run("/usr/bin/ogrinfo", [
            "-ro", "-so", "/vsicurl/http://127.0.0.1:\(server.port)/layers/quy-hoach-su-dung-dat/download.gpkg"])
        #expect(anonymous != 0, "without the token the shared layer's file is not there")
        let geometry = try Self.run("/usr/bin/ogrinfo", ["-ro", "-so", "/vsizip//vsicurl/http://127.0.0.1:\(server.port)/layers/"
                                                         + "quy-hoach-su-dung-dat/download.zip/quy-hoach-su-dung-dat.shp",
                                                         "quy-hoach-su-dung-dat"], environment: basic)
        #expect(geometry.1.contains("Geometry: Polygon") && geometry.1.contains("GEOGCRS[\"WGS 84\""), "\(geometry.1.prefix(600))")
    }

    @Test func aTokenFromTheCommandLineOpensAPrivateLayerToGDALAndOWSLib() throws {
        let server = try ServerProcess(); defer { server.stop() }
        let slug = "diem-quan-trac-moi-truong"
        let made = try BandoBinary.run(["token", "create", "--db", server.database, "--user", "stnmt.viewer",
                                        "--scopes", "read", "--expires-days", "7", "--name", "GDAL kiểm thử"])
        #expect(made.0 == 0, "token create: \(made.2)")
        let secret = made.1.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(secret.hasPrefix("bando_") && !made.2.contains(secret), "the token is printed once, on standard output")
        let count = try SQLite3.run(server.database, """
            SELECT count(*) FROM features f JOIN layers l ON f.version_id = l.published_version_id WHERE l.slug = '\(slug)'
            """).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let url = "OAPIF:http://127.0.0.1:\(server.port)/ogc"
        let basic = ["GDAL_HTTP_AUTH": "BASIC", "GDAL_HTTP_USERPWD": "stnmt.viewer:" + secret]
        let (status, info, errors) = try Self.run("/usr/bin/ogrinfo", ["-so", url, slug], environment: basic)
        #expect(status == 0, "ogrinfo with the token: \(errors)")
        #expect(info.contains("Feature Count: \(count)"), "ogrinfo counts \(count): \(info.suffix(400))")
        let (anonymous, _, _) = try Self.run("/usr/bin/ogrinfo", ["-so", url, slug])
        #expect(anonymous != 0, "without the token the layer is not there")
        let owslib = """
            import sys
            from owslib.wms import WebMapService
            wms = WebMapService(sys.argv[1], version="1.3.0", username=sys.argv[2], password=sys.argv[3])
            print("\\n".join(sorted(wms.contents)))
            """
        let (listed, names, listErrors) = try Self.run("/usr/bin/python3", ["-c", owslib, "http://127.0.0.1:\(server.port)/ows",
                                                                             "stnmt.viewer", secret])
        #expect(listed == 0, "OWSLib with the token: \(listErrors)")
        #expect(names.split(separator: "\n").contains { $0 == slug })

        let tokens = try BandoBinary.run(["token", "list", "--db", server.database, "--user", "stnmt.viewer"])
        #expect(tokens.1.contains("GDAL kiểm thử") && tokens.1.contains("active") && !tokens.1.contains(secret))
        let id = String(tokens.1.prefix { $0 != "\t" })
        let revoked = try BandoBinary.run(["token", "revoke", "--db", server.database, "--user", "stnmt.viewer", "--id", id])
        #expect(revoked.0 == 0, "token revoke: \(revoked.2)")
        // The server keeps a token it has seen for at most a second when another process changes it.
        Thread.sleep(forTimeInterval: 1.2)
        let (after, _, afterErrors) = try Self.run("/usr/bin/ogrinfo", ["-so", url, slug], environment: basic)
        #expect(after != 0)
        #expect(afterErrors.contains("401"), "a revoked token is refused: \(afterErrors)")
        let refused = try BandoBinary.run(["token", "create", "--db", server.database, "--user", "stnmt.viewer", "--scopes", "read,upload"])
        #expect(refused.0 != 0 && refused.2.contains("cannot give a token the scopes upload"))
    }
}
