import Foundation
import IdentityPostgres
import PostgresNIO
import SCIMCore
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
            #expect(applied.filter { $0 == [1] }.count == 1)
            #expect(applied.filter(\.isEmpty).count == 3)
            #expect(try await databases[0].migrate() == [])
            let rows = try await databases[0].client.query(
                PostgresQuery(unsafeSQL: "SELECT version FROM \"\(databases[0].schema)\".migrations"))
            var versions: [Int] = []
            for try await version in rows.decode(Int.self) { versions.append(version) }
            #expect(versions == [1])
        }
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
