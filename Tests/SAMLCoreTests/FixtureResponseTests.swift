import Foundation
import SAMLCore
import Testing

/// Every committed fixture response against its documented outcome (Fixtures/README.md).
@Suite struct FixtureResponseTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var file: String
        var expected: String?  // nil = accepted
        var metadata = "idp-metadata"
        var requestID: String? = nil
        var testDescription: String { "\(file) → \(expected ?? "accepted")" }
    }

    static let cases: [Case] = [
        // Accepted shapes
        Case(file: "assertion-signed", expected: nil),
        Case(file: "response-signed", expected: nil),
        Case(file: "both-signed", expected: nil),
        Case(file: "assertion-signed-4096", expected: nil, metadata: "idp-metadata-4096"),
        Case(file: "assertion-signed-4096", expected: "signature_invalid"),
        Case(file: "sp-initiated", expected: nil, requestID: "_req-1"),
        Case(file: "sp-initiated", expected: nil),  // IdP-initiated policy: InResponseTo not required
        Case(file: "sp-initiated", expected: "in_response_to_mismatch", requestID: "_req-2"),
        Case(file: "assertion-signed", expected: "in_response_to_mismatch", requestID: "_req-1"),
        Case(file: "rollover-next-key", expected: nil, metadata: "idp-metadata-rollover"),
        Case(file: "rollover-next-key", expected: "signature_invalid"),
        Case(file: "assertion-signed", expected: nil, metadata: "idp-metadata-rollover"),
        Case(file: "assertion-signed", expected: nil, metadata: "idp-metadata-no-use"),
        Case(file: "no-signature", expected: "signature_missing"),
        // Encrypted
        Case(file: "encrypted-aes128-cbc", expected: nil),
        Case(file: "encrypted-aes256-gcm", expected: nil),
        Case(file: "encrypted-retrieval-method", expected: nil),
        Case(file: "encrypted-unsigned-response-signed", expected: nil),
        Case(file: "encrypted-unsigned", expected: "signature_missing"),
        Case(file: "encrypted-rsa15", expected: "unsupported_algorithm"),
        Case(file: "encrypted-3des", expected: "unsupported_algorithm"),
        Case(file: "encrypted-for-other-sp", expected: "decryption_failed"),
        Case(file: "encrypted-signed-by-attacker", expected: "signature_invalid"),
        // Signature algorithms and attacks
        Case(file: "sha1-signed", expected: "unsupported_algorithm"),
        Case(file: "sha1-digest-only", expected: "unsupported_algorithm"),
        Case(file: "attacker-signed", expected: "signature_invalid"),
        Case(file: "attacker-signed", expected: "signature_invalid", metadata: "idp-metadata-rollover"),
        Case(file: "hmac-signed", expected: "unsupported_algorithm"),
        Case(file: "xslt-transform", expected: "unsupported_algorithm"),
        Case(file: "xpath-transform", expected: "unsupported_algorithm"),
        Case(file: "two-references", expected: "signature_invalid"),
        Case(file: "empty-uri", expected: "signature_invalid"),
        Case(file: "inclusive-c14n", expected: "unsupported_algorithm"),
        Case(file: "exc-c14n-inclusive-namespaces", expected: nil),
        // Protocol checks
        Case(file: "status-failure", expected: "status_not_success"),
        Case(file: "wrong-issuer", expected: "issuer_mismatch"),
        Case(file: "wrong-destination", expected: "destination_mismatch"),
        Case(file: "no-destination", expected: nil),
        Case(file: "wrong-audience", expected: "audience_mismatch"),
        Case(file: "two-audience-restrictions-one-wrong", expected: "audience_mismatch"),
        Case(file: "no-audience-restriction", expected: "audience_mismatch"),
        Case(file: "wrong-recipient", expected: "recipient_mismatch"),
        Case(file: "no-bearer", expected: "recipient_mismatch"),
        Case(file: "expired", expected: "expired"),
        Case(file: "not-yet-valid", expected: "not_yet_valid"),
        Case(file: "missing-email", expected: "missing_email"),
        Case(file: "empty-email", expected: "missing_email"),
        Case(file: "two-assertions", expected: "multiple_assertions"),
        Case(file: "one-time-use", expected: nil),
        Case(file: "nameid-comment", expected: nil),
        Case(file: "nameid-cdata", expected: nil),
        Case(file: "email-attr-comment", expected: nil),
        Case(file: "attribute-nameformat-uri", expected: nil),
    ]

    @Test(arguments: cases)
    func fixture(_ c: Case) async throws {
        let validator = try Fixtures.validator(metadata: c.metadata)
        let code = try await Fixtures.code(try Fixtures.response(c.file), validator: validator, expectedRequestID: c.requestID)
        #expect(code == c.expected)
    }

    @Test func assertionSignedYieldsEveryField() async throws {
        let result = try await Fixtures.outcome(try Fixtures.response("assertion-signed")).get()
        #expect(result.nameID == "alice@example.com")
        #expect(result.nameIDFormat == "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
        #expect(result.email == "alice@example.com")
        #expect(result.firstName == "Alice")
        #expect(result.lastName == "Liddell")
        #expect(result.sessionIndex == "_session-1")
        #expect(result.issuer == Fixtures.idpEntityID)
        #expect(result.assertionID == "_assert-1")
        #expect(result.notOnOrAfter == Date(timeIntervalSince1970: 1_767_225_900))  // 00:05:00Z
        #expect(result.inResponseTo == nil)
        #expect(result.attributes["groups"] == ["Engineering", "Staff"])
    }

    @Test func encryptedAssertionYieldsTheSameUser() async throws {
        for file in ["encrypted-aes128-cbc", "encrypted-aes256-gcm", "encrypted-retrieval-method"] {
            let result = try await Fixtures.outcome(try Fixtures.response(file)).get()
            #expect(result.email == "alice@example.com", "\(file)")
            #expect(result.assertionID == "_assert-1", "\(file)")
        }
    }

    @Test func pkcs1KeyDecryptsToo() async throws {
        let validator = try Fixtures.validator(spKeys: ["sp-pkcs1"])
        #expect(try await Fixtures.code(try Fixtures.response("encrypted-aes128-cbc"), validator: validator) == nil)
    }

    @Test(arguments: ["encrypted-aes128-cbc", "encrypted-for-other-sp"])
    func rolloverSPKeysEitherDecrypts(_ file: String) async throws {
        let validator = try Fixtures.validator(spKeys: ["sp-other", "sp"])
        #expect(try await Fixtures.code(try Fixtures.response(file), validator: validator) == nil)
    }

    @Test func noSPKeyMeansDecryptionFailed() async throws {
        let validator = try Fixtures.validator(spKeys: [])
        #expect(try await Fixtures.code(try Fixtures.response("encrypted-aes128-cbc"), validator: validator)
            == "decryption_failed")
    }

    @Test(arguments: ["sha1-signed", "sha1-digest-only"])
    func sha1IsAcceptedOnlyWithExplicitOptIn(_ file: String) async throws {
        let validator = try Fixtures.validator(algorithms: AlgorithmPolicy(allowSHA1: true))
        #expect(try await Fixtures.code(try Fixtures.response(file), validator: validator) == nil)
    }

    @Test func nameIDAndAttributesAreTheFullText() async throws {
        let comment = try await Fixtures.outcome(try Fixtures.response("nameid-comment")).get()
        #expect(comment.nameID == "alice@example.com.evil.com")
        let cdata = try await Fixtures.outcome(try Fixtures.response("nameid-cdata")).get()
        #expect(cdata.nameID == "alice@example.com")  // alice@<![CDATA[example.com]]>
        let email = try await Fixtures.outcome(try Fixtures.response("email-attr-comment")).get()
        #expect(email.email.hasSuffix(".evil.com"))
    }

    @Test func base64FormValueWithLineBreaksValidates() async throws {
        let validator = try Fixtures.validator()
        let form = try Fixtures.text("responses/assertion-signed.b64")
        #expect(form.contains("\n"))
        let result = try await validator.validate(base64Response: form, expectedRequestID: nil, now: Fixtures.now)
        #expect(result.email == "alice@example.com")
    }

    @Test func badBase64IsMalformed() async throws {
        let validator = try Fixtures.validator()
        await #expect(throws: SAMLError(.malformed, "")) {
            _ = try await validator.validate(base64Response: "not*base64", expectedRequestID: nil, now: Fixtures.now)
        }
    }
}
