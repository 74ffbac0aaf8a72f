import IdentityPostgres
import PostgresTestSupport
import Logging
import SAMLCore
import SCIMCore
import Testing

// The code of the article "Running several instances on PostgreSQL", kept here so it keeps compiling.
func serve(url: String, logger: Logger) async throws {
    let database = try IdentityPostgresDatabase(
        configuration: IdentityPostgresConfiguration(url: url, maximumConnections: 20, operationTimeout: .seconds(5)),
        logger: logger)
    try await withThrowingDiscardingTaskGroup { group in
        group.addTask { await database.run() }
        try await database.migrate()  // safe when all instances start at once
        let scimStore = PostgresSCIMStore(database: database)
        let replayCache = PostgresReplayCache(database: database)
        let pendingRequests = PostgresPendingRequestStore(database: database)
        let tokens = PostgresSCIMTokenStore(database: database)
        // Hand these to SCIMService and the SAML service provider, then serve HTTP.
        _ = (scimStore, replayCache, pendingRequests, tokens)
        // (Not in the article: end the snippet when run as a test.)
        group.cancelAll()
    }
}

@Suite("Article snippet", .enabled(if: TestPostgres.isConfigured, "set KISI_POSTGRES_URL"))
struct DocSnippetTests {
    @Test("the article's set-up migrates and builds the stores")
    func articleSetUp() async throws {
        try await serve(url: try #require(TestPostgres.url), logger: Logger(label: "test.snippet"))
    }
}
