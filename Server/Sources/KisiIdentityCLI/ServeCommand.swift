import ArgumentParser
import Foundation
import KisiIdentityServer
import IdentityPostgres
import Logging

/// `kisi-identity serve`: the reference server (SCIM 2.0 under /scim/v2 on SQLite, /healthz).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the SCIM 2.0 and SAML SSO server on an embedded SQLite database (or a shared PostgreSQL).",
        discussion: """
            Serves SCIM 2.0 under /scim/v2, SAML SSO under /saml and GET /healthz. The database file is created \
            and migrated on first start; with --database postgres://USER@HOST:PORT/DB any number of instances \
            share one PostgreSQL database (schema migrated at start). Create a bearer token with \
            `kisi-identity scim token create --database …` (works while the server runs). Stops gracefully on SIGINT/SIGTERM. Request logs (never tokens or bodies) go \
            to stderr; the bound address is printed as one JSON line on stdout once listening.
            """
    )

    @Option(help: "The interface to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The TCP port (0 picks a free one).")
    var port = 8080

    @OptionGroup var database: DatabaseOptions

    @Option(
        name: .customLong("database-connections"),
        help: "With PostgreSQL: the most connections this instance opens (instances × this must stay below the server's max_connections).")
    var databaseConnections = 20

    @Option(name: .customLong("base-url"), help: "Public origin clients use, e.g. https://id.example.com.")
    var baseURL: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard (1...1_000).contains(databaseConnections) else {
            throw ValidationError("--database-connections must be 1…1000")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") }
        if let baseURL, !(baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://")) {
            throw ValidationError("--base-url must start with http:// or https://")
        }
    }

    struct Listening: Encodable {
        var listening: String
        var port: Int
        var db: String
    }

    func run() async throws {
        var logger = Logger(label: "kisi-identity.serve") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let server: IdentityServer
        do {
            server = try IdentityServer(
                configuration: IdentityServerConfiguration(
                    host: host, port: port, database: database.location, publicBaseURL: baseURL,
                    maximumDatabaseConnections: databaseConnections),
                logger: logger)
        } catch {
            throw CLIOutput.fail(
                code: "database_unavailable", message: "Cannot open database '\(database.location)': \(error)")
        }
        let host = host
        let db = database.location.description
        do {
            try await server.run { port in
                try? CLIOutput.printJSON(Listening(listening: "\(host):\(port)", port: port, db: db))
            }
        } catch let error as IdentityPostgresError {
            throw CLIOutput.fail(code: "database_unavailable", message: "Cannot use database '\(db)': \(error)")
        }
    }
}
