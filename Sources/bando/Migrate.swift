import ArgumentParser
import Foundation
import Portal
import Store

/// `bando migrate`: creates the database or brings it to the current schema.
struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database.")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        do {
            let path = try database.path()
            let resources = try Resources.locate()
            let db = try SpatialDatabase(path: path)
            let applied = try Migrator(directory: resources.migrations).migrate(db)
            print(applied.isEmpty ? "\(path): already up to date" : "\(path): applied \(applied.joined(separator: ", "))")
        } catch let error as ValidationError {
            throw error
        } catch {
            throw fail("\(error)")
        }
    }
}
