import ArgumentParser
import Foundation
import Portal

/// `bando`: the provincial shared-map portal.
@main
struct Bando: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bando",
        abstract: "Bando — the province's shared map portal.",
        subcommands: [Serve.self, Migrate.self, SeedDemo.self, BenchRender.self, Import.self, Export.self,
                      BackupCommand.self, RestoreCommand.self, TokenCommand.self])
}

/// Options every command that opens the database shares; each may also come from the environment.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "The SpatiaLite database file (env BANDO_DB).")
    var db: String?

    func path() throws -> String {
        if let db, !db.isEmpty { return db }
        if let env = ProcessInfo.processInfo.environment["BANDO_DB"], !env.isEmpty { return env }
        throw ValidationError("say which database: --db PATH (or set BANDO_DB)")
    }
}

/// Prints a message to standard error and exits with a failure code.
func fail(_ message: String) -> ExitCode {
    LogSink.standardError.flush()
    FileHandle.standardError.write(Data("bando: \(message)\n".utf8))
    return ExitCode(1)
}
