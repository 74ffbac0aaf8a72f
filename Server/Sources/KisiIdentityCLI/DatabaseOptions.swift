import ArgumentParser
import Foundation
import KisiIdentityServer
import Logging

/// `--database` (alias `--db`) and `--database-schema`, shared by `serve`, `sso configure` and `scim token …`.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: [.customLong("database"), .customLong("db")],
        help: """
            The SQLite database file (created if missing), or a PostgreSQL URL \
            postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=disable|prefer|require] that several `serve` \
            instances share.
            """)
    var database = "kisi-identity.sqlite"

    @Option(name: .customLong("database-schema"), help: "With PostgreSQL: the schema holding the tables (migrated at start).")
    var schema = "kisi_identity"

    /// The database the options name.
    var location: ServerDatabase { ServerDatabase(database, schema: schema) }

    func validate() throws {
        guard !schema.isEmpty, schema.count <= 48,
            schema.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" }),
            !(schema.first?.isNumber ?? true)
        else { throw ValidationError("--database-schema may hold only letters, digits and '_' (at most 48)") }
    }

    /// Opens the stores (running and migrating a PostgreSQL pool for the duration), runs `body`, and turns a
    /// database that cannot be opened or reached into the `database_unavailable` failure (exit 1).
    func withStores<Result: Sendable>(_ body: @Sendable (ServerStores) async throws -> Result) async throws -> Result {
        var logger = Logger(label: "kisi-identity.db") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .critical
        let location = self.location
        do {
            return try await ServerStores.withStores(location, logger: logger, body)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw CLIOutput.fail(code: "database_unavailable", message: "Cannot use database '\(location)': \(error)")
        }
    }
}
