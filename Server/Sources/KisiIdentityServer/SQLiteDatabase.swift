import Foundation
public import GRDB

/// The server's SQLite database: one file in WAL mode, migrated on open.
///
/// Durability: WAL with `synchronous=NORMAL` — a committed transaction survives the process being killed
/// (SIGKILL, crash); only an operating-system crash or power loss can drop the last commits. Every SCIM
/// write is acknowledged only after its transaction committed.
public struct SQLiteDatabase: Sendable {
    /// The connection pool (one writer, concurrent readers).
    public let pool: DatabasePool

    /// Opens (creating if needed) and migrates the database at `path`.
    /// - Parameters:
    ///   - path: The database file; its directory must exist.
    ///   - readers: The most concurrent read connections.
    public init(path: String, readers: Int = 4) throws {
        var configuration = Configuration()
        configuration.maximumReaderCount = max(1, readers)
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    /// The schema history. Never edit a shipped migration; append a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-scim") { db in
            try db.execute(
                sql: """
                    CREATE TABLE scim_users (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        user_name_key TEXT NOT NULL,
                        external_id TEXT,
                        active INTEGER,
                        created REAL NOT NULL,
                        last_modified REAL NOT NULL,
                        revision INTEGER NOT NULL,
                        attributes BLOB NOT NULL
                    );
                    CREATE UNIQUE INDEX scim_users_user_name_key ON scim_users(user_name_key);
                    CREATE INDEX scim_users_external_id ON scim_users(external_id);
                    CREATE TABLE scim_user_emails (
                        user_id TEXT NOT NULL REFERENCES scim_users(id) ON DELETE CASCADE,
                        value_key TEXT NOT NULL
                    );
                    CREATE INDEX scim_user_emails_value_key ON scim_user_emails(value_key);
                    CREATE INDEX scim_user_emails_user_id ON scim_user_emails(user_id);
                    CREATE TABLE scim_groups (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        display_name TEXT NOT NULL,
                        display_name_key TEXT NOT NULL,
                        external_id TEXT,
                        created REAL NOT NULL,
                        last_modified REAL NOT NULL,
                        revision INTEGER NOT NULL,
                        attributes BLOB NOT NULL
                    );
                    CREATE UNIQUE INDEX scim_groups_display_name_key ON scim_groups(display_name_key);
                    CREATE INDEX scim_groups_external_id ON scim_groups(external_id);
                    CREATE TABLE scim_memberships (
                        group_id TEXT NOT NULL REFERENCES scim_groups(id) ON DELETE CASCADE,
                        member_id TEXT NOT NULL,
                        PRIMARY KEY (group_id, member_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX scim_memberships_member_id ON scim_memberships(member_id);
                    CREATE TABLE scim_tokens (
                        id TEXT PRIMARY KEY,
                        sha256 TEXT NOT NULL UNIQUE,
                        hint TEXT NOT NULL,
                        label TEXT NOT NULL,
                        created REAL NOT NULL,
                        revoked REAL,
                        last_used REAL
                    );
                    """)
        }
        migrator.registerMigration("v1-saml") { db in
            try db.execute(
                sql: """
                    CREATE TABLE saml_replay (
                        key TEXT PRIMARY KEY,
                        expires REAL NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX saml_replay_expires ON saml_replay(expires);
                    """)
        }
        migrator.registerMigration("v2-sso") { db in
            try db.execute(sql: SSOSchema.v2)
        }
        migrator.registerMigration("v3-organizations") { db in
            try db.execute(
                sql: """
                    CREATE TABLE organizations (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        owner_email TEXT NOT NULL,
                        admin_token_sha256 TEXT NOT NULL UNIQUE,
                        admin_token_hint TEXT NOT NULL,
                        created REAL NOT NULL
                    );
                    """)
        }
        return migrator
    }
}
