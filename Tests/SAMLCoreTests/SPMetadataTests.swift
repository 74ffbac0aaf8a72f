import Foundation
@testable import SAMLCore
import Testing

@Suite struct SPMetadataTests {
    static let md = XMLNamespace.md

    @Test func publishesEveryActiveCertificateForSigningAndEncryption() throws {
        let current = try SPTestSupport.fixtureCredential()
        let next = try SPTestSupport.generatedCredential()
        let provider = try SPTestSupport.serviceProvider(keys: SPKeyRollover(current: current, next: next))
        let xml = try provider.metadata().xml()
        let document = try SPTestSupport.document(Array(xml.utf8))
        let root = try #require(document.root)
        #expect(root.is(Self.md, "EntityDescriptor"))
        #expect(root.attribute("entityID") == Fixtures.spEntityID)
        #expect(root.attribute("validUntil") == nil)
        let sp = try #require(root.firstChild(Self.md, "SPSSODescriptor"))
        #expect(sp.attribute("protocolSupportEnumeration") == "urn:oasis:names:tc:SAML:2.0:protocol")
        #expect(sp.attribute("AuthnRequestsSigned") == "false")
        #expect(sp.attribute("WantAssertionsSigned") == "true")
        let descriptors = sp.children(Self.md, "KeyDescriptor")
        #expect(descriptors.map { $0.attribute("use") } == ["signing", "signing", "encryption", "encryption"])
        let published = descriptors.map { $0.descendants(XMLNamespace.ds, "X509Certificate").first?.text ?? "" }
        let expected = [current, next].map { Data($0.certificate.derBytes).base64EncodedString() }
        #expect(published == expected + expected)
        let methods = descriptors[2].children(Self.md, "EncryptionMethod").compactMap { $0.attribute("Algorithm") }
        #expect(methods == SPMetadata.encryptionMethods)
        // Everything we declare is something the validator accepts.
        for method in methods {
            #expect(AlgorithmPolicy.dataEncryptionMethods.contains(method) || AlgorithmPolicy.keyTransportMethods.contains(method))
        }
        #expect(sp.children(Self.md, "NameIDFormat").map(\.text) == [SPMetadata.emailAddressFormat])
        let acs = try #require(sp.firstChild(Self.md, "AssertionConsumerService"))
        #expect(acs.attribute("Binding") == SAMLBinding.httpPost.rawValue)
        #expect(acs.attribute("Location") == Fixtures.acsURL)
        #expect(acs.attribute("index") == "0")
        #expect(acs.attribute("isDefault") == "true")
        #expect(sp.firstChild(Self.md, "SingleLogoutService") == nil)
        // Schema order: KeyDescriptor*, SingleLogoutService*, NameIDFormat*, AssertionConsumerService+.
        #expect(sp.children.map(\.localName) == ["KeyDescriptor", "KeyDescriptor", "KeyDescriptor", "KeyDescriptor",
                                                 "NameIDFormat", "AssertionConsumerService"])
    }

    @Test func optionalSLOValidUntilAndSignedRequests() throws {
        var provider = try SPTestSupport.serviceProvider(
            keys: SPKeyRollover(current: try SPTestSupport.fixtureCredential()), policy: SSOPolicy(signAuthnRequests: true))
        provider.singleLogoutURL = "https://kisi.example/saml/slo"
        let xml = try provider.metadata(validUntil: Fixtures.now.addingTimeInterval(86_400)).xml()
        let document = try SPTestSupport.document(Array(xml.utf8))  // keeps the tree alive while `root` is used
        let root = try #require(document.root)
        #expect(root.attribute("validUntil") == "2026-01-02T00:01:00Z")
        let sp = try #require(root.firstChild(Self.md, "SPSSODescriptor"))
        #expect(sp.attribute("AuthnRequestsSigned") == "true")
        let slo = try #require(sp.firstChild(Self.md, "SingleLogoutService"))
        #expect(slo.attribute("Binding") == SAMLBinding.httpRedirect.rawValue)
        #expect(slo.attribute("Location") == "https://kisi.example/saml/slo")
        #expect(sp.children.map(\.localName) == ["KeyDescriptor", "KeyDescriptor", "SingleLogoutService", "NameIDFormat",
                                                 "AssertionConsumerService"])
    }

    @Test func withoutKeysNoKeyDescriptorAndUnsignedRequests() throws {
        let provider = try SPTestSupport.serviceProvider(policy: SSOPolicy(signAuthnRequests: true))
        #expect(!provider.signsAuthnRequests)
        let xml = try provider.metadata().xml()
        #expect(!xml.contains("KeyDescriptor"))
        #expect(xml.contains("AuthnRequestsSigned=\"false\""))
    }

    @Test func entityIDIsEscaped() throws {
        let xml = try SPMetadata(entityID: "urn:a&b\"c", acsURL: "https://x/acs").xml()
        let document = try SPTestSupport.document(Array(xml.utf8))  // keeps the tree alive while `root` is used
        let root = try #require(document.root)
        #expect(root.attribute("entityID") == "urn:a&b\"c")
    }

    @Test(arguments: [("", "https://x/acs"), ("urn:x", "")])
    func emptyEntityIDOrACSIsRefused(_ entityID: String, _ acs: String) {
        #expect(throws: SAMLError(.invalidConfiguration, "")) { try SPMetadata(entityID: entityID, acsURL: acs).xml() }
    }
}
