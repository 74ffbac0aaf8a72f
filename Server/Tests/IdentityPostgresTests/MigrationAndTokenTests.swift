import Foundation
import IdentityPostgres
import PostgresTestSupport
import PostgresNIO
import SAMLCore
import SCIMCore
import Synchronization
import Testing

@Suite("Migrations and tokens", .enabled(if: TestPostgres.isConfigured, "set KISI_POSTGRES_URL"))
struct MigrationAndTokenTests {
    @Test("migrations are versioned, idempotent and safe when instances start at once")
    func concurrentMigrations() async throws {
        try await TestPostgres.withDatabases(instances: 4, migrate: false) { databases in
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for database in databases { group.addTask { try await database.migrate() } }
                return try await group.reduce(into: [[Int]]()) { $0.append($1) }
            }
            #expect(applied.filter { $0 == [1, 2, 3, 4] }.count == 1)
            #expect(applied.filter(\.isEmpty).count == 3)
            #expect(try await databases[0].migrate() == [])
            let rows = try await databases[0].client.query(
                PostgresQuery(unsafeSQL: "SELECT version FROM \"\(databases[0].schema)\".migrations"))
            var versions: [Int] = []
            for try await version in rows.decode(Int.self) { versions.append(version) }
            #expect(versions.sorted() == [1, 2, 3, 4])
        }
    }

    @Test("a schema at version 2 is upgraded to 3 in place; its tokens keep working and gain a last use")
    func upgradeFromVersion2() async throws {
        try await TestPostgres.withDatabases { databases in
            let database = databases[0]
            let store = PostgresSCIMTokenStore(database: database)
            let (token, _) = try await store.issue(label: "JumpCloud", now: Date())
            // Back to the layout of version 2, as a database of the previous release has it.
            try await database.client.query(
                PostgresQuery(unsafeSQL: "ALTER TABLE \"\(database.schema)\".scim_tokens DROP COLUMN last_used_at"))
            try await database.client.query(
                PostgresQuery(unsafeSQL: "DELETE FROM \"\(database.schema)\".migrations WHERE version = 3"))
            #expect(try await database.migrate() == [3])
            #expect(try await store.listings().map(\.lastUsedAt) == [nil])
            #expect(try await store.authenticate(Self.request(token)))
            #expect(try await store.listings().first?.lastUsedAt != nil)
        }
    }

    @Test("authenticate looks the hash up on every instance, records the last use once per resolution, refuses revoked and malformed tokens")
    func authenticate() async throws {
        try await TestPostgres.withDatabases(instances: 2) { databases in
            let clock = TestClock(Date(timeIntervalSinceReferenceDate: 800_000_000))
            let one = PostgresSCIMTokenStore(database: databases[0], now: { clock.now }, lastUsedResolution: 60)
            let two = PostgresSCIMTokenStore(database: databases[1], now: { clock.now }, lastUsedResolution: 60)
            let start = clock.now
            let (token, record) = try await one.issue(label: "JumpCloud", now: start)
            let (unused, _) = try await one.issue(label: "Backup", now: start + 1)
            #expect(try await one.listings().map(\.lastUsedAt) == [nil, nil])

            #expect(try await two.authenticate(Self.request(token)))
            #expect(try await one.listings().map(\.lastUsedAt) == [start, nil])
            clock.now = start + 30  // within the resolution: not rewritten
            #expect(try await one.authenticate(Self.request(token)))
            #expect(try await two.listings().first?.lastUsedAt == start)
            clock.now = start + 61
            #expect(try await one.authenticate(Self.request(token)))
            #expect(try await two.listings().first?.lastUsedAt == start + 61)
            // An instance with a slower clock never moves the last use backwards.
            let behind = PostgresSCIMTokenStore(database: databases[1], now: { start + 10 }, lastUsedResolution: 0)
            #expect(try await behind.authenticate(Self.request(token)))
            #expect(try await one.listings().first?.lastUsedAt == start + 61)

            for header in ["Bearer " + token + "x", "Basic " + token, token, "Bearer", ""] {
                let request = SCIMRequest(method: "GET", path: "/Users", headers: ["Authorization": header])
                #expect(try await !one.authenticate(request), "\(header.prefix(12))")
            }
            #expect(try await !one.authenticate(SCIMRequest(method: "GET", path: "/Users")))
            #expect(try await one.revoke(id: record.id, now: clock.now))
            #expect(try await !two.authenticate(Self.request(token)))
            #expect(try await two.authenticate(Self.request(unused)))
        }
    }

    static func request(_ token: String) -> SCIMRequest {
        SCIMRequest(method: "GET", path: "/Users", headers: ["Authorization": "Bearer \(token)"])
    }

    @Test("a schema newer than the library is refused")
    func schemaTooNew() async throws {
        try await TestPostgres.withDatabases { databases in
            try await databases[0].client.query(
                PostgresQuery(unsafeSQL: "INSERT INTO \"\(databases[0].schema)\".migrations (version, name) VALUES (99, 'future')"))
            await #expect(throws: IdentityPostgresError(.schemaTooNew, "")) { try await databases[0].migrate() }
        }
    }

    @Test("token records hold hashes only; revocation is seen by every instance")
    func tokens() async throws {
        try await TestPostgres.withDatabases(instances: 2) { databases in
            let one = PostgresSCIMTokenStore(database: databases[0])
            let two = PostgresSCIMTokenStore(database: databases[1])
            let now = Date(timeIntervalSinceReferenceDate: 800_000_000)
            let (token, record) = try await one.issue(label: "JumpCloud", now: now)
            let (other, _) = try await one.issue(label: "Backup", now: now + 1)
            #expect(try await two.activeTokenRecords() .map(\.id).contains(record.id))
            #expect(SCIMToken.verify(token, against: try await two.activeTokenRecords()))
            let rows = try await databases[0].client.query(
                PostgresQuery(
                    unsafeSQL: "SELECT count(*) FROM \"\(databases[0].schema)\".scim_tokens t WHERE position($1 in t::text) > 0",
                    binds: { var b = PostgresBindings(); b.append(String(token.dropFirst(10).prefix(20))); return b }()))
            for try await count in rows.decode(Int.self) { #expect(count == 0) }
            #expect(try await two.revoke(id: record.id, now: now + 5))
            #expect(try await one.revoke(id: record.id, now: now + 6) == false)
            #expect(!SCIMToken.verify(token, against: try await one.activeTokenRecords()))
            #expect(SCIMToken.verify(other, against: try await one.activeTokenRecords()))
            let all = try await one.allRecords()
            #expect(all.map(\.label) == ["JumpCloud", "Backup"])
            #expect(all[0].revokedAt == now + 5)
            #expect(all[0] == SCIMTokenRecord(
                id: record.id, sha256: record.sha256, hint: record.hint, label: "JumpCloud", createdAt: now, revokedAt: now + 5))
        }
    }
}

