import ArgumentParser
import Foundation
import Portal
import Store

/// `bando token`: personal access tokens made, listed and revoked from the shell, for a user
/// who sets up another system (a script, QGIS, the province's data platform).
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Make, list or revoke a user's personal access tokens.",
        subcommands: [TokenCreate.self, TokenList.self, TokenRevoke.self])
}

/// Opens the database at its current schema and finds the user named `username`.
private func openUser(_ options: DatabaseOptions, _ username: String) throws -> (SpatialDatabase, User, String) {
    let resources = try Resources.locate()
    let db = try SpatialDatabase(path: try options.path())
    _ = try Migrator(directory: resources.migrations).migrate(db)
    guard let user = try UserRepository(db).find(username: username) else {
        throw ValidationError("no user is named \"\(username)\"")
    }
    guard let agency = try AgencyRepository(db).find(id: user.agencyID) else {
        throw ValidationError("the user \"\(username)\" has no agency")
    }
    return (db, user, agency.code)
}

struct TokenCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Make a token and print it once; only its hash is kept.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The user the token acts as.")
    var user: String

    @Option(help: "Comma-separated scopes: read, upload, approve, admin (never more than the user's role allows).")
    var scopes: String = "read"

    @Option(help: "Days until the token expires (1 to \(AccessTokenRepository.maxDays)); without it, it lasts until revoked.")
    var expiresDays: Int?

    @Option(help: "A name that says what the token is for; it appears in the audit log.")
    var name: String = "bando token create"

    func run() throws {
        guard let chosen = TokenScope.parse(scopes) else {
            throw ValidationError("unknown scope in \"\(scopes)\"; choose from: \(TokenScope.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        do {
            let (db, found, agencyCode) = try openUser(database, user)
            let made = try AccessTokens.create(db, user: found, agencyCode: agencyCode, name: name, scopes: chosen,
                                               expiresInDays: expiresDays, clientAddress: "cli")
            FileHandle.standardError.write(Data("token \(made.id) for \(found.username) (\(TokenScope.text(chosen))); it is shown only now:\n".utf8))
            print(made.secret)
        } catch let error as ValidationError {
            throw error
        } catch {
            throw fail("\(error)")
        }
    }
}

struct TokenList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List a user's tokens (never their secrets).")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The user whose tokens to list.")
    var user: String

    func run() throws {
        do {
            let (db, found, _) = try openUser(database, user)
            for token in try AccessTokenRepository(db).list(userID: found.id) {
                let state = token.revokedAt.map { "revoked \($0)" }
                    ?? (token.isUsable() ? "active" : "expired")
                let expires = token.expiresAt.map(AccessTokenRepository.iso) ?? "never"
                print("\(token.id)\t\(token.name)\t\(TokenScope.text(token.scopes))\texpires \(expires)\tlast used \(token.lastUsedAt ?? "never")\t\(state)")
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            throw fail("\(error)")
        }
    }
}

struct TokenRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke one of a user's tokens.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The user who holds the token.")
    var user: String

    @Option(help: "The token's number, as `bando token list` shows it.")
    var id: Int64

    func run() throws {
        do {
            let (db, found, _) = try openUser(database, user)
            let revoked = try AccessTokenRepository(db).revoke(
                id: id, userID: found.id,
                audit: AuditEntry(userID: found.id, username: found.username, agencyID: found.agencyID, action: "token.revoke",
                                  target: found.username, detail: "id=\(id)", clientAddress: "cli"))
            guard revoked else { throw fail("\(found.username) has no active token \(id)") }
            print("token \(id) of \(found.username) revoked")
        } catch let error as ValidationError {
            throw error
        } catch let error as ExitCode {
            throw error
        } catch {
            throw fail("\(error)")
        }
    }
}
