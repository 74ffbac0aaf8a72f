#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import Logging
import PostgresNIO
public import SCIMCore

/// SCIM bearer-token records on PostgreSQL, read by every instance's ``SCIMTokenRecordSource`` check.
///
/// Only SHA-256 hashes and display hints are stored; a token itself is returned once by ``issue(label:now:)``
/// and never written anywhere.
public struct PostgresSCIMTokenStore: SCIMTokenRecordSource {
    private let database: IdentityPostgresDatabase

    /// Creates the store on a migrated database.
    public init(database: IdentityPostgresDatabase) {
        self.database = database
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

    private func records(activeOnly: Bool) async throws -> [SCIMTokenRecord] {
        let table = database.table("scim_tokens")
        return try await database.perform("scim.tokens.list") { [database] in
            let rows = try await database.client.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT id, sha256, hint, label, created_at, revoked_at FROM \(table)
                        \(activeOnly ? "WHERE revoked_at IS NULL" : "") ORDER BY created_at, id
                        """), logger: database.logger)
            var records: [SCIMTokenRecord] = []
            for try await (id, sha256, hint, label, created, revoked) in rows.decode(
                (String, String, String, String, Double, Double?).self)
            {
                records.append(
                    SCIMTokenRecord(
                        id: id, sha256: sha256, hint: hint, label: label,
                        createdAt: Date(timeIntervalSinceReferenceDate: created),
                        revokedAt: revoked.map { Date(timeIntervalSinceReferenceDate: $0) }))
            }
            return records
        }
    }
}
