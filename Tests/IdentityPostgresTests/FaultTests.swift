import Foundation
import IdentityPostgres
import Logging
import Logging
import SCIMCore
import Testing

/// Runs `Scripts/postgres-test-server.sh` with a private state directory, so stopping this server does not
/// disturb the shared one other tests use.
private struct PrivateServer {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scripts/postgres-test-server.sh").path
    let directory = "/tmp/kisi-postgres-fault-" + UUID().uuidString.prefix(8)

    /// Runs the script without blocking a cooperative thread (its output goes to a file, not a pipe a forked
    /// server could hold open).
    @discardableResult
    func run(_ command: String) async throws -> String {
        let output = URL(fileURLWithPath: directory + "-\(command).out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.script, command]
        process.environment = ProcessInfo.processInfo.environment.merging(["KISI_POSTGRES_DIR": directory]) { $1 }
        process.standardOutput = handle
        process.standardInput = FileHandle.nullDevice
        let status = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        guard status == 0 else { throw ScriptFailed(command: command) }
        return String(decoding: try Data(contentsOf: output), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct ScriptFailed: Error { let command: String }
}

@Suite("Fault tolerance", .enabled(if: TestPostgres.isConfigured, "set KISI_POSTGRES_URL"))
struct FaultTests {
    @Test("stopping PostgreSQL mid-use loses no acknowledged write; the pool recovers without a restart")
    func restartMidUse() async throws {
        let server = PrivateServer()
        let url = try await server.run("start")
        do {
            try await exercise(url: url, server: server)
        } catch {
            _ = try? await server.run("stop")
            throw error
        }
        try await server.run("stop")
    }

    private func exercise(url: String, server: PrivateServer) async throws {
        var logger = Logger(label: "test.fault")
        logger.logLevel = .critical
        let database = try IdentityPostgresDatabase(
            configuration: .init(url: url, schema: "fault", maximumConnections: 4, operationTimeout: .seconds(2)),
            logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            defer { group.cancelAll() }
            try await database.migrate()
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
                let deadline = ContinuousClock.now + .seconds(12)
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
            for id in acknowledged { #expect(try await store.resource(.user, id: id) != nil, "lost \(id)") }
            #expect(try await replay.insertIfAbsent("_after", expiresAt: now + 60, now: now))
        }
    }
}
