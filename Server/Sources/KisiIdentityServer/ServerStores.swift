public import Foundation
public import IdentityPostgres
public import Logging
public import SAMLCore
public import SCIMCore
internal import GRDB

/// Where the reference server keeps its state: one SQLite file (the default, one instance) or a PostgreSQL
/// database shared by several instances behind a load balancer.
public enum ServerDatabase: Sendable, Hashable, CustomStringConvertible {
    /// A SQLite file, created and migrated on open.
    case sqlite(path: String)
    /// A PostgreSQL database (`postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=…]`) and the schema holding the
    /// tables, migrated at start-up.
    case postgres(url: String, schema: String)

    /// Reads a `--database` value: a `postgres://` or `postgresql://` URL, otherwise a SQLite file path.
    public init(_ value: String, schema: String = "kisi_identity") {
        let lowered = value.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(url: value, schema: schema)
        } else {
            self = .sqlite(path: value)
        }
    }

    /// The path, or the URL without its password (for logs and output).
    public var description: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let url, let schema):
            guard var components = URLComponents(string: url) else { return "postgres (unparsable URL)" }
            if components.password != nil { components.password = "***" }
            return (components.string ?? "postgres") + " schema " + schema
        }
    }
}

/// Creates, lists and revokes SCIM bearer tokens (only their hashes are stored), whatever the database.
public protocol SCIMTokenAdministration: Sendable {
    /// Generates a token, stores its record and returns both; show the token once.
    func create(label: String) async throws -> (token: String, record: SCIMTokenRecord)
    /// Every token record, revoked ones included, oldest first.
    func list() async throws -> [SCIMTokenListing]
    /// Revokes the token with record `id`; false when no active token has that id.
    func revoke(id: String) async throws -> Bool
}

extension SQLiteTokenStore: SCIMTokenAdministration {}

/// SCIM token administration on PostgreSQL.
struct PostgresTokenAdministration: SCIMTokenAdministration {
    let store: PostgresSCIMTokenStore
    let now: @Sendable () -> Date

    func create(label: String) async throws -> (token: String, record: SCIMTokenRecord) {
        try await store.issue(label: label, now: now())
    }

    func list() async throws -> [SCIMTokenListing] {
        try await store.listings().map { SCIMTokenListing(record: $0.record, lastUsedAt: $0.lastUsedAt) }
    }

    func revoke(id: String) async throws -> Bool {
        try await store.revoke(id: id, now: now())
    }
}

/// Trusts a bearer token its inner authenticator accepted for `seconds` (by the SHA-256 of the Authorization
/// header), so a busy instance reads the token table about once a second per token instead of on every request;
/// a revocation takes effect everywhere within `seconds`, as with ``SQLiteTokenStore``.
struct RecentlyAcceptedTokens: SCIMAuthenticator {
    let inner: any SCIMAuthenticator
    let seconds: Double
    private let accepted = AcceptedTokens()

    init(inner: any SCIMAuthenticator, seconds: Double) {
        self.inner = inner
        self.seconds = seconds
    }

    func authenticate(_ request: SCIMRequest) async throws -> Bool {
        guard let header = request.header("Authorization") else { return false }
        let hash = SCIMToken.hash(header)
        let clock = ContinuousClock.now
        if accepted.contains(hash, at: clock) { return true }
        guard try await inner.authenticate(request) else { return false }
        accepted.insert(hash, until: clock.advanced(by: .milliseconds(Int64(seconds * 1000))))
        return true
    }
}

/// Every store the reference server uses, on one database: SCIM resources, bearer tokens, the SSO
/// configuration, the SAML replay cache and pending AuthnRequests.
///
/// With PostgreSQL every instance sees the same rows, so an assertion accepted by one instance is a replay at
/// all others, an AuthnRequest issued by one is answered at any instance's ACS exactly once, and SCIM writes are
/// read back everywhere. When the database is down the SCIM endpoints answer 503 and the SSO endpoints show a
/// failure page; the pool reconnects by itself.
public struct ServerStores: Sendable {
    /// SCIM resources.
    public let scim: any SCIMStore
    /// Checks SCIM bearer tokens.
    public let authenticator: any SCIMAuthenticator
    /// Creates, lists and revokes SCIM bearer tokens.
    public let tokens: any SCIMTokenAdministration
    /// The SAML SP configuration.
    public let sso: SSOConfigurationStore
    /// The organizations hosted.
    public let organizations: OrganizationStore
    /// Assertion IDs already accepted.
    public let replayCache: any SAMLReplayCache
    /// Outstanding AuthnRequests.
    public let pendingRequests: any PendingRequestStore
    /// The PostgreSQL pool to run and migrate, if the stores are on PostgreSQL.
    let postgres: IdentityPostgresDatabase?
    let healthCheck: @Sendable () async -> Bool
    let purge: @Sendable (Date) async throws -> Int

