import Foundation
import SAMLCore
import Testing

@Suite struct TimeAndReplayTests {
    static let notOnOrAfter = Date(timeIntervalSince1970: 1_767_225_900)  // 2026-01-01T00:05:00Z
    static let notBefore = Date(timeIntervalSince1970: 1_767_225_540)  // 2025-12-31T23:59:00Z

    @Test(arguments: [
        (179.0, nil), (180.0, "expired"), (181.0, "expired"),
    ] as [(Double, String?)])
    func clockSkewAfterNotOnOrAfter(offset: Double, expected: String?) async throws {
        let now = Self.notOnOrAfter.addingTimeInterval(offset)
        #expect(try await Fixtures.code(try Fixtures.response("assertion-signed"), now: now) == expected)
    }

    @Test(arguments: [
        (-180.0, nil), (-181.0, "not_yet_valid"),
    ] as [(Double, String?)])
    func clockSkewBeforeNotBefore(offset: Double, expected: String?) async throws {
        // The IssueInstant (00:00:00Z) is 60 s after NotBefore, so it decides first just past the skew.
        let now = Self.notBefore.addingTimeInterval(60 + offset)
        #expect(try await Fixtures.code(try Fixtures.response("assertion-signed"), now: now) == expected)
    }

    @Test func zeroSkewIsExact() async throws {
        var configuration = try Fixtures.configuration()
        configuration.clockSkew = 0
        let validator = try SAMLResponseValidator(configuration: configuration, replayCache: InMemoryReplayCache())
        let xml = try Fixtures.response("assertion-signed")
        #expect(try await Fixtures.code(xml, validator: validator, now: Self.notOnOrAfter) == "expired")
    }

    @Test func secondUseIsReplayed() async throws {
        let validator = try Fixtures.validator()
        let xml = try Fixtures.response("assertion-signed")
        #expect(try await Fixtures.code(xml, validator: validator) == nil)
        #expect(try await Fixtures.code(xml, validator: validator) == "replayed")
        // The same assertion in another wrapping (response signed instead) is still the same assertion.
        #expect(try await Fixtures.code(try Fixtures.response("response-signed"), validator: validator) == "replayed")
    }

    @Test func oneTimeUseIsConsumedOnce() async throws {
        let validator = try Fixtures.validator()
        let xml = try Fixtures.response("one-time-use")
        #expect(try await Fixtures.code(xml, validator: validator) == nil)
        #expect(try await Fixtures.code(xml, validator: validator) == "replayed")
    }

    @Test func rejectedResponsesDoNotPoisonTheCache() async throws {
        let validator = try Fixtures.validator()
        #expect(try await Fixtures.code(try Fixtures.response("wrong-audience"), validator: validator) == "audience_mismatch")
        #expect(try await Fixtures.code(try Fixtures.response("assertion-signed"), validator: validator) == nil)
    }

    @Test func cacheForgetsExpiredEntries() async throws {
        let cache = InMemoryReplayCache(capacity: 2)
        let t0 = Date(timeIntervalSince1970: 0)
        #expect(try await cache.insertIfAbsent("a", expiresAt: t0.addingTimeInterval(10), now: t0))
        #expect(try await !cache.insertIfAbsent("a", expiresAt: t0.addingTimeInterval(10), now: t0.addingTimeInterval(5)))
        #expect(try await cache.insertIfAbsent("a", expiresAt: t0.addingTimeInterval(30), now: t0.addingTimeInterval(10)))
        #expect(try await cache.insertIfAbsent("b", expiresAt: t0.addingTimeInterval(30), now: t0.addingTimeInterval(10)))
        #expect(await cache.count == 2)
    }

    @Test func fullCacheRefusesRatherThanEvicts() async throws {
        let cache = InMemoryReplayCache(capacity: 2)
        let t0 = Date(timeIntervalSince1970: 0)
        _ = try await cache.insertIfAbsent("a", expiresAt: t0.addingTimeInterval(100), now: t0)
        _ = try await cache.insertIfAbsent("b", expiresAt: t0.addingTimeInterval(100), now: t0)
        await #expect(throws: SAMLError(.replayCacheFull, "")) {
            _ = try await cache.insertIfAbsent("c", expiresAt: t0.addingTimeInterval(100), now: t0)
        }
        // Once entries expire there is room again, and "a" is still remembered until then.
        #expect(try await !cache.insertIfAbsent("a", expiresAt: t0.addingTimeInterval(100), now: t0.addingTimeInterval(50)))
        #expect(try await cache.insertIfAbsent("c", expiresAt: t0.addingTimeInterval(300), now: t0.addingTimeInterval(100)))
    }

    @Test func replayKeyIsPerServiceProvider() async throws {
        // Two tenants sharing one cache: the same assertion ID at tenant B is not a replay of tenant A's login
        // (B rejects it anyway for its audience; here both tenants share the entity ID but differ in ACS).
        let cache = InMemoryReplayCache()
        let a = try Fixtures.validator(replayCache: cache)
        var otherConfiguration = try Fixtures.configuration()
        otherConfiguration.spEntityID = "https://other.kisi.example/saml/metadata"
        let b = try SAMLResponseValidator(configuration: otherConfiguration, replayCache: cache)
        let xml = try Fixtures.response("assertion-signed")
        #expect(try await Fixtures.code(xml, validator: a) == nil)
        #expect(try await Fixtures.code(xml, validator: b) == "audience_mismatch")
    }
}

