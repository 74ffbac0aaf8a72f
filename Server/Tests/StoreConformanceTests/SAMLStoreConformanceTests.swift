import Foundation
import SAMLCore
import Testing

private let now = Date(timeIntervalSinceReferenceDate: 800_000_000)

@Suite("SAML replay cache conformance")
struct ReplayCacheConformanceTests {
    @Test("an assertion is accepted once until it expires", arguments: StoreKind.available)
    func acceptsOnce(kind: StoreKind) async throws {
        try await kind.withStores { stores in
            let cache = stores[0].replay
            // (time offset of the attempt, expiry offset, accepted?)
            let attempts: [(Double, Double, Bool)] = [
                (0, 300, true), (10, 300, false), (299, 900, false),
                // Once expired, the ID is accepted again and recorded again.
                (300, 900, true), (301, 900, false),
            ]
            for (at, expiry, accepted) in attempts {
                let result = try await cache.insertIfAbsent("_a1", expiresAt: now + expiry, now: now + at)
                #expect(result == accepted, "at +\(at)s")
            }
            let other = try await cache.insertIfAbsent("_a2", expiresAt: now + 300, now: now + 10)
            #expect(other)
        }
    }

    @Test("keys as SAMLCore builds them are kept apart, whatever the assertion ID holds", arguments: StoreKind.available)
    func realKeys(kind: StoreKind) async throws {
        try await kind.withStores { stores in
            let cache = stores[0].replay
            let pairs = [
                ("https://kisi.example/saml/metadata", "_a1"), ("https://kisi.example/saml/metadata", "_a2"),
                ("https://other.example/saml/metadata", "_a1"), ("https://kisi.example/saml/metadata", "_é✓\u{0}x"),
                ("https://kisi.example/saml/metadata", String(repeating: "x", count: 4096)),
            ]
            let keys = pairs.map { SAMLReplayKey.make(spEntityID: $0.0, assertionID: $0.1) }
            #expect(Set(keys).count == pairs.count)
            for key in keys {
                let first = try await cache.insertIfAbsent(key, expiresAt: now + 300, now: now)
                #expect(first, "\(key)")
            }
            for key in keys {
                let again = try await cache.insertIfAbsent(key, expiresAt: now + 300, now: now + 1)
                #expect(!again, "\(key)")
            }
        }
    }

    @Test("a replay accepted by one instance is rejected by another, even racing", arguments: StoreKind.available)
    func sharedAcrossInstances(kind: StoreKind) async throws {
        try await kind.withStores(instances: 2) { instances in
            let first = try await instances[0].replay.insertIfAbsent("_seen", expiresAt: now + 300, now: now)
            let replayed = try await instances[1].replay.insertIfAbsent("_seen", expiresAt: now + 300, now: now + 1)
            #expect(first && !replayed)
            for round in 0..<5 {
                let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for attempt in 0..<16 {
                        let cache = instances[attempt % 2].replay
                        group.addTask { try await cache.insertIfAbsent("_race\(round)", expiresAt: now + 300, now: now) }
                    }
                    return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                #expect(accepted == 1)
            }
        }
    }
}

@Suite("SAML pending request store conformance")
struct PendingRequestConformanceTests {
    @Test("a request is consumed once; expired and unknown ones are not returned", arguments: StoreKind.available)
    func consumeOnce(kind: StoreKind) async throws {
        try await kind.withStores { stores in
            let store = stores[0].pending
            let request = PendingRequest(id: "_r1", tenantID: "org-1", relayState: "/doors?x=1", expiresAt: now + 300)
            try await store.save(request, now: now)
            try await store.save(PendingRequest(id: "_r2", tenantID: "org-2", relayState: nil, expiresAt: now + 5), now: now)
            #expect(try await store.consume(id: "_r1", now: now + 1) == request)
            #expect(try await store.consume(id: "_r1", now: now + 1) == nil)
            #expect(try await store.consume(id: "_unknown", now: now) == nil)
            #expect(try await store.consume(id: "_r2", now: now + 5) == nil)
            // An expired request is gone, not merely hidden.
            #expect(try await store.consume(id: "_r2", now: now) == nil)
            // Saving again with the same ID replaces the request.
            try await store.save(request, now: now)
            let replaced = PendingRequest(id: "_r1", tenantID: "org-9", relayState: nil, expiresAt: now + 60)
            try await store.save(replaced, now: now)
            #expect(try await store.consume(id: "_r1", now: now) == replaced)
        }
    }

    @Test("a request issued by one instance is consumed at another exactly once under a race", arguments: StoreKind.available)
    func consumedOnceAcrossInstances(kind: StoreKind) async throws {
        try await kind.withStores(instances: 2) { instances in
            for round in 0..<5 {
                let request = PendingRequest(id: "_race\(round)", tenantID: "org", relayState: nil, expiresAt: now + 300)
                try await instances[0].pending.save(request, now: now)
                let winners = try await withThrowingTaskGroup(of: PendingRequest?.self) { group in
                    for attempt in 0..<16 {
                        let store = instances[attempt % 2].pending
                        group.addTask { try await store.consume(id: request.id, now: now + 1) }
                    }
                    return try await group.reduce(into: [PendingRequest]()) { if let found = $1 { $0.append(found) } }
                }
                #expect(winners == [request])
            }
        }
    }
}
