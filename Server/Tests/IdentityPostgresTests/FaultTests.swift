import Foundation
import IdentityPostgres
import PostgresTestSupport
import Logging
import SCIMCore
import Testing

@Suite("Fault tolerance", .enabled(if: TestPostgres.processTestsEnabled, "set KISI_POSTGRES_URL and KISI_POSTGRES_PROCESS_TESTS=1"))
struct FaultTests {
    @Test("stopping PostgreSQL mid-use loses no acknowledged write; the pool recovers without a restart")
    func restartMidUse() async throws {
        try await PrivatePostgresServer.withServer { url, server in try await exercise(url: url, server: server) }
    }

    private func exercise(url: String, server: PrivatePostgresServer) async throws {
        var logger = Logger(label: "test.fault")
        logger.logLevel = .critical
        let database = try IdentityPostgresDatabase(
            configuration: .init(url: url, schema: "fault", maximumConnections: 4, operationTimeout: .seconds(3)),
            logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            defer { group.cancelAll() }
            try await retryingTransient { try await database.migrate() }
            let store = PostgresSCIMStore(database: database)
            let replay = PostgresReplayCache(database: database)
            let now = Date(timeIntervalSinceReferenceDate: 800_000_000)
            // A writer keeps creating users while the server goes away and comes back; it records what was
            // acknowledged.
            let writer = Task { () -> (acknowledged: [String], failures: [IdentityPostgresError]) in
                var acknowledged: [String] = []
                var failures: [IdentityPostgresError] = []
                var index = 0
                var successesAfterOutage = 0
                // Ends once 10 writes succeeded after the outage; the deadline only bounds a broken run (a loaded CI
                // run once finished a 12-second writer before the outage began).
                let deadline = ContinuousClock.now + .seconds(90)
                while ContinuousClock.now < deadline {
                    let id = "u\(index)"
                    index += 1
                    let resource = SCIMResource(
                        type: .user, id: id, attributes: ["userName": .string(id)],
                        meta: SCIMMeta(created: now, lastModified: now))
                    do {
                        _ = try await store.create(resource)
                        acknowledged.append(id)
                        if !failures.isEmpty { successesAfterOutage += 1 }
                    } catch let error as IdentityPostgresError {
                        failures.append(error)
                        try? await Task.sleep(for: .milliseconds(100))
                    } catch {
                        Issue.record("unexpected error \(error)")
                    }
                    if successesAfterOutage >= 10 { break }
                }
                return (acknowledged, failures)
            }
            try await Task.sleep(for: .seconds(1))
            try await server.run("pause")
            #expect(await !database.ping(), "ping answered while the server was stopped")
            try await Task.sleep(for: .seconds(2))
            try await server.run("resume")
            let (acknowledged, failures) = await writer.value
            #expect(!failures.isEmpty, "the outage was not observed")
            #expect(failures.allSatisfy { $0.isTransient })
            #expect(failures.allSatisfy { $0.httpStatus == 503 })
            // After the restart the same client works again and holds every acknowledged write.
            var recovered = false
            for _ in 0..<20 where !recovered {
                recovered = (try? await store.count(.user)) != nil
                if !recovered { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(recovered)
            #expect(await database.ping())
            // One read of every stored id (retried while the pool is still reconnecting on a loaded machine).
            let stored = try await retryingTransient {
                Set(try await store.query(.user, SCIMQuery(count: Int.max)).resources.map(\.id))
            }
            let lost = acknowledged.filter { !stored.contains($0) }
            #expect(lost.isEmpty, "acknowledged but lost: \(lost)")
            #expect(try await retryingTransient { try await replay.insertIfAbsent("_after", expiresAt: now + 60, now: now) })
        }
    }
}

/// Runs `body`, retrying for up to 20 s while it fails with a transient database error (what a client does on 503).
private func retryingTransient<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result {
    let deadline = ContinuousClock.now + .seconds(20)
    while true {
        do {
            return try await body()
        } catch let error as IdentityPostgresError where error.isTransient && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
        }
    }
}
