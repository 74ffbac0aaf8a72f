import ArgumentParser
import Foundation
import KisiIdentityServer
import Logging

/// `kisi-identity serve`: the reference server (SCIM 2.0 under /scim/v2 on SQLite, /healthz).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the SCIM 2.0 server on an embedded SQLite database.",
        discussion: """
            Serves SCIM 2.0 under /scim/v2 and GET /healthz. The database file is created and migrated on \
            first start. Create a bearer token with `kisi-identity scim token create --db FILE` (works while \
            the server runs). Stops gracefully on SIGINT/SIGTERM. Request logs (never tokens or bodies) go \
            to stderr; the bound address is printed as one JSON line on stdout once listening.
            """
    )

    @Option(help: "The interface to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The TCP port (0 picks a free one).")
    var port = 8080

    @Option(help: "The SQLite database file.")
    var db = "kisi-identity.sqlite"

    @Option(name: .customLong("base-url"), help: "Public origin clients use, e.g. https://id.example.com.")
    var baseURL: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
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
                    host: host, port: port, databasePath: db, publicBaseURL: baseURL),
                logger: logger)
        } catch {
            throw CLIOutput.fail(code: "database_unavailable", message: "Cannot open database '\(db)': \(error)")
        }
        let host = host
        let db = db
        try await server.run { port in
            try? CLIOutput.printJSON(Listening(listening: "\(host):\(port)", port: port, db: db))
        }
    }
}