    /// The stores on an opened (migrated) SQLite database.
    public init(sqlite database: SQLiteDatabase, maxFilterCandidates: Int = 20_000) {
        let tokens = SQLiteTokenStore(database: database)
        scim = SQLiteSCIMStore(database: database, maxCandidates: maxFilterCandidates)
        authenticator = tokens
        self.tokens = tokens
        sso = SSOConfigurationStore(database: database)
        organizations = OrganizationStore(database: database)
        replayCache = SQLiteReplayCache(database: database)
        pendingRequests = SQLitePendingRequestStore(database: database)
        postgres = nil
        healthCheck = {
            (try? await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
        }
        // The SQLite stores delete expired rows on every write.
        purge = { _ in 0 }
    }

    /// The stores on a PostgreSQL pool. Keep `IdentityPostgresDatabase/run()` running and call
    /// ``prepare()`` (which migrates) before use; ``IdentityServer/run(onRunning:)`` and
    /// ``withStores(_:logger:maxFilterCandidates:_:)`` do both.
    public init(postgres database: IdentityPostgresDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
        let tokens = PostgresSCIMTokenStore(database: database, now: now)
        let scim = PostgresSCIMStore(database: database)
        self.scim = scim
        authenticator = RecentlyAcceptedTokens(inner: tokens, seconds: 1)
        self.tokens = PostgresTokenAdministration(store: tokens, now: now)
        sso = SSOConfigurationStore(database: database)
        organizations = OrganizationStore(database: database, now: now)
        let replay = PostgresReplayCache(database: database)
        let pending = PostgresPendingRequestStore(database: database)
        replayCache = replay
        pendingRequests = pending
        postgres = database
        healthCheck = { await database.ping() }
        purge = { now in try await replay.purgeExpired(now: now) + pending.purgeExpired(now: now) }
    }

    /// Opens the stores `database` names. SQLite files are created and migrated here; a PostgreSQL pool is
    /// created without connecting (see ``prepare()``).
    /// - Throws: SQLite's error when the file cannot be opened; `IdentityPostgresError` for a bad URL or schema.
    public static func open(
        _ database: ServerDatabase, logger: Logger, readers: Int = 4, maxFilterCandidates: Int = 20_000,
        maximumConnections: Int = 20
    ) throws -> ServerStores {
        switch database {
        case .sqlite(let path):
            return ServerStores(
                sqlite: try SQLiteDatabase(path: path, readers: readers), maxFilterCandidates: maxFilterCandidates)
        case .postgres(let url, let schema):
            return ServerStores(
                postgres: try IdentityPostgresDatabase(
                    configuration: IdentityPostgresConfiguration(
                        url: url, schema: schema, maximumConnections: maximumConnections),
                    logger: logger))
        }
    }

    /// Migrates the PostgreSQL schema (safe from every instance at once); nothing for SQLite, which migrated
    /// on open. Needs the pool running.
    public func prepare() async throws {
        try await postgres?.migrate()
    }

    /// Whether the database answers a trivial query.
    public func isHealthy() async -> Bool { await healthCheck() }

    /// Deletes the replay-cache entries and pending AuthnRequests expired at `now`; returns how many.
    ///
    /// Expired rows never change a decision (every store treats them as absent); this only keeps the tables
    /// small. On SQLite it does nothing and returns 0, because those stores delete expired rows on every write.
    /// - Throws: The database's error (`IdentityPostgresError` on PostgreSQL).
    @discardableResult
    public func purgeExpired(now: Date) async throws -> Int {
        try await purge(now)
    }

    /// Calls ``purgeExpired(now:)`` at once and then every `interval` until the calling task is cancelled;
    /// returns at once on SQLite. A failed purge (the database is down) is logged as a warning and retried at
    /// the next tick. ``IdentityServer/run(onRunning:)`` runs this with
    /// ``IdentityServerConfiguration/expiryPurgeInterval``; every instance may run it (a purge is idempotent).
    public func runExpiryPurge(
        every interval: Duration, now: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) async {
        guard postgres != nil else { return }
        while !Task.isCancelled {
            do {
                let purged = try await purgeExpired(now: now())
                if purged > 0 { logger.debug("purged expired SAML rows", metadata: ["rows": "\(purged)"]) }
            } catch {
                logger.warning("purging expired SAML rows failed", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    /// Runs the PostgreSQL pool (if any) until the calling task is cancelled.
    func runPool() async {
        await postgres?.run()
    }

    /// Opens the stores, runs the pool and migrates, then calls `body`; the pool stops when `body` returns.
    /// For short-lived tools (the CLI's token and SSO commands).
    public static func withStores<Result: Sendable>(
        _ database: ServerDatabase, logger: Logger, maxFilterCandidates: Int = 20_000,
        _ body: @Sendable (ServerStores) async throws -> Result
    ) async throws -> Result {
        let stores = try open(database, logger: logger, readers: 1, maxFilterCandidates: maxFilterCandidates, maximumConnections: 2)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await stores.runPool() }
            defer { group.cancelAll() }
            try await stores.prepare()
            return try await body(stores)
        }
    }
}
