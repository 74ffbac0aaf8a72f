public import Foundation
internal import GRDB
public import SAMLCore

/// The tables of SAML SSO (migration `v2-sso`).
enum SSOSchema {
    static let v2 = """
        CREATE TABLE saml_pending (
            id TEXT PRIMARY KEY,
            tenant TEXT NOT NULL,
            relay_state TEXT,
            expires REAL NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX saml_pending_expires ON saml_pending(expires);
        CREATE TABLE sso_configuration (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            idp_metadata BLOB NOT NULL,
            entity_id TEXT NOT NULL,
            base_url TEXT NOT NULL,
            acs_url TEXT NOT NULL,
            sp_key_pem TEXT NOT NULL,
            sp_cert_pem TEXT NOT NULL,
            updated REAL NOT NULL
        );
        """
}

/// SAMLCore's pending-request store in SQLite: outstanding AuthnRequests survive restarts and are shared by
/// every process on the database file. `consume` deletes and returns in one write transaction, so each request
/// is answered at most once even under concurrent responses.
public struct SQLitePendingRequestStore: PendingRequestStore {
    private let database: SQLiteDatabase

    /// Creates a store over an opened database.
    public init(database: SQLiteDatabase) {
        self.database = database
    }

    /// Remembers `request` until its `expiresAt`, purging expired requests on the way.
    public func save(_ request: PendingRequest, now: Date) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "DELETE FROM saml_pending WHERE expires <= ?", arguments: [now.timeIntervalSince1970])
            try db.execute(
                sql: "INSERT OR REPLACE INTO saml_pending (id, tenant, relay_state, expires) VALUES (?, ?, ?, ?)",
                arguments: [request.id, request.tenantID, request.relayState, request.expiresAt.timeIntervalSince1970])
        }
    }

    /// Removes and returns the request with `id` if it is known and not expired at `now`; otherwise `nil`.
    public func consume(id: String, now: Date) async throws -> PendingRequest? {
        try await database.pool.write { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT tenant, relay_state, expires FROM saml_pending WHERE id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM saml_pending WHERE id = ? OR expires <= ?", arguments: [id, now.timeIntervalSince1970])
            guard let row else { return nil }
            let expires: Double = row["expires"]
            guard expires > now.timeIntervalSince1970 else { return nil }
            return PendingRequest(
                id: id, tenantID: row["tenant"], relayState: row["relay_state"],
                expiresAt: Date(timeIntervalSince1970: expires))
        }
    }

    /// The number of stored requests (expired ones may linger until the next write).
    public func count() async throws -> Int {
        try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM saml_pending") ?? 0 }
    }
}
