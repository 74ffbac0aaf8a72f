public import Foundation
internal import GRDB
public import SAMLCore

/// SAMLCore's replay cache in SQLite: an accepted assertion id stays recorded across restarts until it
/// expires. Check-and-insert is one write transaction, so it is atomic across concurrent requests.
public struct SQLiteReplayCache: SAMLReplayCache {
    private let database: SQLiteDatabase

    /// Creates a cache over an opened database.
    public init(database: SQLiteDatabase) {
        self.database = database
    }

    /// Records `key` until `expiresAt`; false when it is already recorded and unexpired (a replay).
    /// Expired entries are purged on the way.
    public func insertIfAbsent(_ key: String, expiresAt: Date, now: Date) async throws -> Bool {
        let time = now.timeIntervalSince1970
        return try await database.pool.write { db in
            try db.execute(sql: "DELETE FROM saml_replay WHERE expires <= ?", arguments: [time])
            try db.execute(
                sql: "INSERT OR IGNORE INTO saml_replay (key, expires) VALUES (?, ?)",
                arguments: [key, expiresAt.timeIntervalSince1970])
            return db.changesCount == 1
        }
    }
}
