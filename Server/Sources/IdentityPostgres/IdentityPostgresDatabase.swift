#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Logging
public import PostgresNIO
import Synchronization

/// Where and how to connect: a `Sendable` value with secure, bounded defaults.
public struct IdentityPostgresConfiguration: Sendable {
    /// The postgres-nio client configuration (host, port, user, password, database, TLS, pool sizes).
    public var client: PostgresClient.Configuration
    /// The schema holding the tables (created by ``IdentityPostgresDatabase/migrate()``). Letters, digits and `_` only.
    public var schema: String
    /// The longest a store operation may take, waiting for a pooled connection included. When the database is
    /// down, operations fail with ``IdentityPostgresError/Code/timedOut`` after this long instead of hanging.
    public var operationTimeout: Duration

    /// Creates a configuration from a postgres-nio client configuration.
    public init(client: PostgresClient.Configuration, schema: String = "kisi_identity", operationTimeout: Duration = .seconds(10)) {
        self.client = client
        self.schema = schema
        self.operationTimeout = operationTimeout
    }

    /// Creates a configuration from a URL `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE]`.
    ///
    /// `sslmode` is `disable`, `prefer` or `require` (with certificate verification). Without it, TLS is
    /// disabled for loopback hosts and required otherwise.
    /// - Parameters:
    ///   - url: The connection URL.
    ///   - schema: The schema holding the tables.
    ///   - maximumConnections: The pool's size per instance.
    ///   - operationTimeout: The longest a store operation may take.
    public init(
        url: String, schema: String = "kisi_identity", maximumConnections: Int = 20,
        operationTimeout: Duration = .seconds(10)
    ) throws(IdentityPostgresError) {
        guard let components = URLComponents(string: url),
            ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty, let user = components.user, !user.isEmpty
        else {
            throw IdentityPostgresError(
                .invalidConfiguration, "The database URL must look like postgres://USER@HOST:PORT/DATABASE.")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value
        let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
        let tls: PostgresClient.Configuration.TLS
        switch mode {
        case "disable": tls = .disable
        case "prefer": tls = .prefer(.makeClientConfiguration())
        case "require": tls = .require(.makeClientConfiguration())
        case nil: tls = loopback ? .disable : .require(.makeClientConfiguration())
        default:
            throw IdentityPostgresError(.invalidConfiguration, "sslmode must be disable, prefer or require.")
        }
        var client = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database.isEmpty ? nil : database, tls: tls)
        client.options.maximumConnections = max(1, maximumConnections)
        client.options.connectTimeout = .seconds(5)
        self.init(client: client, schema: schema, operationTimeout: operationTimeout)
    }
}

/// One instance's connection pool to the shared database, and the base of every PostgreSQL store.
///
/// Create one per process, keep ``run()`` running for as long as it is used (for example in a task group or a
/// service group), call ``migrate()`` once at start-up, and pass it to the stores:
///
/// ```swift
/// let database = try IdentityPostgresDatabase(configuration: .init(url: url), logger: logger)
/// try await withThrowingDiscardingTaskGroup { group in
///     group.addTask { await database.run() }
///     try await database.migrate()
///     let users = PostgresSCIMStore(database: database)
///     // serve …
/// }
/// ```
public final class IdentityPostgresDatabase: Sendable {
    /// The postgres-nio client (the pool). Usable for the host's own tables.
    public let client: PostgresClient
    /// The schema the stores' tables live in.
    public let schema: String
    let timeout: Duration
    let logger: Logger

    /// Creates the pool; no connection is opened until the first operation.
    /// - Parameters:
    ///   - configuration: Where and how to connect.
    ///   - logger: Receives connection and query failures (never row contents or tokens).
    public init(configuration: IdentityPostgresConfiguration, logger: Logger) throws(IdentityPostgresError) {
        let schema = configuration.schema
        guard !schema.isEmpty, schema.count <= 48,
            schema.unicodeScalars.allSatisfy({ ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" }),
            !("0"..."9").contains(schema.unicodeScalars.first!)
        else {
            throw IdentityPostgresError(.invalidConfiguration, "The schema name may hold only letters, digits and '_'.")
        }
        self.schema = schema.lowercased()
        self.timeout = configuration.operationTimeout
        self.logger = logger
        self.client = PostgresClient(configuration: configuration.client, backgroundLogger: logger)
    }

    /// Runs the connection pool until the calling task is cancelled. Stores wait for it to run.
    public func run() async {
        await client.run()
    }

    /// Whether the database answers `SELECT 1` within the operation timeout (for health checks).
    public func ping() async -> Bool {
        (try? await perform("ping") { [client, logger] in
            let rows = try await client.query("SELECT 1", logger: logger)
            var answered = false
            for try await _ in rows.decode(Int.self) { answered = true }
            return answered
        }) ?? false
    }

    /// A table name qualified with the schema.
    func table(_ name: String) -> String { "\"\(schema)\".\(name)" }

    /// Runs `body` with the operation timeout, retrying serialization failures and deadlocks, and maps
    /// connection failures to ``IdentityPostgresError``. `SCIMError`s thrown by `body` pass through.
    @discardableResult
    func perform<Result: Sendable>(
        _ operation: String, _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await withTimeout(operation, body)
            } catch {
                // Transactions wrap failures; what matters is the first one (begin, the closure, or commit).
                var underlying: any Error = error
                if let transaction = error as? PostgresTransactionError {
                    underlying =
                        transaction.beginError ?? transaction.closureError ?? transaction.commitError
                        ?? transaction.rollbackError ?? error
                }
                guard let failure = underlying as? PSQLError else { throw underlying }
                let state = failure.serverInfo?[.sqlState]
                if state == "40001" || state == "40P01", attempt < 8 {
                    logger.debug("retrying after a serialization failure", metadata: ["operation": "\(operation)"])
                    continue
                }
                throw mapped(failure, operation: operation)
            }
        }
    }

