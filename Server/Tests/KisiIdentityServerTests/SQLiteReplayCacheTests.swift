import Foundation
import KisiIdentityServer
import Testing

@Suite struct SQLiteReplayCacheTests {
    @Test func refusesReplaysUntilExpiryAcrossReopen() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let expiry = now.addingTimeInterval(300)
        #expect(try await SQLiteReplayCache(database: temp.open()).insertIfAbsent("_a1", expiresAt: expiry, now: now))
        // A restart changes nothing: the id is still recorded.
        let reopened = SQLiteReplayCache(database: try temp.open())
        #expect(try await !reopened.insertIfAbsent("_a1", expiresAt: expiry, now: now.addingTimeInterval(10)))
        #expect(try await reopened.insertIfAbsent("_a2", expiresAt: expiry, now: now.addingTimeInterval(10)))
        // Once expired the entry is purged and the key may be recorded again.
        #expect(try await reopened.insertIfAbsent("_a1", expiresAt: expiry.addingTimeInterval(600), now: expiry))
    }

    @Test func concurrentInsertsAcceptExactlyOne() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let cache = SQLiteReplayCache(database: try temp.open())
        let now = Date()
        let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 {
                group.addTask { try await cache.insertIfAbsent("_same", expiresAt: now.addingTimeInterval(60), now: now) }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(accepted == 1)
    }
}
