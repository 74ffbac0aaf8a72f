import IdentityPostgres
import PostgresTestSupport
import Logging
import PostgresNIO
import SCIMCore
import Testing

@Suite("Configuration and errors")
struct ConfigurationTests {
    @Test(
        "database URLs are parsed",
        arguments: [
            ("postgres://kisi@127.0.0.1:5433/identity", "127.0.0.1", 5433, "kisi", "identity"),
            ("postgresql://app:secret@db.internal/prod?sslmode=require", "db.internal", 5432, "app", "prod"),
            ("postgres://app@localhost/x?sslmode=disable", "localhost", 5432, "app", "x"),
        ])
    func parsesURLs(url: String, host: String, port: Int, user: String, database: String) throws {
        let configuration = try IdentityPostgresConfiguration(url: url)
        #expect(configuration.client.host == host)
        #expect(configuration.client.port == port)
        #expect(configuration.client.username == user)
        #expect(configuration.client.database == database)
        #expect(configuration.schema == "kisi_identity")
    }

    @Test(
        "malformed URLs are refused",
        arguments: ["", "mysql://a@b/c", "postgres://host/db", "postgres://@host/db", "postgres://a@h/d?sslmode=verify-full"])
    func refusesURLs(url: String) {
        #expect(throws: IdentityPostgresError(.invalidConfiguration, "")) { try IdentityPostgresConfiguration(url: url) }
    }

    @Test("schema names are restricted to identifiers", arguments: ["", "a-b", "x; DROP TABLE y", "9lives", "\"q\""])
    func refusesSchemas(schema: String) throws {
        let configuration = try IdentityPostgresConfiguration(url: "postgres://a@127.0.0.1/d", schema: schema)
        #expect(throws: IdentityPostgresError(.invalidConfiguration, "")) {
            _ = try IdentityPostgresDatabase(configuration: configuration, logger: Logger(label: "test"))
        }
    }

    @Test(
        "transient failures map to 503, others to 500",
        arguments: [
            (IdentityPostgresError.Code.databaseUnavailable, 503), (.timedOut, 503), (.queryFailed, 500), (.corruptRow, 500),
        ])
    func statuses(code: IdentityPostgresError.Code, status: Int) {
        let error = IdentityPostgresError(code, "m", detail: "secret detail")
        #expect(error.httpStatus == status)
        #expect(error.isTransient == (status == 503))
        #expect(error.scimErrorDocument["status"] == .string(String(status)))
        #expect(error.scimErrorDocument["detail"] == .string("m"))
        #expect(!error.description.contains("secret"))
    }

    // Without the operation timeout the lease would wait forever and the time limit would fail the test. (In a
    // full `swift test` run, CPU-bound tests can hold both cooperative threads, delaying the timer by a minute.)
    @Test("a database that is down fails with a transient error instead of hanging", .timeLimit(.minutes(4)))
    func unreachable() async throws {
        // Nothing listens on port 1; the pool keeps retrying in the background, the operation times out.
        let configuration = try IdentityPostgresConfiguration(
            url: "postgres://kisi@127.0.0.1:1/none", operationTimeout: .milliseconds(1500))
        var logger = Logger(label: "test")
        logger.logLevel = .critical  // the pool logs every refused connection attempt
        let database = try IdentityPostgresDatabase(configuration: configuration, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            defer { group.cancelAll() }
            do {
                _ = try await PostgresSCIMStore(database: database).query(.user, SCIMQuery())
                Issue.record("expected a failure")
            } catch let error as IdentityPostgresError {
                #expect(error.isTransient)
                #expect(error.httpStatus == 503)
            }
        }
    }
}
