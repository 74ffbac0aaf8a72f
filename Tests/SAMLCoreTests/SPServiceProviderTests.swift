import Foundation
import Logging
@testable import SAMLCore
import Testing

@Suite struct SPServiceProviderTests {
    @Test func validatorConfigurationCarriesTheTenantAndPolicy() throws {
        let current = try SPTestSupport.fixtureCredential()
        let next = try SPTestSupport.generatedCredential()
        let policy = SSOPolicy(validation: SAMLValidationPolicy(
            clockSkew: 60, algorithms: AlgorithmPolicy(allowSHA1: true), limits: XMLLimits(maxBytes: 1000),
            requireSignedAssertion: true, allowIdPInitiated: false))
        let provider = try SPTestSupport.serviceProvider(keys: SPKeyRollover(current: current, next: next), policy: policy)
        let configuration = provider.validatorConfiguration
        #expect(configuration.spEntityID == Fixtures.spEntityID)
        #expect(configuration.acsURL == Fixtures.acsURL)
        #expect(configuration.idp == provider.idp)
        #expect(configuration.spDecryptionKeys == [current.privateKey, next.privateKey])
        #expect(configuration.clockSkew == 60)
        #expect(configuration.algorithms.allowSHA1)
        #expect(configuration.requireSignedAssertion)
        #expect(!configuration.allowIdPInitiated)
        #expect(configuration.limits.maxBytes == 1000)
        #expect(configuration.policy == policy.validation)
    }

