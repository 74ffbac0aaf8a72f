public import Foundation
public import IdentityPostgres
import Logging
import PostgresNIO

/// A PostgreSQL database for tests, from `KISI_POSTGRES_URL` (start one with `Scripts/postgres-test-server.sh start`).
/// Every use gets a fresh schema, dropped afterwards, so tests run in parallel without seeing each other.
public enum TestPostgres {
    /// The server's URL, or nil when the PostgreSQL tests are to be skipped.
    public static let url: String? = ProcessInfo.processInfo.environment["KISI_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Whether a server is configured.
    public static var isConfigured: Bool { url != nil }

    /// Whether the tests that run extra processes against PostgreSQL run too (two `serve` instances, servers
    /// stopped and restarted mid-load): a server is configured and `KISI_POSTGRES_PROCESS_TESTS=1` (which
    /// `.ci/run` sets). They need PostgreSQL's server binaries on this machine, not only a URL.
    public static var processTestsEnabled: Bool {
        isConfigured && ProcessInfo.processInfo.environment["KISI_POSTGRES_PROCESS_TESTS"] == "1"
    }

    /// Runs `body` with `instances` independent pools (as separate service instances would have) on one fresh,
    /// migrated schema. The default operation timeout is generous (30 s): the whole test run shares two cores,
    /// and a test about timeouts passes its own.
    public static func withDatabases<Result: Sendable>(
        instances: Int = 1, migrate: Bool = true, operationTimeout: Duration = .seconds(30),
        _ body: @Sendable ([IdentityPostgresDatabase]) async throws -> Result
    ) async throws -> Result {
        guard let url else { throw TestPostgresMissing() }
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        var logger = Logger(label: "test.postgres")
        logger.logLevel = .warning
        let databases = try (0..<instances).map { _ in
            try IdentityPostgresDatabase(
                configuration: .init(
                    url: url, schema: String(schema), maximumConnections: 8, operationTimeout: operationTimeout), logger: logger)
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for database in databases { group.addTask { await database.run() } }
            defer { group.cancelAll() }
            if migrate { for database in databases { try await database.migrate() } }
            do {
                let result = try await body(databases)
                try await databases[0].client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \"\(schema)\" CASCADE"))
                return result
            } catch {
                _ = try? await databases[0].client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \"\(schema)\" CASCADE"))
                throw error
            }
        }
    }
}

/// Thrown when a PostgreSQL test runs without `KISI_POSTGRES_URL` (they are skipped then).
public struct TestPostgresMissing: Error {}
