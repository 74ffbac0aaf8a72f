import Foundation
import IdentityPostgres
import PostgresTestSupport
import SCIMCore
import Testing

/// Store-level figures on loopback, run only when asked: `KISI_POSTGRES_BENCH=100000` (the number of users).
/// Prints ops/s and p99 for a filtered lookup by userName and for inserts, through one pool of 8 connections
/// with 8 concurrent callers.
@Suite(
    "Benchmark",
    .enabled(if: TestPostgres.isConfigured && ProcessInfo.processInfo.environment["KISI_POSTGRES_BENCH"] != nil))
struct BenchmarkTests {
    static let users = Int(ProcessInfo.processInfo.environment["KISI_POSTGRES_BENCH"] ?? "") ?? 100_000

    @Test("filtered lookup and insert with many users")
    func lookupAndInsert() async throws {
        try await TestPostgres.withDatabases { databases in
            let store = PostgresSCIMStore(database: databases[0])
            let now = Date(timeIntervalSinceReferenceDate: 800_000_000)
            @Sendable func user(_ index: Int) -> SCIMResource {
                SCIMResource(
                    type: .user, id: "id-\(index)",
                    attributes: [
                        "userName": .string("User\(index)@example.com"), "active": .bool(true),
                        "name": .object(["givenName": .string("G\(index)"), "familyName": .string("F\(index)")]),
                    ], meta: SCIMMeta(created: now, lastModified: now))
            }
            let concurrency = 8
            let insert = try await measure(operations: Self.users, concurrency: concurrency) { index in
                _ = try await store.create(user(index))
            }
            let lookup = try await measure(operations: 20_000, concurrency: concurrency) { index in
                let wanted = (index &* 7919) % Self.users
                let filter = try SCIMFilter(parsing: "userName eq \"user\(wanted)@EXAMPLE.com\"").resolved(for: .user)
                let result = try await store.query(.user, SCIMQuery(filter: filter))
                guard result.resources.first?.id == "id-\(wanted)" else { throw LookupMissed() }
            }
            print("BENCH insert \(Self.users) users: \(insert)")
            print("BENCH userName eq lookup with \(Self.users) users: \(lookup)")
        }
    }

    struct LookupMissed: Error {}

    struct Figures: CustomStringConvertible {
        var opsPerSecond: Double
        var p50: Duration
        var p99: Duration
        var description: String {
            "\(Int(opsPerSecond)) ops/s, p50 \(p50.milliseconds) ms, p99 \(p99.milliseconds) ms"
        }
    }

    func measure(
        operations: Int, concurrency: Int, _ body: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> Figures {
        let clock = ContinuousClock()
        let started = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var latencies: [Duration] = []
                    for index in stride(from: worker, to: operations, by: concurrency) {
                        let start = clock.now
                        try await body(index)
                        latencies.append(clock.now - start)
                    }
                    return latencies
                }
            }
            return try await group.reduce(into: [Duration]()) { $0 += $1 }.sorted()
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Figures(
            opsPerSecond: Double(operations) / seconds, p50: latencies[latencies.count / 2],
            p99: latencies[min(latencies.count - 1, latencies.count * 99 / 100)])
    }
}

extension Duration {
    fileprivate var milliseconds: String {
        let value = Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
        return String(format: "%.2f", value)
    }
}