    /// Runs `body` for at most the operation timeout. The timeout holds even when `body` ignores cancellation
    /// (a connection lease stuck in the pool): the caller gets ``IdentityPostgresError/Code/timedOut`` at the
    /// deadline and `body` is cancelled and left to finish on its own — a task group would instead wait for it.
    private func withTimeout<Result: Sendable>(
        _ operation: String, _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let timeout = self.timeout
        let logger = self.logger
        let race = TimeoutRace<Result>()
        let work = Task<Void, Never> {
            do { race.finish(.success(try await body())) } catch { race.finish(.failure(error)) }
        }
        defer { work.cancel() }
        return try await raced(race, work: work, operation: operation, timeout: timeout, logger: logger)
    }

    private func raced<Result: Sendable>(
        _ race: TimeoutRace<Result>, work: Task<Void, Never>, operation: String, timeout: Duration, logger: Logger
    ) async throws -> Result {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
                race.install(continuation)
                race.add(work)
                race.add(
                    Task {
                        guard (try? await Task.sleep(for: timeout)) != nil else { return }
                        if race.finish(
                            .failure(
                                IdentityPostgresError(
                                    .timedOut, "The database did not answer in time; try again later.",
                                    detail: operation)))
                        {
                            logger.error("database operation timed out", metadata: ["operation": "\(operation)"])
                        }
                    })
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }

    func mapped(_ error: PSQLError, operation: String) -> IdentityPostgresError {
        let state = error.serverInfo?[.sqlState]
        let detail = "\(operation): \(error.code) \(state ?? "") \(error.serverInfo?[.message] ?? "")"
        let unavailable: Bool
        if error.code == .server {
            // Class 08: connection exception; 57P01-57P03: shutdown, crash, cannot connect now; 53300: too many connections.
            unavailable = state?.hasPrefix("08") == true || state?.hasPrefix("57P") == true || state == "53300"
        } else {
            unavailable = true
        }
        logger.error(
            "database operation failed", metadata: ["operation": "\(operation)", "detail": "\(detail)"])
        return unavailable
            ? IdentityPostgresError(.databaseUnavailable, "The database is unavailable; try again later.", detail: detail)
            : IdentityPostgresError(.queryFailed, "A database statement failed.", detail: detail)
    }
}

/// The first of an operation, its deadline and its caller's cancellation to finish resumes the caller; the
/// others are cancelled. Every access to the state goes through the mutex.
private final class TimeoutRace<Result: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Result, any Error>?
        var pending: Swift.Result<Result, any Error>?
        var finished = false
        var tasks: [Task<Void, Never>] = []
    }
    private let state = Mutex(State())

    func install(_ continuation: CheckedContinuation<Result, any Error>) {
        let early = state.withLock { state -> Swift.Result<Result, any Error>? in
            guard let pending = state.pending else {
                state.continuation = continuation
                return nil
            }
            state.pending = nil
            return pending
        }
        if let early { continuation.resume(with: early) }
    }

    func add(_ task: Task<Void, Never>) {
        let finished = state.withLock { state -> Bool in
            if !state.finished { state.tasks.append(task) }
            return state.finished
        }
        if finished { task.cancel() }
    }

    /// Resumes the caller with `result` if nothing did yet; returns whether this call did.
    @discardableResult
    func finish(_ result: Swift.Result<Result, any Error>) -> Bool {
        let (won, continuation, tasks) = state.withLock { state -> (Bool, CheckedContinuation<Result, any Error>?, [Task<Void, Never>]) in
            guard !state.finished else { return (false, nil, []) }
            state.finished = true
            let continuation = state.continuation
            state.continuation = nil
            if continuation == nil { state.pending = result }
            let tasks = state.tasks
            state.tasks = []
            return (true, continuation, tasks)
        }
        for task in tasks { task.cancel() }
        continuation?.resume(with: result)
        return won
    }
}
