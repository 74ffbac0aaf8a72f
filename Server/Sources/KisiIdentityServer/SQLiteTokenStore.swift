public import Foundation
internal import GRDB
public import SCIMCore
import Synchronization

/// A bearer token as listed by ``SQLiteTokenStore/list()``: the record plus when it was last used.
public struct SCIMTokenListing: Sendable, Hashable, Codable {
    /// The stored record (hash, hint, label, dates); never the token.
    public var record: SCIMTokenRecord
    /// When the token last authenticated a request (updated at most once a minute), if ever.
    public var lastUsedAt: Date?

    /// Creates a listing.
    public init(record: SCIMTokenRecord, lastUsedAt: Date?) {
        self.record = record
        self.lastUsedAt = lastUsedAt
    }
}

/// SCIM bearer tokens in SQLite: only SHA-256 hashes are stored. Unknown hashes are looked up in the table on
/// every request, so a token created by `kisi-identity scim token` (another process) works at once; a hash
/// that matched is trusted for ``acceptedTokenCacheSeconds`` (default 1 s), so a revocation takes effect
/// within that time without a restart.
public struct SQLiteTokenStore: SCIMTokenRecordSource, SCIMAuthenticator {
    private let database: SQLiteDatabase
    private let now: @Sendable () -> Date
    /// How stale `last_used` may get before a request rewrites it (bounds writes on the read path).
    public let lastUsedResolution: TimeInterval
    /// How long an accepted token hash is trusted without re-reading the table (0 disables the cache).
    public let acceptedTokenCacheSeconds: Double
    private let accepted = AcceptedTokens()

    /// Creates a store.
    /// - Parameters:
    ///   - database: The migrated database.
    ///   - now: The clock used for `last_used`.
    ///   - lastUsedResolution: Seconds between `last_used` updates of one token.
    ///   - acceptedTokenCacheSeconds: How long an accepted token is trusted before the table is read again.
    public init(
        database: SQLiteDatabase, now: @escaping @Sendable () -> Date = { Date() }, lastUsedResolution: TimeInterval = 60,
        acceptedTokenCacheSeconds: Double = 1
    ) {
        self.database = database
        self.now = now
        self.lastUsedResolution = lastUsedResolution
        self.acceptedTokenCacheSeconds = acceptedTokenCacheSeconds
    }

    /// Generates a token, stores its record and returns both; show the token once.
    public func create(label: String) async throws -> (token: String, record: SCIMTokenRecord) {
        let issued = SCIMToken.generate(label: label, createdAt: now())
        let record = issued.record
        try await database.pool.write { db in
            try db.execute(
                sql: "INSERT INTO scim_tokens (id, sha256, hint, label, created) VALUES (?, ?, ?, ?, ?)",
                arguments: [record.id, record.sha256, record.hint, record.label, record.createdAt.timeIntervalSince1970])
        }
        return issued
    }

    /// Every token record, revoked ones included, oldest first.
    public func list() async throws -> [SCIMTokenListing] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM scim_tokens ORDER BY created, id").map(Self.listing)
        }
    }

    /// Revokes the token with record `id`; false when no active token has that id.
    public func revoke(id: String) async throws -> Bool {
        let time = now().timeIntervalSince1970
        return try await database.pool.write { db in
            try db.execute(sql: "UPDATE scim_tokens SET revoked = ? WHERE id = ? AND revoked IS NULL", arguments: [time, id])
            return db.changesCount == 1
        }
    }

    /// Records of tokens that are not revoked.
    public func activeTokenRecords() async throws -> [SCIMTokenRecord] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM scim_tokens WHERE revoked IS NULL").map { Self.listing($0).record }
        }
    }

    /// Whether the request's `Authorization: Bearer` token hashes to an active record. Looks the hash up in
    /// its unique index (the token has 256 random bits, so the lookup leaks nothing usable) and refreshes
    /// `last_used` at most once per ``lastUsedResolution``.
    /// - Throws: The database's error when the table cannot be read (the service answers 500, not 401).
    public func authenticate(_ request: SCIMRequest) async throws -> Bool {
        guard let token = SCIMBearerTokenAuthenticator.bearerToken(request) else { return false }
        let hash = SCIMToken.hash(token)
        let clock = ContinuousClock.now
        if accepted.contains(hash, at: clock) { return true }
        let time = now().timeIntervalSince1970
        let found = try await database.pool.read { db -> (id: String, lastUsed: Double?)? in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, last_used FROM scim_tokens WHERE sha256 = ? AND revoked IS NULL"),
                arguments: [hash]
            ).map { ($0["id"], $0["last_used"]) }
        }
        guard let found else { return false }
        if found.lastUsed.map({ time - $0 >= lastUsedResolution }) ?? true {
            // Best effort: a failed bookkeeping write must not refuse a valid token.
            try? await database.pool.write { db in
                try db.execute(sql: "UPDATE scim_tokens SET last_used = ? WHERE id = ?", arguments: [time, found.id])
            }
        }
        if acceptedTokenCacheSeconds > 0 {
            accepted.insert(hash, until: clock.advanced(by: .milliseconds(Int64(acceptedTokenCacheSeconds * 1000))))
        }
        return true
    }

    private static func listing(_ row: Row) -> SCIMTokenListing {
        let revoked: Double? = row["revoked"]
        let lastUsed: Double? = row["last_used"]
        return SCIMTokenListing(
            record: SCIMTokenRecord(
                id: row["id"], sha256: row["sha256"], hint: row["hint"], label: row["label"],
                createdAt: Date(timeIntervalSince1970: row["created"]),
                revokedAt: revoked.map { Date(timeIntervalSince1970: $0) }),
            lastUsedAt: lastUsed.map { Date(timeIntervalSince1970: $0) })
    }
}

/// Token hashes that matched an active record recently, with the instant they stop being trusted.
final class AcceptedTokens: Sendable {
    private let entries = Mutex<[String: ContinuousClock.Instant]>([:])

    func contains(_ hash: String, at instant: ContinuousClock.Instant) -> Bool {
        entries.withLock { entries in
            guard let until = entries[hash] else { return false }
            if until > instant { return true }
            entries[hash] = nil
            return false
        }
    }

    func insert(_ hash: String, until: ContinuousClock.Instant) {
        entries.withLock { entries in
            if entries.count > 1024 { entries.removeAll() }
            entries[hash] = until
        }
    }
}
