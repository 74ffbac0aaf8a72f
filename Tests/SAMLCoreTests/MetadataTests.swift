import Foundation
import SAMLCore
import Testing

@Suite struct MetadataTests {
    @Test func jumpCloudExport() throws {
        let metadata = try Fixtures.metadata()
        #expect(metadata.entityID == Fixtures.idpEntityID)
        #expect(metadata.signingCertificates.count == 1)
        #expect(metadata.ssoService(for: .httpPost)?.location == "https://sso.jumpcloud.com/saml2/kisi")
        #expect(metadata.ssoService(for: .httpRedirect)?.location == "https://sso.jumpcloud.com/saml2/kisi")
        #expect(metadata.nameIDFormats == ["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"])
        #expect(metadata.wantAuthnRequestsSigned == false)
        let certificate = try #require(metadata.signingCertificates.first)
        #expect(certificate.subject.contains("JumpCloud IdP kisi"))
        #expect(certificate.notAfter == Date(timeIntervalSince1970: 1_906_502_400))  // 2030-06-01T00:00:00Z
        #expect(certificate == (try IdPCertificate(pem: try Fixtures.text("keys/idp.crt"))))
    }

    @Test func fingerprintMatchesOpenSSLForm() throws {
        let certificate = try #require(try Fixtures.metadata().signingCertificates.first)
        let parts = certificate.sha256Fingerprint.split(separator: ":")
        #expect(parts.count == 32)
        #expect(parts.allSatisfy { $0.count == 2 && $0.allSatisfy { $0.isHexDigit && !$0.isLowercase } })
    }

    @Test func rolloverHasBothSigningKeysAndNotTheEncryptionKey() throws {
        let metadata = try Fixtures.metadata("idp-metadata-rollover")
        let attacker = try IdPCertificate(pem: try Fixtures.text("keys/attacker.crt"))
        #expect(metadata.signingCertificates.count == 2)
        #expect(!metadata.signingCertificates.contains(attacker))
        #expect(metadata.signingCertificates.contains(try IdPCertificate(pem: try Fixtures.text("keys/idp-next.crt"))))
    }

    @Test func keyDescriptorWithoutUseIsASigningKey() throws {
        #expect(try Fixtures.metadata("idp-metadata-no-use").signingCertificates.count == 1)
    }

    @Test func entitiesDescriptorSelectsByEntityID() throws {
        let bytes = Array(try Fixtures.data("entities.xml"))
        let ours = try IdPMetadata.parse(bytes, entityID: Fixtures.idpEntityID)
        #expect(ours.signingCertificates == [try IdPCertificate(pem: try Fixtures.text("keys/idp.crt"))])
        #expect(throws: SAMLError(.metadataEntityNotFound, "")) {
            _ = try IdPMetadata.parse(bytes, entityID: "https://nobody.example")
        }
        #expect(throws: SAMLError(.metadataEntityNotFound, "")) { _ = try IdPMetadata.parse(bytes) }
    }

    @Test(arguments: [
        ("idp-metadata-no-signing-cert", "metadata_no_signing_certificate"),
        ("idp-metadata-no-sso", "metadata_no_sso_service"),
    ])
    func incompleteMetadataIsRefused(file: String, code: String) throws {
        do {
            _ = try Fixtures.metadata(file)
            Issue.record("accepted \(file)")
        } catch {
            #expect((error as? SAMLError)?.code.rawValue == code)
        }
    }

    @Test(arguments: [
        "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"x\"/>",
        "<html/>",
        "not xml",
        "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"e\">]><md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"&e;\"/>",
    ])
    func invalidMetadataIsRefused(xml: String) {
        #expect(throws: SAMLError(.metadataInvalid, "")) { _ = try IdPMetadata.parse(Array(xml.utf8)) }
    }
}
