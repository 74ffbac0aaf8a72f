import Dispatch
import Foundation
@testable import IdentityPostgres
import Logging
import Testing

/// The operation timeout bounds a call even when the operation ignores cancellation (a connection lease stuck in
/// the pool after a database restart once hung a CI run for minutes behind a task group waiting for it).
@Suite("Operation timeout")
struct TimeoutTests {
    static func database(timeout: Duration) throws -> IdentityPostgresDatabase {
        try IdentityPostgresDatabase(
            configuration: .init(url: "postgres://kisi@127.0.0.1:9/none", operationTimeout: timeout),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    @Test func timeoutHoldsWhenTheOperationIgnoresCancellation() async throws {
        let database = try Self.database(timeout: .milliseconds(300))
        let started = ContinuousClock.now
        await #expect(throws: IdentityPostgresError(.timedOut, "")) {
            try await database.perform("stuck") {
                // Resumes after 120 s whatever happens: cancellation is ignored. (A loaded test process can starve the
                // timer for seconds, so the bound checked is "well before the operation ends", not "at 0.3 s".)
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 120) { continuation.resume() }
                }
            }
        }
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test func resultsAndErrorsPassThroughBeforeTheDeadline() async throws {
        let database = try Self.database(timeout: .seconds(5))
        #expect(try await database.perform("quick") { 42 } == 42)
        struct Boom: Error {}
        await #expect(throws: Boom.self) { try await database.perform("failing") { throw Boom() } }
    }

    @Test func callerCancellationEndsTheWait() async throws {
        let database = try Self.database(timeout: .seconds(30))
        let started = ContinuousClock.now
        let task = Task {
            try await database.perform("stuck") {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 120) { continuation.resume() }
                }
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(ContinuousClock.now - started < .seconds(60))
    }
}
