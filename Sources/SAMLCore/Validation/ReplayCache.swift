#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
internal import Crypto

/// Remembers consumed assertions so each is accepted once.
///
/// The host injects an implementation: ``InMemoryReplayCache`` for one process, a database-backed one when
/// several instances serve the same ACS URL.
public protocol SAMLReplayCache: Sendable {
    /// Records `key` until `expiresAt`. Returns `false` if `key` is already recorded and not yet expired
    /// (a replay). Implementations must make check-and-insert atomic.
    ///
    /// The validator's keys are ``SAMLReplayKey/make(spEntityID:assertionID:)``: 64 lower-case hex digits, so
    /// any text column or cache key space can hold them whatever the assertion ID contains.
    func insertIfAbsent(_ key: String, expiresAt: Date, now: Date) async throws -> Bool
}

/// The replay-cache key of an accepted assertion.
public enum SAMLReplayKey {
    /// The lower-case hex SHA-256 of the SP entity ID, a NUL, and the assertion ID.
    ///
    /// Per SP, so two tenants sharing a cache do not collide; hashed, so the key has a fixed size (the assertion
    /// ID is chosen by whoever posts the response) and no character a store could mishandle (SQLite's text
    /// functions and PostgreSQL's text type stop at or refuse NUL).
    public static func make(spEntityID: String, assertionID: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        let digest = SHA256.hash(data: Array((spEntityID + "\u{0}" + assertionID).utf8))
        return String(decoding: digest.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }
}

/// A bounded in-memory replay cache.
///
/// Entries are dropped once expired. When `capacity` unexpired entries are held, new assertions are refused
/// with `replay_cache_full` rather than evicting an entry that could then be replayed.
public actor InMemoryReplayCache: SAMLReplayCache {
    private var expiries: [String: Date] = [:]
    private var earliestExpiry: Date = .distantFuture
    /// The most unexpired entries held.
    public let capacity: Int

    /// Creates a cache holding at most `capacity` unexpired entries (default 200,000, about 30 MB).
    public init(capacity: Int = 200_000) {
        self.capacity = max(1, capacity)
    }

    /// The number of entries currently held (expired ones may linger until the next purge).
    public var count: Int { expiries.count }

    public func insertIfAbsent(_ key: String, expiresAt: Date, now: Date) async throws -> Bool {
        if let existing = expiries[key], existing > now { return false }
        if earliestExpiry <= now { purge(now: now) }
        if expiries.count >= capacity {
            purge(now: now)
            guard expiries.count < capacity else {
                throw SAMLError(.replayCacheFull, "the replay cache is full; refusing the login to keep replay protection")
            }
        }
        expiries[key] = expiresAt
        earliestExpiry = min(earliestExpiry, expiresAt)
        return true
    }

    private func purge(now: Date) {
        expiries = expiries.filter { $0.value > now }
        earliestExpiry = expiries.values.min() ?? .distantFuture
    }
}

/// A replay cache that remembers nothing: every assertion is accepted again.
///
/// Only for measurements (``SAMLResponseValidator`` benchmarks, `kisi-identity saml bench`) and for
/// tooling that inspects a response offline. Never use it in front of a real ACS endpoint.
public struct NoReplayProtection: SAMLReplayCache {
    /// Creates the no-op cache.
    public init() {}
    public func insertIfAbsent(_ key: String, expiresAt: Date, now: Date) async throws -> Bool { true }
}
