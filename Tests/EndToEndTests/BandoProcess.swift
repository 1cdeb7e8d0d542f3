import Foundation

/// The built `bando` executable, run as a user would run it.
enum BandoBinary {
    static let repositoryRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// `$BANDO_BIN`, or `bando` beside the test bundle (SwiftPM builds both into one folder).
    static var path: String? {
        if let explicit = ProcessInfo.processInfo.environment["BANDO_BIN"] { return explicit }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("bando").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// Runs `bando ARGS` to completion; returns (status, stdout, stderr).
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path ?? "/nonexistent/bando")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}

/// A seeded demo database made once per test process; each server gets its own copy.
enum DemoDatabase {
    static let template: String? = {
        let folder = NSTemporaryDirectory() + "bando-e2e-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/demo.sqlite"
        guard let result = try? BandoBinary.run(["seed-demo", "--db", path, "--password", "e2e-password-1"]),
              result.0 == 0 else { return nil }
        return path
    }()

    /// A private copy of the demo database in a new folder.
    static func copy() throws -> String {
        guard let template else { throw RawClient.Failure(description: "seed-demo failed") }
        let folder = NSTemporaryDirectory() + "bando-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: template, toPath: folder + "/demo.sqlite")
        return folder + "/demo.sqlite"
    }
}

/// `bando serve` on an ephemeral port, stopped (SIGTERM) when the test is done with it.
final class ServerProcess {
    let process = Process()
    let port: Int
    let database: String
    let logPath: String

    init(database: String? = nil, extraArguments: [String] = [], environment: [String: String] = [:]) throws {
        self.database = try database ?? DemoDatabase.copy()
        guard let binary = BandoBinary.path else { throw RawClient.Failure(description: "bando binary not built") }
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--db", self.database, "--port", "0"] + extraArguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe()
        process.standardOutput = out
        logPath = self.database + ".log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: logPath)
        try process.run()
        // The server prints "Bando: http://HOST:PORT/" once it listens.
        var line = Data()
        let handle = out.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: #":(\d+)/"#, options: .regularExpression),
              let port = Int(text[range].dropFirst().dropLast()) else {
            process.terminate()
            throw RawClient.Failure(description: "server did not start: \(text) \((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")")
        }
        self.port = port
    }

    /// Sends SIGTERM and waits; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// What the server logged on standard error (after it stopped).
    func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit { if process.isRunning { process.terminate() } }
}

/// Debian's `sqlite3` shell, for tests that read the database the server wrote as an operator
/// would.
enum SQLite3 {
    /// Runs `sql` on `database`: the exit status and what it printed.
    static func run(_ database: String, _ sql: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database, sql]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