    @Test func makeAuthnRequestUsesTheBindingsEndpoint() throws {
        let provider = try SPTestSupport.serviceProvider()
        let request = try provider.makeAuthnRequest(binding: .httpPost, now: Fixtures.now, id: "_r")
        #expect(request.destination == "https://sso.jumpcloud.com/saml2/kisi")
        #expect(request.issuer == Fixtures.spEntityID)
        #expect(request.acsURL == Fixtures.acsURL)
        #expect(request.nameIDFormat == SPMetadata.emailAddressFormat)
        var postOnly = provider
        postOnly.idp.ssoServices = postOnly.idp.ssoServices.filter { $0.binding == SAMLBinding.httpPost.rawValue }
        #expect(throws: SAMLError(.metadataNoSSOService, "")) {
            try postOnly.makeAuthnRequest(binding: .httpRedirect, now: Fixtures.now)
        }
    }

    @Test func requestsAreSignedWhenPolicyOrIdPAsks() throws {
        let keys = SPKeyRollover(current: try SPTestSupport.fixtureCredential())
        #expect(!(try SPTestSupport.serviceProvider(keys: keys).signsAuthnRequests))
        #expect(try SPTestSupport.serviceProvider(keys: keys, policy: SSOPolicy(signAuthnRequests: true)).signsAuthnRequests)
        var wants = try SPTestSupport.serviceProvider(keys: keys)
        wants.idp.wantAuthnRequestsSigned = true
        #expect(wants.signsAuthnRequests)
        let start = try awaitStart(wants, binding: .httpRedirect)
        #expect(start.redirectURL?.contains("&Signature=") == true)
    }

    private func awaitStart(_ provider: ServiceProvider, binding: SAMLBinding) throws -> LoginStart {
        // Synchronous helper over the async API for table tests.
        let box = ResultBox()
        let semaphore = DispatchSemaphore(value: 0)
        Task {
            do { box.value = .success(try await provider.startLogin(binding: binding, pendingRequests: InMemoryPendingRequestStore(), now: Fixtures.now)) }
            catch { box.value = .failure(error) }
            semaphore.signal()
        }
        semaphore.wait()
        return try box.value!.get()
    }

    @Test func startLoginRecordsThePendingRequest() async throws {
        let store = InMemoryPendingRequestStore()
        let provider = try SPTestSupport.serviceProvider()
        let redirect = try await provider.startLogin(
            binding: .httpRedirect, relayState: "/doors", pendingRequests: store, now: Fixtures.now)
        #expect(redirect.redirectURL?.hasPrefix("https://sso.jumpcloud.com/saml2/kisi?SAMLRequest=") == true)
        #expect(redirect.html == nil)
        let post = try await provider.startLogin(binding: .httpPost, pendingRequests: store, now: Fixtures.now)
        #expect(post.html?.contains("name=\"SAMLRequest\"") == true)
        #expect(post.redirectURL == nil)
        #expect(await store.count == 2)
        let pending = try #require(try await store.consume(id: redirect.requestID, now: Fixtures.now))
        #expect(pending == PendingRequest(
            id: redirect.requestID, tenantID: "acme", relayState: "/doors", expiresAt: Fixtures.now.addingTimeInterval(600)))
    }

    // MARK: ACS: pending requests, IdP-initiated policy, replay

    private func consumer(
        tenantID: String = "acme", policy: SSOPolicy = SSOPolicy(), store: InMemoryPendingRequestStore,
        keys: SPKeyRollover? = nil
    ) throws -> SAMLAssertionConsumer {
        try SAMLAssertionConsumer(
            serviceProvider: try SPTestSupport.serviceProvider(tenantID: tenantID, keys: keys, policy: policy),
            replayCache: InMemoryReplayCache(), pendingRequests: store)
    }

    private func b64(_ name: String) throws -> String { try Fixtures.text("responses/\(name).b64") }

    /// The error code consuming `body` produces, or `nil` if it is accepted.
    private func code(_ acs: SAMLAssertionConsumer, _ body: String, now: Date = Fixtures.now) async -> String? {
        do { _ = try await acs.consume(base64Response: body, now: now); return nil } catch { return error.code.rawValue }
    }

    @Test func spInitiatedResponseConsumesItsRequestOnce() async throws {
        let store = InMemoryPendingRequestStore()
        try await store.save(PendingRequest(id: "_req-1", tenantID: "acme", relayState: "/doors",
                                            expiresAt: Fixtures.now.addingTimeInterval(300)), now: Fixtures.now)
        let acs = try consumer(store: store)
        let outcome = try await acs.consume(base64Response: try b64("sp-initiated"), postedRelayState: "forged", now: Fixtures.now)
        #expect(outcome.requestID == "_req-1")
        #expect(outcome.relayState == "/doors")
        #expect(outcome.assertion.inResponseTo == "_req-1")
        // Second use of the request (a fresh replay cache would otherwise accept it): in_response_to_mismatch.
        let other = try consumer(store: store)
        #expect(await code(other, try b64("sp-initiated"), now: Fixtures.now)
                == "in_response_to_mismatch")
    }

    @Test(arguments: [
        ("unknown", "in_response_to_mismatch"),
        ("expired", "in_response_to_mismatch"),
        ("other-tenant", "in_response_to_mismatch"),
    ])
    func spInitiatedWithoutItsPendingRequest(_ situation: String, _ expected: String) async throws {
        let store = InMemoryPendingRequestStore()
        switch situation {
        case "expired":
            try await store.save(PendingRequest(id: "_req-1", tenantID: "acme", relayState: nil,
                                                expiresAt: Fixtures.now.addingTimeInterval(-1)), now: Fixtures.now.addingTimeInterval(-600))
        case "other-tenant":
            try await store.save(PendingRequest(id: "_req-1", tenantID: "globex", relayState: nil,
                                                expiresAt: Fixtures.now.addingTimeInterval(300)), now: Fixtures.now)
        default: break
        }
        let acs = try consumer(store: store)
        #expect(await code(acs, try b64("sp-initiated"), now: Fixtures.now) == expected)
    }

    @Test func idpInitiatedFollowsThePolicy() async throws {
        let allowed = try consumer(store: InMemoryPendingRequestStore())
        let outcome = try await allowed.consume(base64Response: try b64("assertion-signed"), postedRelayState: "rs", now: Fixtures.now)
        #expect(outcome.requestID == nil)
        #expect(outcome.relayState == "rs")
        let refused = try consumer(policy: SSOPolicy(validation: SAMLValidationPolicy(allowIdPInitiated: false)), store: InMemoryPendingRequestStore())
        #expect(await code(refused, try b64("assertion-signed"), now: Fixtures.now)
                == "in_response_to_mismatch")
    }

    @Test func replayedResponseIsRejected() async throws {
        let acs = try consumer(store: InMemoryPendingRequestStore())
        _ = try await acs.consume(base64Response: try b64("one-time-use"), now: Fixtures.now)
        #expect(await code(acs, try b64("one-time-use"), now: Fixtures.now) == "replayed")
        // Still rejected later, while the assertion (plus skew) is valid.
        #expect(await code(acs, try b64("one-time-use"), now: Fixtures.now.addingTimeInterval(200)) == "replayed")
    }

    @Test(arguments: [
        ("assertion-signed", false, nil),
        ("response-signed", false, nil),
        ("assertion-signed", true, nil),
        ("both-signed", true, nil),
        ("response-signed", true, "signature_missing"),
        ("encrypted-unsigned-response-signed", true, "signature_missing"),
    ] as [(String, Bool, String?)])
    func requireSignedAssertionPolicy(_ fixture: String, _ require: Bool, _ expected: String?) async throws {
        let acs = try consumer(
            policy: SSOPolicy(validation: SAMLValidationPolicy(requireSignedAssertion: require)), store: InMemoryPendingRequestStore(),
            keys: SPKeyRollover(current: try SPTestSupport.fixtureCredential()))
        #expect(await code(acs, try b64(fixture), now: Fixtures.now) == expected)
    }

    @Test func bothRolloverKeysDecrypt() async throws {
        // The fixture is encrypted to sp.crt: it decrypts whether sp.key is the current or the next key.
        let generated = try SPTestSupport.generatedCredential()
        let fixture = try SPTestSupport.fixtureCredential()
        for keys in [SPKeyRollover(current: generated, next: fixture), SPKeyRollover(current: fixture, next: generated)] {
            let acs = try consumer(store: InMemoryPendingRequestStore(), keys: keys)
            _ = try await acs.consume(base64Response: try b64("encrypted-aes128-cbc"), now: Fixtures.now)
        }
        let without = try consumer(store: InMemoryPendingRequestStore(), keys: SPKeyRollover(current: generated))
        #expect(await code(without, try b64("encrypted-aes128-cbc"), now: Fixtures.now)
                == "decryption_failed")
        #expect(SPKeyRollover(current: fixture, next: generated).promoted().all.map(\.certificate) == [generated.certificate])
    }

    @Test func loginStartsAndRejectionsAreLoggedWithoutSecrets() async throws {
        let handler = CapturingLogHandler()
        let logger = Logger(label: "test", factory: { _ in handler })
        let store = InMemoryPendingRequestStore()
        let provider = try SPTestSupport.serviceProvider(keys: SPKeyRollover(current: try SPTestSupport.fixtureCredential()))
        let start = try await provider.startLogin(
            relayState: "/secret-path", pendingRequests: store, now: Fixtures.now, logger: logger)
        let acs = try consumer(store: store)
        _ = try? await acs.consume(base64Response: try b64("sp-initiated"), now: Fixtures.now, logger: logger)
        let all = handler.lines.joined(separator: "\n")
        #expect(handler.lines.count == 2)
        #expect(all.contains(start.requestID))
        #expect(all.contains("in_response_to_mismatch"))
        #expect(!all.contains("/secret-path"))
        #expect(!all.contains("PRIVATE KEY"))
        #expect(!all.contains("alice@example.com"))
    }

    @Test func oversizedResponseIsRefusedBeforeDecoding() async throws {
        // 7 KB of base64 against a 1,000-byte limit (about 5.4 KB of base64 allowed).
        let acs = try consumer(policy: SSOPolicy(validation: SAMLValidationPolicy(limits: XMLLimits(maxBytes: 1000))), store: InMemoryPendingRequestStore())
        #expect(await code(acs, try b64("assertion-signed")) == "malformed")
        let roomy = try consumer(store: InMemoryPendingRequestStore())
        #expect(await code(roomy, try b64("assertion-signed")) == nil)
    }

    @Test(arguments: ["", "bm90IHhtbA==", "%%%"])
    func malformedPostsAreMalformed(_ body: String) async throws {
        let acs = try consumer(store: InMemoryPendingRequestStore())
        #expect(await code(acs, body) == "malformed")
    }
}

