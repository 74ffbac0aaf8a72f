import Foundation
import IdentityPostgres
import PostgresTestSupport
import KisiIdentityServer
import SAMLCore
import SCIMCore
import Testing

/// Every store implementation the conformance suites run against. To add one, add a case here and a branch in
/// ``withStores(instances:_:)``.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case inMemory
    case sqlite
    case postgres

    /// The kinds available in this run: PostgreSQL only when `KISI_POSTGRES_URL` is set.
    static var available: [StoreKind] {
        allCases.filter { $0 != .postgres || TestPostgres.isConfigured }
    }

    var testDescription: String { rawValue }

    /// One service instance's view of the shared storage.
    struct Stores: Sendable {
        let scim: any SCIMStore
        let replay: any SAMLReplayCache
        let pending: any PendingRequestStore
    }

    /// Runs `body` with `instances` handles on one shared storage: separate connection pools on one database for
    /// PostgreSQL, the same objects for the in-memory stores (which cannot be shared between processes).
    func withStores<Result: Sendable>(
        instances: Int = 1, _ body: @Sendable ([Stores]) async throws -> Result
    ) async throws -> Result {
        switch self {
        case .inMemory:
            let stores = Stores(scim: InMemorySCIMStore(), replay: InMemoryReplayCache(), pending: InMemoryPendingRequestStore())
            return try await body(Array(repeating: stores, count: instances))
        case .sqlite:
            // Separate pools on one file, as separate processes on one host would open it.
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kisi-conformance-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("stores.sqlite").path
            let databases = try (0..<instances).map { _ in try SQLiteDatabase(path: path) }
            return try await body(
                databases.map {
                    Stores(
                        scim: SQLiteSCIMStore(database: $0), replay: SQLiteReplayCache(database: $0),
                        pending: SQLitePendingRequestStore(database: $0))
                })
        case .postgres:
            return try await TestPostgres.withDatabases(instances: instances) { databases in
                try await body(
                    databases.map {
                        Stores(
                            scim: PostgresSCIMStore(database: $0), replay: PostgresReplayCache(database: $0),
                            pending: PostgresPendingRequestStore(database: $0))
                    })
            }
        }
    }

    /// Runs `body` with one instance's SCIM store.
    func withSCIMStore<Result: Sendable>(_ body: @Sendable (any SCIMStore) async throws -> Result) async throws -> Result {
        try await withStores { try await body($0[0].scim) }
    }
}
