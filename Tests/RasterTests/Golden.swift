import Foundation
import PNGTestSupport
import Raster
import Testing

/// Reference images under Golden/<feature>/<name>.png. Read from the test bundle; with
/// UPDATE_GOLDEN=1 in the environment, written to the source tree instead of compared.
enum Golden {
    static let updating = ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1"

    /// The Golden folder in the source tree, next to this file.
    static let sourceFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("Golden")

    /// A pixel differs when any channel differs by more than this.
    static let channelTolerance = 2
    /// Share of pixels allowed to differ.
    static let pixelTolerance = 0.002

    static func check(_ canvas: Canvas, feature: String, name: String,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let png = PNGEncoder.encode(canvas)
        let decoded = try checkedDecode(png, name: name, sourceLocation: sourceLocation)
        #expect(decoded.rgba == canvas.unpremultipliedRGBA(), "PNG round trip", sourceLocation: sourceLocation)
        if updating {
            let folder = sourceFolder.appendingPathComponent(feature)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let url = folder.appendingPathComponent(name + ".png")
            try Data(png).write(to: url)
            print("UPDATE_GOLDEN=1: wrote reference \(url.path)")
            return
        }
        let resources = try #require(Bundle.module.resourceURL, sourceLocation: sourceLocation)
        let url = resources.appendingPathComponent("Golden/\(feature)/\(name).png")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record("missing reference Golden/\(feature)/\(name).png; run with UPDATE_GOLDEN=1",
                         sourceLocation: sourceLocation)
            return
        }
        let reference = try PNGDecoder.decode([UInt8](data))
        try #require(reference.width == canvas.width && reference.height == canvas.height,
                     "size differs from Golden/\(feature)/\(name).png", sourceLocation: sourceLocation)
        var differing = 0
        var worst = 0
        for i in stride(from: 0, to: reference.rgba.count, by: 4) {
            var d = 0
            for k in 0..<4 { d = max(d, abs(Int(reference.rgba[i + k]) - Int(decoded.rgba[i + k]))) }
            if d > channelTolerance { differing += 1 }
            worst = max(worst, d)
        }
        let allowed = Int(Double(canvas.width * canvas.height) * pixelTolerance)
        #expect(differing <= allowed,
                "\(differing) pixels differ from Golden/\(feature)/\(name).png (worst channel \(worst))",
                sourceLocation: sourceLocation)
    }
}
