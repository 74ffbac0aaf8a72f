import Foundation
import KisiIdentityServer
import PostgresTestSupport
import SCIMCore
import Testing

/// `scim token create|list|revoke` and the server's token check mean the same on SQLite and PostgreSQL: a new token
/// was never used, an accepted request records its use, a revoked token is refused and still listed.
@Suite("Token administration on every database")
struct TokenAdministrationTests {
    enum Database: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case sqlite, postgres
        var testDescription: String { rawValue }
        static var available: [Database] { allCases.filter { $0 != .postgres || TestPostgres.isConfigured } }
    }

    func withStores(_ database: Database, _ body: @Sendable (ServerStores) async throws -> Void) async throws {
        switch database {
        case .sqlite:
            let temporary = try TemporaryDatabase()
            defer { temporary.cleanup() }
            try await body(ServerStores(sqlite: try temporary.open()))
        case .postgres:
            try await TestPostgres.withDatabases { databases in try await body(ServerStores(postgres: databases[0])) }
        }
    }

    @Test("create, use, list, revoke", arguments: Database.available)
    func lifecycle(database: Database) async throws {
        try await withStores(database) { stores in
            let before = Date()
            let (token, record) = try await stores.tokens.create(label: "JumpCloud")
            let request = SCIMRequest(method: "GET", path: "/Users", headers: ["Authorization": "Bearer \(token)"])
            #expect(try await stores.tokens.list().map(\.lastUsedAt) == [nil])
            #expect(try await stores.authenticator.authenticate(request))
            let listed = try #require(try await stores.tokens.list().first)
            #expect(listed.record.id == record.id)
            let used = try #require(listed.lastUsedAt)
            #expect(used.timeIntervalSince(before) > -1 && used.timeIntervalSinceNow < 1)
            #expect(try await stores.tokens.revoke(id: record.id))
            #expect(try await !stores.tokens.revoke(id: record.id))
            // Both stores trust an accepted token for about a second; after that the revocation holds.
            try await Task.sleep(for: .milliseconds(1_100))
            #expect(try await !stores.authenticator.authenticate(request))
            #expect(try await stores.tokens.list().first?.record.revokedAt != nil)
        }
    }
}
