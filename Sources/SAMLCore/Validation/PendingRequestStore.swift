#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// An AuthnRequest we sent and whose response we still await.
public struct PendingRequest: Sendable, Hashable, Codable {
    /// The AuthnRequest ID (the response's `InResponseTo`).
    public var id: String
    /// The host's tenant (organization) identifier that sent it.
    public var tenantID: String
    /// The RelayState sent with it, if any; returned to the host when the response arrives.
    public var relayState: String?
    /// When the request stops being answerable.
    public var expiresAt: Date

    /// Creates a pending request.
    public init(id: String, tenantID: String, relayState: String?, expiresAt: Date) {
        self.id = id
        self.tenantID = tenantID
        self.relayState = relayState
        self.expiresAt = expiresAt
    }
}

/// Where outstanding AuthnRequests are remembered between the redirect to the IdP and the response at the ACS.
///
/// The host injects an implementation: ``InMemoryPendingRequestStore`` for one process, a shared store (a
/// database table, Redis with `GETDEL`) when several instances serve the ACS URL.
public protocol PendingRequestStore: Sendable {
    /// Remembers `request` until its `expiresAt`.
    func save(_ request: PendingRequest, now: Date) async throws
    /// Removes and returns the request with `id` if it is known and not expired at `now`; otherwise `nil`.
    /// Implementations must make lookup-and-remove atomic, so each request is answered at most once.
    func consume(id: String, now: Date) async throws -> PendingRequest?
}

/// A bounded in-memory ``PendingRequestStore``.
///
/// Expired requests are purged as the store is used. When `capacity` live requests are held, the one expiring
/// soonest is dropped to make room (that user's login then fails with `in_response_to_mismatch` and is retried);
/// memory stays bounded whatever the rate of login starts.
public actor InMemoryPendingRequestStore: PendingRequestStore {
    private var requests: [String: PendingRequest] = [:]
    private var earliestExpiry: Date = .distantFuture
    /// The most requests held.
    public let capacity: Int

    /// Creates a store holding at most `capacity` requests (default 100,000).
    public init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
    }

    /// The number of requests held (expired ones may linger until the next purge).
    public var count: Int { requests.count }

    /// Remembers `request`, purging expired requests and, at capacity, dropping the one expiring soonest.
    public func save(_ request: PendingRequest, now: Date) async throws {
        if earliestExpiry <= now { purge(now: now) }
        if requests[request.id] == nil, requests.count >= capacity {
            purge(now: now)
            if requests.count >= capacity, let oldest = requests.values.min(by: { $0.expiresAt < $1.expiresAt }) {
                requests[oldest.id] = nil
            }
        }
        requests[request.id] = request
        earliestExpiry = min(earliestExpiry, request.expiresAt)
    }

    /// Removes and returns the request with `id` if it is known and not expired at `now`.
    public func consume(id: String, now: Date) async throws -> PendingRequest? {
        guard let request = requests.removeValue(forKey: id) else { return nil }
        return request.expiresAt > now ? request : nil
    }

    private func purge(now: Date) {
        requests = requests.filter { $0.value.expiresAt > now }
        earliestExpiry = requests.values.map(\.expiresAt).min() ?? .distantFuture
    }
}
