import Foundation
import Geometry
@testable import Formats
import ZIPFoundation

/// A fresh temporary folder for one test's fixture files.
struct TempFolder {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("formats-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let file = url.appendingPathComponent(name)
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: file.path, contents: Data(bytes))
        return file.path
    }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        write(name, Array(text.utf8))
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// A deterministic pseudo-random generator (SplitMix64) for the mutation fuzzer.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The error a throwing call raised, as a FormatError.
func formatError(_ body: () throws -> Void) -> FormatError? {
    do {
        try body()
        return nil
    } catch let error as FormatError {
        return error
    } catch {
        return .cannotRead(file: "test", reason: "unexpected error \(error)")
    }
}

extension ImportedFeature {
    /// The attribute values only, for comparisons.
    var values: [AttributeValue] { properties.map(\.1) }
}

/// Opens a new archive for writing.
enum ZIPFoundationArchive {
    static func create(_ url: URL) throws -> Archive {
        try? FileManager.default.removeItem(at: url)
        return try Archive(url: url, accessMode: .create)
    }
}
