public import Foundation
public import Hummingbird
public import Logging
internal import HTTPTypes
internal import NIOCore
public import SCIMCore
internal import ServiceLifecycle
internal import UnixSignals
import Synchronization

/// Settings of the reference server. Secure, embedded defaults: loopback only, one SQLite file.
public struct IdentityServerConfiguration: Sendable {
    /// The interface to listen on.
    public var host: String
    /// The TCP port; 0 picks a free one (see ``IdentityServer/makeApplication(onRunning:)``).
    public var port: Int
    /// Where state lives: a SQLite file (created and migrated on first start; the default) or a PostgreSQL
    /// database shared by several instances.
    public var database: ServerDatabase
    /// The SQLite file when ``database`` is one, else nil.
    public var databasePath: String? {
        if case .sqlite(let path) = database { return path }
        return nil
    }
    /// Connections per instance to PostgreSQL.
    public var maximumDatabaseConnections: Int
    /// How often expired replay-cache entries and pending AuthnRequests are deleted on PostgreSQL (see
    /// ``ServerStores/runExpiryPurge(every:now:logger:)``); 5 minutes by default.
    public var expiryPurgeInterval: Duration = .seconds(300)
    /// The public origin clients use (`https://idp.example.com`), for `meta.location` and SAML URLs;
    /// nil means `http://host:port` as bound.
    public var publicBaseURL: String?
    /// The most concurrent SQLite readers.
    public var readers: Int
    /// The bound on in-memory SCIM filter evaluation (see ``SQLiteSCIMStore/maxCandidates``).
    public var maxFilterCandidates: Int
    /// The clock of SAML validation (tests pin it to the fixtures' validity window).
    public var now: @Sendable () -> Date

    /// Creates a configuration on a SQLite file.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, databasePath: String = "kisi-identity.sqlite",
        publicBaseURL: String? = nil, readers: Int = 4, maxFilterCandidates: Int = 20_000,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(
            host: host, port: port, database: .sqlite(path: databasePath), publicBaseURL: publicBaseURL,
            readers: readers, maxFilterCandidates: maxFilterCandidates, now: now)
    }

    /// Creates a configuration on any ``ServerDatabase``.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, database: ServerDatabase, publicBaseURL: String? = nil,
        readers: Int = 4, maxFilterCandidates: Int = 20_000, maximumDatabaseConnections: Int = 20,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.now = now
        self.host = host
        self.port = port
        self.database = database
        self.maximumDatabaseConnections = maximumDatabaseConnections
        self.publicBaseURL = publicBaseURL
        self.readers = readers
        self.maxFilterCandidates = maxFilterCandidates
    }
}

/// The reference server: SCIM 2.0 under `/scim/v2`, SAML SSO under `/saml` (`metadata`, `login`, `acs`), and
/// `GET /healthz`, on SQLite (one instance) or PostgreSQL (any number of instances on one database).
///
/// A thin adapter: it moves bytes between Hummingbird and `SCIMService`, persists through ``ServerStores``, and
/// runs under swift-service-lifecycle (graceful shutdown on SIGTERM/SIGINT lets in-flight requests, and so every
/// accepted write, finish).
public struct IdentityServer: Sendable {
    /// The mount point of the SCIM API.
    public static let scimMount = "/scim/v2"

    /// The configuration.
    public let configuration: IdentityServerConfiguration
    /// Every store, on the configured database.
    public let stores: ServerStores
    /// The bearer tokens.
    public var tokens: any SCIMTokenAdministration { stores.tokens }
    /// The SCIM resources.
    public var store: any SCIMStore { stores.scim }
    private let logger: Logger
    private let service: ServiceBox

    /// Opens the database: a SQLite file is created and migrated here; a PostgreSQL pool is created without
    /// connecting, and migrated by ``run(onRunning:)`` (or ``prepare()``).
    public init(configuration: IdentityServerConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        stores = try ServerStores.open(
            configuration.database, logger: logger, readers: configuration.readers,
            maxFilterCandidates: configuration.maxFilterCandidates,
            maximumConnections: configuration.maximumDatabaseConnections)
        service = ServiceBox()
        if let base = configuration.publicBaseURL { installService(origin: base) }
    }

