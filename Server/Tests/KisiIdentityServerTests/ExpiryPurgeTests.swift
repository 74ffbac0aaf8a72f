import Foundation
import IdentityPostgres
import KisiIdentityServer
import Logging
import PostgresNIO
import PostgresTestSupport
import SAMLCore
import Synchronization
import Testing

/// `ServerStores.runExpiryPurge`, which `serve` runs on PostgreSQL: expired replay entries and pending requests are
/// deleted, live ones kept; a database outage does not end the loop; cancellation does.
@Suite("Expiry purge")
struct ExpiryPurgeTests {
    static let now = Date(timeIntervalSinceReferenceDate: 800_000_000)

    @Test("on PostgreSQL the purge deletes exactly the expired rows, then keeps running until cancelled",
          .enabled(if: TestPostgres.isConfigured, "set KISI_POSTGRES_URL"))
    func purgesPostgres() async throws {
        try await TestPostgres.withDatabases { databases in
            let database = databases[0]
            let stores = ServerStores(postgres: database)
            let now = Self.now
            #expect(try await stores.replayCache.insertIfAbsent("old", expiresAt: now - 1, now: now - 60))
            #expect(try await stores.replayCache.insertIfAbsent("live", expiresAt: now + 60, now: now - 60))
            try await stores.pendingRequests.save(
                PendingRequest(id: "_old", tenantID: "t", relayState: nil, expiresAt: now - 1), now: now - 60)
            try await stores.pendingRequests.save(
                PendingRequest(id: "_live", tenantID: "t", relayState: "/x", expiresAt: now + 60), now: now - 60)
            #expect(try await Self.rows(database) == 4)
            let ticks = Ticks()
            let purger = Task {
                await stores.runExpiryPurge(every: .milliseconds(20), now: { ticks.count(); return now }, logger: silentLogger)
            }
            try await ticks.wait(for: 3)
            purger.cancel()
            await purger.value
            #expect(try await Self.rows(database) == 2)
            // What is left is what had not expired.
            #expect(try await !stores.replayCache.insertIfAbsent("live", expiresAt: now + 60, now: now))
            #expect(try await stores.pendingRequests.consume(id: "_live", now: now)?.relayState == "/x")
        }
    }

    @Test("`IdentityServer.run` purges on PostgreSQL every `expiryPurgeInterval`",
          .enabled(if: TestPostgres.isConfigured, "set KISI_POSTGRES_URL"))
    func serverPurges() async throws {
        try await TestPostgres.withDatabases { databases in
            let database = databases[0]
            let stores = ServerStores(postgres: database)
            let now = Date()
            #expect(try await stores.replayCache.insertIfAbsent("old", expiresAt: now - 1, now: now - 60))
            #expect(try await stores.replayCache.insertIfAbsent("live", expiresAt: now + 600, now: now - 60))
            var configuration = IdentityServerConfiguration(
                port: 0, database: .postgres(url: try #require(TestPostgres.url), schema: database.schema))
            configuration.expiryPurgeInterval = .milliseconds(20)
            let server = try IdentityServer(configuration: configuration, logger: silentLogger)
            let running = Task { try await server.run() }
            let deadline = ContinuousClock.now + .seconds(20)
            while try await Self.rows(database) > 1, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            running.cancel()
            _ = await running.result
            #expect(try await Self.rows(database) == 1)
        }
    }

    /// The rows of the replay cache and the pending requests in `database`'s schema.
    static func rows(_ database: IdentityPostgresDatabase) async throws -> Int {
        var total = 0
        for table in ["saml_replay_cache", "saml_pending_requests"] {
            let result = try await database.client.query(
                PostgresQuery(unsafeSQL: "SELECT count(*) FROM \"\(database.schema)\".\(table)"))
            for try await count in result.decode(Int.self) { total += count }
        }
        return total
    }

    @Test("a database that does not answer is retried at every tick, and cancellation still ends the loop")
    func survivesOutage() async throws {
        let database = try IdentityPostgresDatabase(
            configuration: IdentityPostgresConfiguration(
                url: "postgres://kisi@127.0.0.1:9/none", operationTimeout: .milliseconds(100)),
            logger: silentLogger)
        let stores = ServerStores(postgres: database)
        await #expect(throws: IdentityPostgresError.self) { try await stores.purgeExpired(now: Self.now) }
        let ticks = Ticks()
        let now = Self.now
        let pool = Task { await database.run() }
        defer { pool.cancel() }
        let purger = Task {
            await stores.runExpiryPurge(every: .milliseconds(10), now: { ticks.count(); return now }, logger: silentLogger)
        }
        try await ticks.wait(for: 3)
        purger.cancel()
        await purger.value
    }

    @Test("on SQLite there is nothing to purge (its stores delete expired rows on every write)")
    func sqliteHasNothingToPurge() async throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.cleanup() }
        let stores = ServerStores(sqlite: try temporary.open())
        #expect(try await stores.replayCache.insertIfAbsent("old", expiresAt: Self.now - 1, now: Self.now - 60))
        #expect(try await stores.purgeExpired(now: Self.now) == 0)
        // Returns by itself: no loop runs on SQLite.
        await stores.runExpiryPurge(every: .milliseconds(10), logger: silentLogger)
        // The next write purged the expired entry anyway: the key is accepted again.
        #expect(try await stores.replayCache.insertIfAbsent("old", expiresAt: Self.now + 60, now: Self.now))
    }
}

/// Counts the purge loop's ticks (its calls of the clock).
private final class Ticks: Sendable {
    private let value = Atomic<Int>(0)

    func count() { value.add(1, ordering: .relaxed) }

    /// Waits until `ticks` ticks happened; fails the test after 20 s.
    func wait(for ticks: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while value.load(ordering: .relaxed) < ticks, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(value.load(ordering: .relaxed) >= ticks, "the purge loop ticked fewer than \(ticks) times")
    }
}