/// Hand-off for the synchronous helper above; written once by the task before the semaphore is signalled.
private final class ResultBox: @unchecked Sendable {
    // @unchecked: written by one task strictly before `semaphore.signal()`, read after `semaphore.wait()`.
    var value: Result<LoginStart, any Error>?
}

@Suite struct PendingRequestStoreTests {
    @Test func consumeIsOnceAndExpiryIsEnforced() async throws {
        let store = InMemoryPendingRequestStore()
        let now = Fixtures.now
        try await store.save(PendingRequest(id: "a", tenantID: "t", relayState: nil, expiresAt: now.addingTimeInterval(10)), now: now)
        #expect(try await store.consume(id: "a", now: now)?.id == "a")
        #expect(try await store.consume(id: "a", now: now) == nil)
        try await store.save(PendingRequest(id: "b", tenantID: "t", relayState: nil, expiresAt: now.addingTimeInterval(10)), now: now)
        #expect(try await store.consume(id: "b", now: now.addingTimeInterval(10)) == nil)
        #expect(try await store.consume(id: "never", now: now) == nil)
    }

    @Test func expiredRequestsArePurged() async throws {
        let store = InMemoryPendingRequestStore()
        let now = Fixtures.now
        for index in 0..<50 {
            try await store.save(PendingRequest(id: "old-\(index)", tenantID: "t", relayState: nil,
                                                expiresAt: now.addingTimeInterval(1)), now: now)
        }
        #expect(await store.count == 50)
        try await store.save(PendingRequest(id: "new", tenantID: "t", relayState: nil,
                                            expiresAt: now.addingTimeInterval(100)), now: now.addingTimeInterval(2))
        #expect(await store.count == 1)
    }

    @Test func memoryIsBoundedByCapacity() async throws {
        let store = InMemoryPendingRequestStore(capacity: 3)
        let now = Fixtures.now
        for index in 0..<10 {
            try await store.save(PendingRequest(id: "r\(index)", tenantID: "t", relayState: nil,
                                                expiresAt: now.addingTimeInterval(Double(100 + index))), now: now)
        }
        #expect(await store.count == 3)
        // The soonest-expiring ones were dropped; the newest survive.
        #expect(try await store.consume(id: "r0", now: now) == nil)
        #expect(try await store.consume(id: "r9", now: now)?.id == "r9")
    }
}