    private func installService(origin: String) {
        var origin = origin
        while origin.hasSuffix("/") { origin.removeLast() }
        let scim = SCIMService(
            configuration: SCIMServiceConfiguration(baseURL: origin + Self.scimMount), store: stores.scim,
            authenticator: stores.authenticator, now: { Date() }, logger: logger)
        service.set(scim)
    }

    /// Builds the Hummingbird application.
    /// - Parameter onRunning: Called with the bound port once the server listens.
    public func makeApplication(
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: RequestLogMiddleware())
        let stores = stores
        router.get("/healthz") { _, _ -> Response in
            let healthy = await stores.isHealthy()
            let body = healthy ? #"{"status":"ok"}"# : #"{"status":"unavailable"}"#
            return Response(
                status: healthy ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        }
        SSORoutes(stores: stores, now: configuration.now, logger: logger).register(on: router)
        AdminRoutes(stores: stores, logger: logger).register(on: router)
        let service = service
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            for path in [Self.scimMount, Self.scimMount + "/**"] {
                router.on(RouterPath(path), method: method) { request, context in
                    try await Self.scim(request, context: context, service: service)
                }
            }
        }
        let configured = configuration.publicBaseURL != nil
        let host = configuration.host
        let server = self
        return Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                if !configured {
                    let shownHost = host.contains(":") ? "[\(host)]" : host
                    server.installService(origin: "http://\(shownHost):\(port)")
                }
                await onRunning(port)
            },
            logger: logger)
    }

    /// Migrates a PostgreSQL schema (needs the pool running: see ``run(onRunning:)``); nothing for SQLite.
    public func prepare() async throws {
        try await stores.prepare()
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully. On PostgreSQL it runs the connection pool,
    /// migrates the schema before listening, and purges expired SAML rows every
    /// ``IdentityServerConfiguration/expiryPurgeInterval``; the pool stops after the last in-flight request.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [makeApplication(onRunning: onRunning)], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        let (stores, configuration, logger) = (stores, configuration, logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await stores.runPool() }
            defer { tasks.cancelAll() }
            try await stores.prepare()
            tasks.addTask {
                await stores.runExpiryPurge(
                    every: configuration.expiryPurgeInterval, now: configuration.now, logger: logger)
            }
            try await group.run()
        }
    }

    private static func scim(
        _ request: Request, context: some RequestContext, service: ServiceBox
    ) async throws -> Response {
        guard let scim = service.get() else {
            return Response(status: .serviceUnavailable)
        }
        let maxBody = scim.configuration.maxBodyBytes
        var body: Data?
        do {
            let buffer = try await request.body.collect(upTo: maxBody)
            body = buffer.readableBytes == 0 ? nil : Data(buffer.readableBytesView)
        } catch {
            return respond(
                SCIMResponse.error(
                    SCIMError(.payloadTooLarge, "The request body exceeds the maximum of \(maxBody) bytes.")))
        }
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            if let existing = headers[name] { headers[name] = existing + ", " + field.value } else { headers[name] = field.value }
        }
        var target = String(request.uri.path.dropFirst(scimMount.count))
        if let query = request.uri.query { target += "?" + query }
        let response = await scim.handle(
            SCIMRequest(method: request.method.rawValue, target: target, headers: headers, body: body))
        return respond(response)
    }

    private static func respond(_ response: SCIMResponse) -> Response {
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        let body = response.body.map { ResponseBody(byteBuffer: ByteBuffer(bytes: $0)) } ?? ResponseBody()
        return Response(status: HTTPResponse.Status(code: response.status), headers: fields, body: body)
    }
}

/// The SCIM service, set once the public origin is known (at start, or when the port is bound).
private final class ServiceBox: Sendable {
    private let value = Mutex<SCIMService?>(nil)

    func set(_ service: SCIMService) { value.withLock { $0 = service } }
    func get() -> SCIMService? { value.withLock { $0 } }
}

/// One structured log line per request: method, path (no query: filters carry user data), status,
/// duration. Never headers or bodies, so never tokens or assertions.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context: context, status: response.status.code, start: start)
            return response
        } catch let error as any HTTPResponseError {
            log(request, context: context, status: error.status.code, start: start)
            throw error
        } catch {
            log(request, context: context, status: 500, start: start)
            throw error
        }
    }

    private func log(_ request: Request, context: Context, status: Int, start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        context.logger.log(
            level: status >= 500 ? .error : .info, "request",
            metadata: [
                "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "status": "\(status)",
                "duration_us": "\(micros)",
            ])
    }
}
