#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import PostgresNIO

/// The schema's versioned migrations, applied in order and recorded in `migrations`.
enum Migrations {
    /// Migration statements by version; `S` stands for the quoted schema name. Append only: never edit a
    /// released migration, add a new version.
    static let all: [(version: Int, name: String, statements: [String])] = [
        (
            1, "scim, saml and token tables",
            [
                """
                CREATE TABLE S.scim_resources (
                    resource_type text NOT NULL,
                    id text NOT NULL,
                    seq bigint GENERATED ALWAYS AS IDENTITY,
                    name text NOT NULL,
                    name_key text NOT NULL,
                    external_id text,
                    document text NOT NULL,
                    created double precision NOT NULL,
                    last_modified double precision NOT NULL,
                    revision integer NOT NULL,
                    PRIMARY KEY (resource_type, id)
                )
                """,
                "CREATE UNIQUE INDEX scim_resources_name_key ON S.scim_resources (resource_type, name_key)",
                "CREATE INDEX scim_resources_external_id ON S.scim_resources (resource_type, external_id)",
                "CREATE INDEX scim_resources_seq ON S.scim_resources (resource_type, seq)",
                """
                CREATE TABLE S.scim_memberships (
                    group_id text NOT NULL,
                    member_id text NOT NULL,
                    member_type text NOT NULL,
                    PRIMARY KEY (group_id, member_id)
                )
                """,
                "CREATE INDEX scim_memberships_member ON S.scim_memberships (member_id, member_type)",
                "CREATE TABLE S.saml_replay_cache (key text PRIMARY KEY, expires_at double precision NOT NULL)",
                "CREATE INDEX saml_replay_cache_expiry ON S.saml_replay_cache (expires_at)",
                """
                CREATE TABLE S.saml_pending_requests (
                    id text PRIMARY KEY, tenant_id text NOT NULL, relay_state text,
                    expires_at double precision NOT NULL
                )
                """,
                "CREATE INDEX saml_pending_requests_expiry ON S.saml_pending_requests (expires_at)",
                """
                CREATE TABLE S.scim_tokens (
                    id text PRIMARY KEY, sha256 text NOT NULL UNIQUE, hint text NOT NULL, label text NOT NULL,
                    created_at double precision NOT NULL, revoked_at double precision
                )
                """,
            ]
        ),
        (
            2, "sso configuration",
            [
                """
                CREATE TABLE S.sso_configurations (
                    tenant_id text PRIMARY KEY, idp_metadata bytea NOT NULL, entity_id text NOT NULL,
                    base_url text NOT NULL, acs_url text NOT NULL, sp_key_pem text NOT NULL, sp_cert_pem text NOT NULL,
                    updated_at double precision NOT NULL
                )
                """
            ]
        ),
        (3, "token last use", ["ALTER TABLE S.scim_tokens ADD COLUMN last_used_at double precision"]),
        (
            4, "organizations",
            [
                """
                CREATE TABLE S.organizations (
                    id text PRIMARY KEY, name text NOT NULL, owner_email text NOT NULL,
                    admin_token_sha256 text NOT NULL UNIQUE, admin_token_hint text NOT NULL,
                    created_at double precision NOT NULL
                )
                """
            ]
        ),
    ]

    /// The newest version this library knows.
    static var latest: Int { all.last?.version ?? 0 }
}

extension IdentityPostgresDatabase {
    /// Creates or upgrades the schema's tables; safe to call from every instance at start-up, even at once.
    ///
    /// The whole migration runs in one transaction under a transaction-scoped advisory lock keyed by the schema
    /// name, so concurrent callers wait for each other and then find nothing left to do. Applied versions are
    /// recorded in the schema's `migrations` table. A database already at a newer version than this library
    /// knows throws ``IdentityPostgresError/Code/schemaTooNew``.
    /// - Returns: The versions applied by this call (empty when the schema was up to date).
    @discardableResult
    public func migrate() async throws -> [Int] {
        let schema = self.schema
        let quoted = "\"\(schema)\""
        let logger = self.logger
        return try await perform("migrate") { [client] in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(7291, hashtext(\(schema)))", logger: logger)
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(quoted)"), logger: logger)
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL: """
                            CREATE TABLE IF NOT EXISTS \(quoted).migrations (
                                version integer PRIMARY KEY, name text NOT NULL,
                                applied_at timestamptz NOT NULL DEFAULT now())
                            """), logger: logger)
                var applied = Set<Int>()
                let rows = try await connection.query(
                    PostgresQuery(unsafeSQL: "SELECT version FROM \(quoted).migrations"), logger: logger)
                for try await version in rows.decode(Int.self) { applied.insert(version) }
                if let newest = applied.max(), newest > Migrations.latest {
                    throw IdentityPostgresError(
                        .schemaTooNew,
                        "The database schema is at version \(newest); this library knows up to \(Migrations.latest).")
                }
                var done: [Int] = []
                for migration in Migrations.all where !applied.contains(migration.version) {
                    for statement in migration.statements {
                        let sql = statement.replacing("S.", with: "\(quoted).")
                        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                    }
                    try await connection.query(
                        PostgresQuery(
                            unsafeSQL: "INSERT INTO \(quoted).migrations (version, name) VALUES ($1, $2)",
                            binds: try binds(migration.version, migration.name)), logger: logger)
                    done.append(migration.version)
                    logger.info("applied migration", metadata: ["version": "\(migration.version)", "schema": "\(schema)"])
                }
                return done
            }
        }
    }
}

/// Bind values for an `unsafeSQL` query with `$n` placeholders.
func binds(_ values: (any PostgresEncodable)?...) throws -> PostgresBindings {
    var bindings = PostgresBindings(capacity: values.count)
    for value in values {
        if let value { try bindings.append(value) } else { bindings.appendNull() }
    }
    return bindings
}