@Suite("Expiry and SSO configuration", .enabled(if: TestPostgres.isConfigured, "set KISI_POSTGRES_URL"))
struct ExpiryAndConfigurationTests {
    @Test("purgeExpired deletes exactly the expired replay entries and pending requests")
    func purgeExpired() async throws {
        try await TestPostgres.withDatabases { databases in
            let replay = PostgresReplayCache(database: databases[0])
            let pending = PostgresPendingRequestStore(database: databases[0])
            let now = Date(timeIntervalSinceReferenceDate: 800_000_000)
            #expect(try await replay.insertIfAbsent("old", expiresAt: now - 1, now: now - 60))
            #expect(try await replay.insertIfAbsent("edge", expiresAt: now, now: now - 60))
            #expect(try await replay.insertIfAbsent("live", expiresAt: now + 60, now: now - 60))
            try await pending.save(PendingRequest(id: "_old", tenantID: "t", relayState: nil, expiresAt: now - 1), now: now - 60)
            try await pending.save(PendingRequest(id: "_live", tenantID: "t", relayState: "/x", expiresAt: now + 60), now: now - 60)
            #expect(try await replay.purgeExpired(now: now) == 2)
            #expect(try await replay.purgeExpired(now: now) == 0)
            #expect(try await pending.purgeExpired(now: now) == 1)
            // What is left is exactly what had not expired: the live key is still a replay, the live request is
            // still consumable once.
            #expect(try await !replay.insertIfAbsent("live", expiresAt: now + 60, now: now))
            #expect(try await replay.insertIfAbsent("old", expiresAt: now + 60, now: now))
            #expect(try await pending.consume(id: "_live", now: now)?.relayState == "/x")
            #expect(try await pending.consume(id: "_old", now: now - 120) == nil)
        }
    }

    @Test("an SSO configuration saved through one instance is loaded by another, byte for byte")
    func ssoConfigurationRoundTrip() async throws {
        try await TestPostgres.withDatabases(instances: 2) { databases in
            let one = PostgresSSOConfigurationStore(database: databases[0])
            let two = PostgresSSOConfigurationStore(database: databases[1])
            #expect(try await two.load(tenantID: "default") == nil)
            var record = SSOConfigurationRecord(
                tenantID: "default", idpMetadata: Array("<md:EntityDescriptor/>\u{0}\u{FF}".utf8) + [0xFE, 0x00],
                entityID: "https://kisi.example/saml/metadata", baseURL: "https://kisi.example",
                acsURL: "https://kisi.example/saml/acs", spKeyPEM: "-----BEGIN PRIVATE KEY-----",
                spCertificatePEM: "-----BEGIN CERTIFICATE-----", updatedAt: Date(timeIntervalSinceReferenceDate: 800_000_000))
            try await one.save(record)
            #expect(try await two.load(tenantID: "default") == record)
            record.entityID = "https://other.example/saml/metadata"
            try await two.save(record)
            #expect(try await one.load(tenantID: "default")?.entityID == record.entityID)
            #expect(try await one.load(tenantID: "other") == nil)
        }
    }
}

/// A clock a test sets.
private final class TestClock: Sendable {
    private let value: Mutex<Date>
    init(_ date: Date) { value = Mutex(date) }
    var now: Date {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
