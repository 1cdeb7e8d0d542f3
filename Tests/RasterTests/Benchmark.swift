import Foundation
import Raster
import Testing

/// A deterministic generator, so every run draws the same tile.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Release-mode tile benchmark, run with BANDO_BENCH=1 swift test -c release --filter Benchmark.
@Suite("Benchmark")
struct Benchmark {
    static let enabled = ProcessInfo.processInfo.environment["BANDO_BENCH"] == "1"

    struct Scene {
        var polygons = Path()
        var lines = Path()
        var markers: [(x: Double, y: Double)] = []
    }

    static func scene() -> Scene {
        var rng = SplitMix(state: 42)
        var scene = Scene()
        for _ in 0..<2000 {
            let cx = Double.random(in: -8...264, using: &rng), cy = Double.random(in: -8...264, using: &rng)
            let n = Int.random(in: 4...10, using: &rng)
            let r = Double.random(in: 2...9, using: &rng)
            for k in 0..<n {
                let t = Double(k) / Double(n) * 2 * Double.pi
                let rr = r * Double.random(in: 0.6...1.0, using: &rng)
                let x = cx + rr * cos(t), y = cy + rr * sin(t)
                if k == 0 { scene.polygons.move(to: x, y) } else { scene.polygons.line(to: x, y) }
            }
            scene.polygons.close()
        }
        for _ in 0..<500 {
            var x = Double.random(in: -10...266, using: &rng), y = Double.random(in: -10...266, using: &rng)
            scene.lines.move(to: x, y)
            for _ in 0..<Int.random(in: 2...8, using: &rng) {
                x += Double.random(in: -20...20, using: &rng)
                y += Double.random(in: -20...20, using: &rng)
                scene.lines.line(to: x, y)
            }
        }
        for _ in 0..<500 {
            scene.markers.append((x: Double.random(in: 0...256, using: &rng), y: Double.random(in: 0...256, using: &rng)))
        }
        return scene
    }

    /// The drawing steps of one tile, named for the per-step timings.
    static var steps: [(name: String, draw: (Scene, Painter) -> Void)] {
        [
        ("clear", { _, p in p.clear(to: Color(r: 242, g: 239, b: 233)) }),
        ("polygon fill", { s, p in p.fill(s.polygons, color: Color(r: 217, g: 208, b: 201)) }),
        ("polygon outline", { s, p in
            p.stroke(s.polygons, color: Color(r: 185, g: 169, b: 157), style: StrokeStyle(width: 1, join: .miter))
        }),
        ("polylines", { s, p in
            p.stroke(s.lines, color: .white, style: StrokeStyle(width: 1.5, join: .round, cap: .round))
        }),
        ("markers", { s, p in p.markers(.circle, at: s.markers, size: 4, fill: Color(r: 200, g: 40, b: 40), stroke: nil) }),
        ]
    }

    static func render(_ scene: Scene, on painter: Painter) {
        for step in steps { step.draw(scene, painter) }
    }

    @Test(.enabled(if: Benchmark.enabled))
    func tile() {
        let scene = Self.scene()
        let painter = Painter(width: 256, height: 256)
        let rounds = 200
        for _ in 0..<10 { Self.render(scene, on: painter) }
        var start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<rounds { Self.render(scene, on: painter) }
        let raster = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(rounds)
        var lines = ["raster: \(String(format: "%.3f", raster)) ms/tile"]
        var perStep = [Double](repeating: 0, count: Self.steps.count)
        for _ in 0..<rounds {
            for (i, step) in Self.steps.enumerated() {
                let t = DispatchTime.now().uptimeNanoseconds
                step.draw(scene, painter)
                perStep[i] += Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6 / Double(rounds)
            }
        }
        lines.append(zip(Self.steps, perStep).map { "  \($0.name): \(String(format: "%.3f", $1)) ms" }
            .joined(separator: "\n"))
        for level in [1, 3, 6] {
            var size = 0
            start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<rounds { size = PNGEncoder.encode(painter.canvas, level: level).count }
            let encode = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(rounds)
            lines.append("encode level \(level): \(String(format: "%.3f", encode)) ms/tile, \(size) bytes")
        }
        lines.append("distinct colours: \(Set(painter.canvas.pixels).count)")
        // A sparse tile in the manner of a small-scale base map: a few big land polygons and
        // borders over water.
        var rng = SplitMix(state: 7)
        var land = Path()
        for _ in 0..<6 {
            let cx = Double.random(in: 0...256, using: &rng), cy = Double.random(in: 0...256, using: &rng)
            let r = Double.random(in: 40...110, using: &rng)
            for k in 0..<80 {
                let t = Double(k) / 80 * 2 * Double.pi
                let rr = r * Double.random(in: 0.85...1.0, using: &rng)
                if k == 0 { land.move(to: cx + rr * cos(t), cy + rr * sin(t)) } else { land.line(to: cx + rr * cos(t), cy + rr * sin(t)) }
            }
            land.close()
        }
        let sparse = Painter(width: 256, height: 256)
        start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<rounds {
            sparse.clear(to: Color(r: 170, g: 211, b: 223))
            sparse.fill(land, color: Color(r: 242, g: 239, b: 233))
            sparse.stroke(land, color: Color(r: 150, g: 140, b: 160), style: StrokeStyle(width: 1, join: .round, dash: [4, 2]))
        }
        let sparseRaster = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(rounds)
        lines.append("sparse tile raster: \(String(format: "%.3f", sparseRaster)) ms/tile, \(Set(sparse.canvas.pixels).count) colours")
        for level in [1, 3, 6] {
            var size = 0
            start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<rounds { size = PNGEncoder.encode(sparse.canvas, level: level).count }
            let encode = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(rounds)
            lines.append("sparse encode level \(level): \(String(format: "%.3f", encode)) ms/tile, \(size) bytes")
        }
        let out = lines.joined(separator: "\n") + "\n"
        FileHandle.standardOutput.write(Data(out.utf8))
        if let dir = ProcessInfo.processInfo.environment["BANDO_BENCH_PNG"] {
            try? Data(PNGEncoder.encode(painter.canvas)).write(to: URL(fileURLWithPath: dir + "/bench-tile.png"))
            try? Data(PNGEncoder.encode(sparse.canvas)).write(to: URL(fileURLWithPath: dir + "/bench-sparse.png"))
        }
    }
}
