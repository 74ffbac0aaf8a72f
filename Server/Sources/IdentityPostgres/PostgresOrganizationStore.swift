#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import Logging
import PostgresNIO

/// An organization the reference server hosts: who owns it and the hash of the owner's admin token.
public struct OrganizationRecord: Sendable, Hashable {
    /// The organization's id (`org_…`), used in its URLs.
    public var id: String
    /// The display name.
    public var name: String
    /// The owner's e-mail (lower-cased).
    public var ownerEmail: String
    /// Lower-case hex SHA-256 of the owner's admin token; the token itself is never stored.
    public var adminTokenSHA256: String
    /// A display hint of the admin token (its prefix and last four characters).
    public var adminTokenHint: String
    /// When the organization was created.
    public var createdAt: Date

    /// Creates a record.
    public init(
        id: String, name: String, ownerEmail: String, adminTokenSHA256: String, adminTokenHint: String, createdAt: Date
    ) {
        self.id = id
        self.name = name
        self.ownerEmail = ownerEmail
        self.adminTokenSHA256 = adminTokenSHA256
        self.adminTokenHint = adminTokenHint
        self.createdAt = createdAt
    }
}

/// Organizations on PostgreSQL, shared by every instance.
public struct PostgresOrganizationStore: Sendable {
    private let database: IdentityPostgresDatabase

    /// Creates the store on a migrated database.
    public init(database: IdentityPostgresDatabase) {
        self.database = database
    }

    /// Inserts `record` (its id and token hash are unique).
    public func insert(_ record: OrganizationRecord) async throws {
        let table = database.table("organizations")
        try await database.perform("organizations.insert") { [database] in
            try await database.client.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO \(table) (id, name, owner_email, admin_token_sha256, admin_token_hint, created_at)
                        VALUES ($1, $2, $3, $4, $5, $6)
                        """,
                    binds: try binds(
                        record.id, record.name, record.ownerEmail, record.adminTokenSHA256, record.adminTokenHint,
                        record.createdAt.timeIntervalSinceReferenceDate)), logger: database.logger)
        }
    }

    /// Every organization, oldest first.
    public func list() async throws -> [OrganizationRecord] {
        try await select(where: "TRUE", binds: [])
    }

    /// The organization whose admin token hashes to `sha256`, if any (an indexed lookup).
    public func organization(adminTokenSHA256 sha256: String) async throws -> OrganizationRecord? {
        try await select(where: "admin_token_sha256 = $1", binds: [sha256]).first
    }

    private func select(where condition: String, binds values: [String]) async throws -> [OrganizationRecord] {
        let table = database.table("organizations")
        return try await database.perform("organizations.select") { [database] in
            var bindings = PostgresBindings(capacity: values.count)
            for value in values { try bindings.append(value) }
            let rows = try await database.client.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT id, name, owner_email, admin_token_sha256, admin_token_hint, created_at FROM \(table)
                        WHERE \(condition) ORDER BY created_at, id
                        """,
                    binds: bindings), logger: database.logger)
            var found: [OrganizationRecord] = []
            for try await (id, name, owner, hash, hint, created) in rows.decode(
                (String, String, String, String, String, Double).self)
            {
                found.append(OrganizationRecord(
                    id: id, name: name, ownerEmail: owner, adminTokenSHA256: hash, adminTokenHint: hint,
                    createdAt: Date(timeIntervalSinceReferenceDate: created)))
            }
            return found
        }
    }
}
