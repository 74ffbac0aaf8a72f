import Foundation
import SAMLCore
import Testing

/// The code of the DocC article "Setting up SSO with JumpCloud", kept compiling and working.
@Suite struct SPDocArticleTests {
    @Test func articleWalkthrough() async throws {
        let now = Fixtures.now
        // 2. Generate Certificate
        let credential = try SPCredential.generate(commonName: "Acme Inc SSO", organization: "Acme Inc", now: now)
        let stored = try SPCredential(
            privateKeyPEM: credential.privateKeyPEM, certificatePEM: credential.certificate.pemRepresentation)
        #expect(stored.certificate == credential.certificate)
        // 3. Upload JumpCloud's metadata
        let uploadedBytes = try Fixtures.data("idp-metadata.xml")
        let idp = try IdPMetadata.parse(uploadedBytes)
        var provider = ServiceProvider(
            tenantID: "org_123", entityID: "https://acme.kisi.example/saml/metadata",
            acsURL: "https://acme.kisi.example/saml/acs", idp: idp, keys: SPKeyRollover(current: credential))
        // 4. Publish our SP metadata
        let xml = try provider.metadata().xml()
        #expect(xml.contains("https://acme.kisi.example/saml/acs"))
        // 5. Policy
        var policy = SSOPolicy()
        policy.validation.allowIdPInitiated = true
        policy.validation.clockSkew = 180
        policy.signAuthnRequests = false
        provider.policy = policy
        // 6. SP-initiated login
        let pending = InMemoryPendingRequestStore()
        let start = try await provider.startLogin(
            binding: .httpRedirect, relayState: "/dashboard", pendingRequests: pending, now: now)
        #expect(start.redirectURL?.hasPrefix("https://sso.jumpcloud.com/saml2/kisi?SAMLRequest=") == true)
        // 7. The ACS (the fixtures are issued for kisi.example, so use a provider with those URLs here).
        let fixtureProvider = ServiceProvider(
            tenantID: "org_123", entityID: Fixtures.spEntityID, acsURL: Fixtures.acsURL, idp: idp, policy: policy)
        let consumer = try SAMLAssertionConsumer(
            serviceProvider: fixtureProvider, replayCache: InMemoryReplayCache(), pendingRequests: pending)
        let form = ["SAMLResponse": try Fixtures.text("responses/assertion-signed.b64"), "RelayState": "/x"]
        let outcome = try await consumer.consume(
            base64Response: form["SAMLResponse"]!, postedRelayState: form["RelayState"], now: now)
        #expect(outcome.assertion.email == "alice@example.com")
        #expect(outcome.relayState == "/x")
        // 8. Certificates over time
        #expect(provider.certificateExpiryWarnings(now: now).isEmpty)
        let next = try SPCredential.generate(commonName: "Acme Inc SSO 2", now: now)
        provider.keys?.next = next
        #expect(provider.metadata().certificates.count == 2)
        provider.keys = provider.keys?.promoted()
        #expect(provider.keys?.current.certificate == next.certificate)
    }
}
