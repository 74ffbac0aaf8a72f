import Foundation
import SAMLCore
import Testing

/// Responses shaped like other IdPs' (issue 15), signed by xmlsec1 (Fixtures/make-fixtures.sh).
@Suite struct InteropTests {
    static let eduPersonTargetedID = "urn:oid:1.3.6.1.4.1.5923.1.1.1.10"
    static let adfsEmail = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"

    /// Shibboleth sends eduPersonTargetedID as a saml:NameID inside the AttributeValue.
    @Test func structuredAttributeValueIsItsNameIDValueAndKeepsItsSiblings() async throws {
        let assertion = try await Fixtures.outcome(try Fixtures.response("edu-person-targeted-id")).get()
        #expect(assertion.attributes[Self.eduPersonTargetedID] == ["3f7b3dcf-1674-4ecd-92c8-1544f346baf8", "plain-second-value"])
        #expect(assertion.email == "alice@example.com")
        #expect(assertion.attributes["groups"] == ["Engineering", "Staff"])
    }

    @Test func adfsClaimsAreMissingEmailUnderTheJumpCloudDefault() async throws {
        let code = try await Fixtures.code(try Fixtures.response("adfs-claims"))
        #expect(code == "missing_email")
    }

    @Test func emailAttributeListFindsTheADFSClaim() async throws {
        var configuration = try Fixtures.configuration()
        configuration.attributeNames = .init(
            emails: SAMLValidatorConfiguration.AttributeNames.commonEmailAttributes,
            firstName: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
            lastName: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname")
        let validator = try SAMLResponseValidator(configuration: configuration, replayCache: InMemoryReplayCache())
        let assertion = try await Fixtures.outcome(try Fixtures.response("adfs-claims"), validator: validator).get()
        #expect(assertion.email == "alice@example.com")
        #expect(assertion.firstName == "Alice")
        #expect(assertion.lastName == "Liddell")
    }

    /// The list is tried in order: the first name with a non-empty value wins.
    @Test func emailAttributeListIsOrdered() async throws {
        var configuration = try Fixtures.configuration()
        configuration.attributeNames = .init(emails: ["mail", "firstname", "email"])
        let validator = try SAMLResponseValidator(configuration: configuration, replayCache: InMemoryReplayCache())
        let assertion = try await Fixtures.outcome(try Fixtures.response("assertion-signed"), validator: validator).get()
        #expect(assertion.email == "Alice")
    }

    @Test func missingEmailNamesEveryAttributeLookedFor() async throws {
        var configuration = try Fixtures.configuration()
        configuration.attributeNames = .init(emails: ["mail", Self.adfsEmail])
        let validator = try SAMLResponseValidator(configuration: configuration, replayCache: InMemoryReplayCache())
        guard case .failure(let error) = try await Fixtures.outcome(try Fixtures.response("assertion-signed"), validator: validator)
        else { Issue.record("accepted"); return }
        #expect(error.code.rawValue == "missing_email")
        #expect(error.message.contains("'mail'") && error.message.contains(Self.adfsEmail))
    }

    /// The NameID fallback takes only an emailAddress-format NameID; a persistent one is an identifier.
    @Test func nameIDFallbackOnlyForEmailAddressFormat() async throws {
        var configuration = try Fixtures.configuration()
        configuration.allowNameIDAsEmail = true
        let validator = try SAMLResponseValidator(configuration: configuration, replayCache: InMemoryReplayCache())
        let accepted = try await Fixtures.outcome(try Fixtures.response("missing-email-nameid-email-format"), validator: validator)
        #expect(try accepted.get().email == "alice@example.com")
        #expect(try await Fixtures.code(try Fixtures.response("missing-email"), validator: validator) == "missing_email")
        #expect(try await Fixtures.code(try Fixtures.response("missing-email-nameid-email-format")) == "missing_email")
    }
}

/// Many older IdPs sign with 1024-bit RSA keys (fixtures `idp-metadata-1024`, `assertion-signed-1024`).
@Suite struct WeakKeyTests {
    static func metadata1024(minimum: Int = 2048) throws -> IdPMetadata {
        try IdPMetadata.parse(Array(try Fixtures.data("idp-metadata-1024.xml")), minimumRSAKeyBits: minimum)
    }

    @Test func aWeakKeyIsRefusedWithItsOwnCodeNamingTheSize() throws {
        do {
            _ = try Self.metadata1024()
            Issue.record("a 1024-bit key was accepted by default")
        } catch let error as SAMLError {
            #expect(error.code.rawValue == "weak_key")
            #expect(error.message.contains("1024-bit") && error.message.contains("2048"), "\(error.message)")
        }
    }

    @Test func anExplicitMinimumOf1024AcceptsAndVerifies() async throws {
        let metadata = try Self.metadata1024(minimum: 1024)
        #expect(metadata.signingCertificates.map(\.rsaKeyBits) == [1024])
        #expect(metadata.signingCertificates[0].subject.contains("Legacy IdP RSA-1024"))
        #expect(metadata.signingCertificates[0].notAfter == Date(timeIntervalSince1970: 1_906_502_400))  // 2030-06-01
        var configuration = try Fixtures.configuration()
        configuration.idp = metadata
        configuration.minimumRSAKeyBits = 1024
        let validator = try SAMLResponseValidator(configuration: configuration, replayCache: InMemoryReplayCache())
        let assertion = try await Fixtures.outcome(try Fixtures.response("assertion-signed-1024"), validator: validator).get()
        #expect(assertion.email == "alice@example.com")
        // The 1024-bit key verifies only its own signatures.
        #expect(try await Fixtures.code(try Fixtures.response("assertion-signed"), validator: validator) == "signature_invalid")
    }

    @Test func theValidatorKeepsItsOwnMinimum() throws {
        var configuration = try Fixtures.configuration()
        configuration.idp = try Self.metadata1024(minimum: 1024)
        #expect(throws: SAMLError.self) {
            _ = try SAMLResponseValidator(configuration: configuration, replayCache: InMemoryReplayCache())
        }
        do { _ = try SAMLResponseValidator(configuration: configuration, replayCache: InMemoryReplayCache()) } catch {
            #expect(error.code.rawValue == "weak_key")
        }
    }

    @Test func aMinimumBelow1024IsAConfigurationError() throws {
        do {
            _ = try Self.metadata1024(minimum: 512)
            Issue.record("accepted")
        } catch let error as SAMLError {
            #expect(error.code.rawValue == "invalid_configuration")
        }
    }

    /// A minimum above 2048 applies to keys swift-certificates reads too.
    @Test func aHigherMinimumRefusesA2048BitKey() throws {
        do {
            _ = try IdPMetadata.parse(Array(try Fixtures.data("idp-metadata.xml")), minimumRSAKeyBits: 3072)
            Issue.record("accepted")
        } catch let error as SAMLError {
            #expect(error.code.rawValue == "weak_key")
            #expect(error.message.contains("2048-bit") && error.message.contains("3072"), "\(error.message)")
        }
        #expect(try IdPMetadata.parse(Array(try Fixtures.data("idp-metadata-4096.xml")), minimumRSAKeyBits: 3072)
            .signingCertificates.map(\.rsaKeyBits) == [4096])
    }

    @Test func keySizesOfTheOtherFixtures() throws {
        #expect(try Fixtures.metadata().signingCertificates.map(\.rsaKeyBits) == [2048])
        #expect(try Fixtures.metadata("idp-metadata-4096").signingCertificates.map(\.rsaKeyBits) == [4096])
    }
}
