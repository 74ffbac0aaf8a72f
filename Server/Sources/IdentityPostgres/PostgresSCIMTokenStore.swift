#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import Logging
import PostgresNIO
public import SCIMCore

/// SCIM bearer-token records on PostgreSQL, shared by every instance: it authenticates requests itself
/// (``authenticate(_:)``, an indexed lookup of the token's hash) and is a `SCIMTokenRecordSource`.
///
/// Only SHA-256 hashes and display hints are stored; a token itself is returned once by ``issue(label:now:)``
/// and never written anywhere. The last use of each token is kept to within ``lastUsedResolution`` (see
/// ``listings()``), as the SQLite store keeps it.
public struct PostgresSCIMTokenStore: SCIMTokenRecordSource, SCIMAuthenticator {
    private let database: IdentityPostgresDatabase
    private let now: @Sendable () -> Date
    /// How stale a token's last use may get before a request rewrites it (bounds writes on the read path).
    public let lastUsedResolution: TimeInterval

    /// Creates the store on a migrated database.
    /// - Parameters:
    ///   - database: The migrated database the tokens live in (shared by every instance).
    ///   - now: The clock of the last use.
    ///   - lastUsedResolution: Seconds between two writes of one token's last use.
    public init(
        database: IdentityPostgresDatabase, now: @escaping @Sendable () -> Date = { Date() },
        lastUsedResolution: TimeInterval = 60
    ) {
        self.database = database
        self.now = now
        self.lastUsedResolution = lastUsedResolution
    }

    /// Whether the request's `Authorization: Bearer` token hashes to an active record. Looks the hash up in its
    /// unique index (the token has 256 random bits, so the lookup leaks nothing usable) and records the use at
    /// most once per ``lastUsedResolution``; that bookkeeping write is best effort and never refuses a token.
    /// - Throws: ``IdentityPostgresError`` when the table cannot be read (a SCIM service answers 503, not 401).
    public func authenticate(_ request: SCIMRequest) async throws -> Bool {
        guard let token = SCIMBearerTokenAuthenticator.bearerToken(request) else { return false }
        let hash = SCIMToken.hash(token)
        let table = database.table("scim_tokens")
        let found = try await database.perform("scim.tokens.authenticate") { [database] () -> TokenUse? in
            let rows = try await database.client.query(
                PostgresQuery(
                    unsafeSQL: "SELECT id, last_used_at FROM \(table) WHERE sha256 = $1 AND revoked_at IS NULL",
                    binds: try binds(hash)), logger: database.logger)
            var found: TokenUse?
            for try await (id, lastUsed) in rows.decode((String, Double?).self) { found = TokenUse(id: id, lastUsed: lastUsed) }
            return found
        }
        guard let found else { return false }
        let time = now().timeIntervalSinceReferenceDate
        if found.lastUsed.map({ time - $0 >= lastUsedResolution }) ?? true {
            // Bookkeeping must not slow the request down: the commit does not wait for the WAL to reach the disk
            // (a crash may lose one last-use time), and a row another request is already updating is skipped
            // rather than waited for. The condition keeps the newest time when instances race.
            _ = try? await database.perform("scim.tokens.last_used") { [database] in
                try await database.client.withTransaction(logger: database.logger) { connection in
                    try await connection.query("SET LOCAL synchronous_commit TO OFF", logger: database.logger)
                    try await connection.query(
                        PostgresQuery(
                            unsafeSQL: """
                                UPDATE \(table) SET last_used_at = $2 WHERE id = (
                                    SELECT id FROM \(table) WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)
                                    FOR UPDATE SKIP LOCKED)
                                """,
                            binds: try binds(found.id, time)), logger: database.logger)
                }
            }
        }
        return true
    }

    private struct TokenUse: Sendable {
        var id: String
        var lastUsed: Double?
    }

    /// Generates a token, stores its record and returns the token (to show once) with the record.
    public func issue(label: String, now: Date) async throws -> (token: String, record: SCIMTokenRecord) {
        let issued = SCIMToken.generate(label: label, createdAt: now)
        try await add(issued.record)
        return issued
    }

    /// Adds a record generated elsewhere.
    public func add(_ record: SCIMTokenRecord) async throws {
        let table = database.table("scim_tokens")
        try await database.perform("scim.tokens.add") { [database] in
            try await database.client.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO \(table) (id, sha256, hint, label, created_at, revoked_at)
                        VALUES ($1, $2, $3, $4, $5, $6)
                        """,
                    binds: try binds(
                        record.id, record.sha256, record.hint, record.label,
                        record.createdAt.timeIntervalSinceReferenceDate,
                        record.revokedAt?.timeIntervalSinceReferenceDate)), logger: database.logger)
        }
    }

    /// Revokes the token with record `id`; `false` if there is no such active token.
    @discardableResult
    public func revoke(id: String, now: Date) async throws -> Bool {
        let table = database.table("scim_tokens")
        return try await database.perform("scim.tokens.revoke") { [database] in
            let rows = try await database.client.query(
                PostgresQuery(
                    unsafeSQL: "UPDATE \(table) SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING 1",
                    binds: try binds(id, now.timeIntervalSinceReferenceDate)), logger: database.logger)
            var revoked = false
            for try await _ in rows.decode(Int.self) { revoked = true }
            return revoked
        }
    }

    /// Every record, revoked ones included, oldest first.
    public func allRecords() async throws -> [SCIMTokenRecord] {
        try await records(activeOnly: false)
    }

    /// The records of tokens that are not revoked.
    public func activeTokenRecords() async throws -> [SCIMTokenRecord] {
        try await records(activeOnly: true)
    }

    /// Every record with the time of its last accepted request (nil: never used), revoked ones included,
    /// oldest first.
    public func listings() async throws -> [(record: SCIMTokenRecord, lastUsedAt: Date?)] {
        try await rows(activeOnly: false)
    }

    private func records(activeOnly: Bool) async throws -> [SCIMTokenRecord] {
        try await rows(activeOnly: activeOnly).map(\.record)
    }

    private func rows(activeOnly: Bool) async throws -> [(record: SCIMTokenRecord, lastUsedAt: Date?)] {
        let table = database.table("scim_tokens")
        return try await database.perform("scim.tokens.list") { [database] in
            let rows = try await database.client.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT id, sha256, hint, label, created_at, revoked_at, last_used_at FROM \(table)
                        \(activeOnly ? "WHERE revoked_at IS NULL" : "") ORDER BY created_at, id
                        """), logger: database.logger)
            var listings: [(record: SCIMTokenRecord, lastUsedAt: Date?)] = []
            for try await (id, sha256, hint, label, created, revoked, lastUsed) in rows.decode(
                (String, String, String, String, Double, Double?, Double?).self)
            {
                let record = SCIMTokenRecord(
                    id: id, sha256: sha256, hint: hint, label: label,
                    createdAt: Date(timeIntervalSinceReferenceDate: created),
                    revokedAt: revoked.map { Date(timeIntervalSinceReferenceDate: $0) })
                listings.append((record, lastUsed.map { Date(timeIntervalSinceReferenceDate: $0) }))
            }
            return listings
        }
    }
}