@Suite struct PolicyTests {
    @Test func nameIDFallbackForEmailIsOptIn() async throws {
        var configuration = try Fixtures.configuration()
        configuration.allowNameIDAsEmail = true
        let validator = try SAMLResponseValidator(configuration: configuration, replayCache: InMemoryReplayCache())
        let xml = try Fixtures.response("missing-email-nameid-email-format")
        let result = try await Fixtures.outcome(xml, validator: validator).get()
        #expect(result.email == result.nameID)
    }

    @Test func customAttributeNames() async throws {
        var configuration = try Fixtures.configuration()
        configuration.attributeNames = .init(email: "email", firstName: "lastname", lastName: "firstname")
        let validator = try SAMLResponseValidator(configuration: configuration, replayCache: InMemoryReplayCache())
        let result = try await Fixtures.outcome(try Fixtures.response("assertion-signed"), validator: validator).get()
        #expect(result.firstName == "Liddell")
        #expect(result.lastName == "Alice")
    }

    @Test func smallerSizeLimitApplies() async throws {
        var configuration = try Fixtures.configuration()
        configuration.limits = XMLLimits(maxBytes: 1024)
        let validator = try SAMLResponseValidator(configuration: configuration, replayCache: InMemoryReplayCache())
        #expect(try await Fixtures.code(try Fixtures.response("assertion-signed"), validator: validator) == "malformed")
    }

    @Test func emptyConfigurationIsRefused() throws {
        var configuration = try Fixtures.configuration()
        configuration.acsURL = ""
        #expect(throws: SAMLError(.invalidConfiguration, "")) {
            _ = try SAMLResponseValidator(configuration: configuration, replayCache: InMemoryReplayCache())
        }
    }

    @Test func badSPKeyIsRefused() {
        #expect(throws: SAMLError(.invalidKey, "")) { _ = try SPPrivateKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }
        #expect(throws: SAMLError(.invalidKey, "")) { _ = try SPPrivateKey(pem: try Fixtures.text("keys/sp.crt")) }
    }
}

/// A host's replay cache or pending-request store that throws (its database is down): the login is refused with
/// `store_unavailable` — never accepted without the replay check — and the failure is distinguishable from a full
/// cache or a misconfiguration, so a host can answer 503.
@Suite struct UnavailableStoreTests {
    struct Down: Error {}
    struct DownReplayCache: SAMLReplayCache {
        func insertIfAbsent(_ key: String, expiresAt: Date, now: Date) async throws -> Bool { throw Down() }
    }
    struct DownPendingStore: PendingRequestStore {
        func save(_ request: PendingRequest, now: Date) async throws { throw Down() }
        func consume(id: String, now: Date) async throws -> PendingRequest? { throw Down() }
    }

    @Test func replayCacheFailureRefusesTheLogin() async throws {
        let validator = try Fixtures.validator(replayCache: DownReplayCache())
        #expect(try await Fixtures.code(try Fixtures.response("assertion-signed"), validator: validator) == "store_unavailable")
    }

    @Test func pendingStoreFailureRefusesStartAndConsume() async throws {
        let idp = try IdPMetadata.parse(Array(try Fixtures.text("idp-metadata.xml").utf8))
        var policy = SSOPolicy()
        policy.signAuthnRequests = false
        let provider = ServiceProvider(
            tenantID: "t", entityID: Fixtures.spEntityID, acsURL: Fixtures.acsURL, idp: idp, policy: policy)
        await #expect(throws: SAMLError(.storeUnavailable, "")) {
            _ = try await provider.startLogin(
                binding: .httpRedirect, relayState: nil, pendingRequests: DownPendingStore(), now: Fixtures.now)
        }
        let consumer = try SAMLAssertionConsumer(
            serviceProvider: provider, replayCache: InMemoryReplayCache(), pendingRequests: DownPendingStore())
        await #expect(throws: SAMLError(.storeUnavailable, "")) {
            _ = try await consumer.consume(
                base64Response: try Fixtures.text("responses/sp-initiated.b64"), postedRelayState: nil, now: Fixtures.now)
        }
    }
}

@Suite struct ReplayKeyTests {
    /// Keys are fixed-size hex whatever the IDs hold (stores that stop at NUL once made every login after the
    /// first a "replay"), and differ per SP and per assertion.
    @Test func keysAreHexAndDistinct() {
        let a = SAMLReplayKey.make(spEntityID: "https://kisi.example/saml/metadata", assertionID: "_a1")
        let b = SAMLReplayKey.make(spEntityID: "https://kisi.example/saml/metadata", assertionID: "_a2")
        let c = SAMLReplayKey.make(spEntityID: "https://kisi.example/saml/metadata\u{0}_a", assertionID: "1")
        let d = SAMLReplayKey.make(spEntityID: "https://other.example/saml/metadata", assertionID: "_a1")
        #expect(Set([a, b, c, d]).count == 4)
        for key in [a, b, c, d] {
            #expect(key.utf8.count == 64)
            #expect(key.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        }
        #expect(a == SAMLReplayKey.make(spEntityID: "https://kisi.example/saml/metadata", assertionID: "_a1"))
    }
}
