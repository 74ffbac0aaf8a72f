#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import Logging
import PostgresNIO
public import SAMLCore

/// A `SAMLReplayCache` shared by every instance on the database: an assertion accepted by one instance is
/// refused as a replay by all others.
///
/// Check-and-insert is one statement (`INSERT … ON CONFLICT (key) DO UPDATE … WHERE expired RETURNING`), so two
/// instances racing on one assertion cannot both win. Expired rows are overwritten when their key comes back
/// and purged by ``purgeExpired(now:)``, which the host calls periodically (for example every few minutes).
public struct PostgresReplayCache: SAMLReplayCache {
    private let database: IdentityPostgresDatabase

    /// Creates the cache on a migrated database.
    public init(database: IdentityPostgresDatabase) {
        self.database = database
    }

    /// Records `key` until `expiresAt`; `false` if it is recorded and unexpired at `now` (a replay).
    /// Keys are text without NUL (SAMLCore's are 64 hex digits: `SAMLReplayKey`).
    public func insertIfAbsent(_ key: String, expiresAt: Date, now: Date) async throws -> Bool {
        let table = database.table("saml_replay_cache")
        return try await database.perform("saml.replay.insert") { [database] in
            let rows = try await database.client.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO \(table) AS c (key, expires_at) VALUES ($1, $2)
                        ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE c.expires_at <= $3
                        RETURNING 1
                        """,
                    binds: try binds(
                        key, expiresAt.timeIntervalSinceReferenceDate, now.timeIntervalSinceReferenceDate)),
                logger: database.logger)
            var inserted = false
            for try await _ in rows.decode(Int.self) { inserted = true }
            return inserted
        }
    }

    /// Deletes entries expired at `now`; returns how many.
    @discardableResult
    public func purgeExpired(now: Date) async throws -> Int {
        try await database.purgeExpired(table: "saml_replay_cache", operation: "saml.replay.purge", now: now)
    }
}

/// A `PendingRequestStore` shared by every instance: an AuthnRequest issued by one instance is answered at
/// any instance's ACS, exactly once.
///
/// ``consume(id:now:)`` is a single `DELETE … RETURNING`, so of two racing consumers only one gets the row.
/// Expired requests are purged by ``purgeExpired(now:)``.
public struct PostgresPendingRequestStore: PendingRequestStore {
    private let database: IdentityPostgresDatabase

    /// Creates the store on a migrated database.
    public init(database: IdentityPostgresDatabase) {
        self.database = database
    }

    /// Remembers `request` until its `expiresAt` (replacing a request with the same ID).
    public func save(_ request: PendingRequest, now: Date) async throws {
        let table = database.table("saml_pending_requests")
        try await database.perform("saml.pending.save") { [database] in
            try await database.client.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO \(table) (id, tenant_id, relay_state, expires_at) VALUES ($1, $2, $3, $4)
                        ON CONFLICT (id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id,
                            relay_state = EXCLUDED.relay_state, expires_at = EXCLUDED.expires_at
                        """,
                    binds: try binds(
                        request.id, request.tenantID, request.relayState,
                        request.expiresAt.timeIntervalSinceReferenceDate)), logger: database.logger)
        }
    }

    /// Removes and returns the request with `id` if it is known and not expired at `now`.
    public func consume(id: String, now: Date) async throws -> PendingRequest? {
        let table = database.table("saml_pending_requests")
        return try await database.perform("saml.pending.consume") { [database] in
            let rows = try await database.client.query(
                PostgresQuery(
                    unsafeSQL: "DELETE FROM \(table) WHERE id = $1 RETURNING tenant_id, relay_state, expires_at",
                    binds: try binds(id)), logger: database.logger)
            var found: PendingRequest?
            for try await (tenant, relayState, expiresAt) in rows.decode((String, String?, Double).self) {
                found = PendingRequest(
                    id: id, tenantID: tenant, relayState: relayState,
                    expiresAt: Date(timeIntervalSinceReferenceDate: expiresAt))
            }
            guard let found, found.expiresAt > now else { return nil }
            return found
        }
    }

    /// Deletes requests expired at `now`; returns how many.
    @discardableResult
    public func purgeExpired(now: Date) async throws -> Int {
        try await database.purgeExpired(table: "saml_pending_requests", operation: "saml.pending.purge", now: now)
    }
}

extension IdentityPostgresDatabase {
    /// Deletes the rows of `table` whose `expires_at` is at or before `now`; returns how many.
    func purgeExpired(table name: String, operation: String, now: Date) async throws -> Int {
        let table = self.table(name)
        return try await perform(operation) { [client, logger] in
            let rows = try await client.query(
                PostgresQuery(
                    unsafeSQL: "DELETE FROM \(table) WHERE expires_at <= $1 RETURNING 1",
                    binds: try binds(now.timeIntervalSinceReferenceDate)), logger: logger)
            var count = 0
            for try await _ in rows.decode(Int.self) { count += 1 }
            return count
        }
    }
}
