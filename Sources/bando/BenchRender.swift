import ArgumentParser
import Cartography
import Foundation
import Geometry
import Raster
import Store

/// `bando bench-render DB TILELIST OUTDIR`: renders a tile list the way the benchmark's peer
/// renderers do (bench/peers/render_mapnik.py), for comparing tiles/s on the same data.
///
/// Every table of the database's `geometry_columns` is drawn (polygons, then lines, then
/// points, each group by table name) in the benchmark's common style, as 256 px tiles on one
/// thread. Each table is first loaded into an in-memory `SpatialTableIndex` — before timing,
/// like a server that has the layer loaded — then one untimed warm-up tile is drawn. Per-tile
/// time is render + PNG encode + file write. Writes OUTDIR/z/x/y.png and OUTDIR/times.csv
/// (z,x,y,ms,cpu_ms,bytes) and ends with the peers' summary line.
struct BenchRender: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-render",
        abstract: "Render a benchmark tile list (z x y per line) from a SpatiaLite file and time it.")

    @Argument(help: "The SpatiaLite database (read only).")
    var database: String

    @Argument(help: "The tile list: one 'z x y' per line.")
    var tileList: String

    @Argument(help: "Where to write z/x/y.png and times.csv.")
    var outputDirectory: String

    func run() throws {
        let tiles = try Self.readTiles(tileList)
        guard let first = tiles.first else { throw ValidationError("\(tileList) lists no tiles") }
        let layers = try Self.loadLayers(database)
        let background = Color(r: 0xf2, g: 0xef, b: 0xe9)
        let paths = tiles.map { "\(outputDirectory)/\($0.z)/\($0.x)/\($0.y).png" }
        for directory in Set(paths.map { ($0 as NSString).deletingLastPathComponent }) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }

        let renderer = TileRenderer()
        func renderTile(_ tile: TileID, _ path: String) throws -> Int {
            let png = try renderer.renderPNG(tile, layers: layers, background: background)
            try Self.write(png, to: path)
            return png.count
        }
        _ = try renderTile(first, paths[0])

        var ms: [Double] = [], cpu: [Double] = [], sizes: [Int] = []
        let busy0 = Self.machineBusySeconds(), own0 = Self.processCPUSeconds(), wall0 = Self.now()
        for (tile, path) in zip(tiles, paths) {
            let c0 = Self.threadCPUSeconds(), t0 = Self.now()
            let bytes = try renderTile(tile, path)
            ms.append((Self.now() - t0) * 1000)
            cpu.append((Self.threadCPUSeconds() - c0) * 1000)
            sizes.append(bytes)
        }
        let wall = Self.now() - wall0
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        let others = (Self.machineBusySeconds() - busy0 - (Self.processCPUSeconds() - own0)) / (wall * cores)

        var csv = "z,x,y,ms,cpu_ms,bytes\n"
        for (i, tile) in tiles.enumerated() {
            csv += "\(tile.z),\(tile.x),\(tile.y),\(Self.fixed(ms[i], 3)),\(Self.fixed(cpu[i], 3)),\(sizes[i])\n"
        }
        try csv.write(toFile: "\(outputDirectory)/times.csv", atomically: true, encoding: .utf8)

        var byZoom: [Int: [Double]] = [:]
        for (tile, t) in zip(tiles, ms) { byZoom[tile.z, default: []].append(t) }
        print("bando: median ms by zoom: " + byZoom.keys.sorted().map {
            "z\($0)=\(Self.fixed(Self.percentile(byZoom[$0] ?? [], 50), 2))"
        }.joined(separator: " "))
        let total = Double(sizes.reduce(0, +))
        print("bando: \(ms.count) tiles, median \(Self.fixed(Self.percentile(ms, 50), 2)) ms, "
            + "p95 \(Self.fixed(Self.percentile(ms, 95), 2)) ms, "
            + "\(Self.fixed(Double(ms.count) / (ms.reduce(0, +) / 1000), 1)) tiles/s, "
            + "\(Self.fixed(total / 1e6, 2)) MB PNG (avg \(Self.fixed(total / Double(sizes.count) / 1024, 1)) KiB), "
            + "cpu median \(Self.fixed(Self.percentile(cpu, 50), 2)) ms, "
            + "other load \(Int((max(0, 100 * others)).rounded()))%")
    }

    // MARK: - Layers

    /// One layer per geometry table, loaded into memory, in the peers' order and style.
    static func loadLayers(_ path: String) throws -> [TileLayer] {
        let reader = try SpatialTableSource.openReadOnly(path: path)
        let order: [String: Int] = ["polygon": 0, "line": 1, "point": 2]
        var tables: [(kind: String, table: SpatialTableSource.Table)] = []
        for table in try SpatialTableSource.tables(in: reader) {
            switch table.geometryType % 1000 {
            case 1, 4: tables.append(("point", table))
            case 2, 5: tables.append(("line", table))
            case 3, 6: tables.append(("polygon", table))
            default: continue
            }
        }
        tables.sort { (order[$0.kind] ?? 3, $0.table.name) < (order[$1.kind] ?? 3, $1.table.name) }
        let start = now()
        var layers: [TileLayer] = []
        var vertices = 0
        for (kind, table) in tables {
            let index = try SpatialTableSource(reader: reader, table: table.name,
                                               geometryColumn: table.geometryColumn).loadIndex()
            vertices += index.vertexCount
            layers.append(try TileLayer(source: IndexedTableSource(index: index), style: style(kind)))
        }
        FileHandle.standardError.write(Data(
            "bando: loaded \(layers.count) tables (\(vertices) vertices) into memory in \(fixed(now() - start, 2)) s (untimed)\n".utf8))
        return layers
    }

    /// The benchmark's common style (bench/common.py STYLE).
    static func style(_ kind: String) -> Style {
        switch kind {
        case "polygon":
            return Style(rules: [Rule(symbolizer: .polygon(PolygonSymbolizer(
                fill: "#d9c8b4", fillOpacity: 1, stroke: "#8c7a66", strokeWidth: 1)))])
        case "line":
            return Style(rules: [Rule(symbolizer: .line(LineSymbolizer(
                color: "#3366cc", width: 1.5, cap: .butt, join: .miter)))])
        default:
            return Style(rules: [Rule(symbolizer: .point(PointSymbolizer(
                shape: .circle, size: 4, fill: "#cc3333", stroke: nil, strokeWidth: 0)))])
        }
    }

    // MARK: - Input, output, clocks

    static func readTiles(_ path: String) throws -> [TileID] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var tiles: [TileID] = []
        for (number, line) in text.split(separator: "\n").enumerated() {
            let fields = line.split(separator: " ").compactMap { Int($0) }
            if fields.isEmpty { continue }
            guard fields.count == 3, let tile = TileID(z: fields[0], x: fields[1], y: fields[2]) else {
                throw ValidationError("\(path) line \(number + 1): '\(line)' is not a tile 'z x y'")
            }
            tiles.append(tile)
        }
        return tiles
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw ValidationError("cannot write \(path): errno \(errno)") }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw ValidationError("short write to \(path)") }
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// User + system CPU time of this process.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Non-idle CPU seconds of the whole machine so far, from /proc/stat (as bench/common.py).
    static func machineBusySeconds() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first else { return 0 }
        let v = line.split(separator: " ").dropFirst().prefix(7).compactMap { Double($0) }
        guard v.count == 7 else { return 0 }
        return (v.reduce(0, +) - v[3] - v[4]) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Nearest-rank percentile.
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1)]
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}

/// A table's in-memory index seen as a renderer's feature source.
struct IndexedTableSource: FeatureSource {
    let index: SpatialTableIndex

    func forEachFeature(in query: TileQuery, _ body: (Cartography.Feature) throws -> Void) throws {
        try index.forEachFeature(intersecting: query.bbox, resolution: query.resolution) { f in
            let feature: Cartography.Feature
            switch f.kind {
            case .point:
                feature = Cartography.Feature(kind: .point, coordinates: f.coordinates, partEnds: f.partEnds,
                                              bounds: f.bounds)
            case .line:
                feature = Cartography.Feature(kind: .line, coordinates: f.coordinates, partEnds: f.partEnds,
                                              bounds: f.bounds)
            case .polygon:
                feature = Cartography.Feature(kind: .polygon, coordinates: f.coordinates, partEnds: f.partEnds,
                                              bounds: f.bounds)
            }
            try body(feature)
        }
    }
}
