import Crypto
import Foundation
import Testing

@testable import Licensing

@Suite struct LicenseEnvelopeTests {
    @Test func signedLicenseVerifiesToTheSamePayload() throws {
        let license = Fixture.license(seats: 25)
        let verified = try Fixture.verifier.verify(Fixture.envelope(license))
        #expect(verified == license)
    }

    @Test func envelopeHasMarkersKeyIDAndWrappedLines() {
        let text = Fixture.envelope()
        let lines = text.split(separator: "\n")
        #expect(lines.first == Substring(LicenseEnvelope.beginMarker))
        #expect(lines.last == Substring(LicenseEnvelope.endMarker))
        #expect(lines.contains("Key-Id: k-test"))
        #expect(lines.allSatisfy { $0.count <= 64 })
        #expect(!text.lowercased().contains("alg"))
    }

    /// Copy-paste damage that must not matter: CRLF, indentation, quoting text around it, re-wrapping,
    /// blank lines, trailing padding.
    @Test(arguments: [
        "crlf", "indented", "surrounded", "rewrapped", "single_line_base64", "blank_lines", "padded",
        "lowercase_headers",
    ])
    func whitespaceDamageIsTolerated(kind: String) throws {
        let license = Fixture.license()
        let envelope = try LicenseSigner(signingKey: Fixture.signingKey).sign(license)
        let canonical = envelope.text
        let damaged: String
        switch kind {
        case "crlf": damaged = canonical.replacingOccurrences(of: "\n", with: "\r\n")
        case "indented": damaged = canonical.split(separator: "\n").map { "    \($0)  " }.joined(separator: "\n")
        case "surrounded": damaged = "Hi, here is your license:\n\n" + canonical + "\n-- \nSales\n"
        case "rewrapped":
            let payload = Base64URL.encode(envelope.payload)
            let signature = Base64URL.encode(envelope.signature)
            let chunks = stride(from: 0, to: payload.count, by: 37).map { i -> String in
                let start = payload.index(payload.startIndex, offsetBy: i)
                let end = payload.index(start, offsetBy: min(37, payload.count - i))
                return String(payload[start..<end])
            }
            damaged =
                ([LicenseEnvelope.beginMarker, "Key-Id:   k-test", "Payload:"] + chunks
                + ["Signature: " + signature, LicenseEnvelope.endMarker]).joined(separator: "\n")
        case "single_line_base64":
            damaged = [
                LicenseEnvelope.beginMarker, "Key-Id: k-test", "Payload: " + Base64URL.encode(envelope.payload),
                "Signature: " + Base64URL.encode(envelope.signature), LicenseEnvelope.endMarker,
            ].joined(separator: "\n")
        case "blank_lines": damaged = canonical.replacingOccurrences(of: "\n", with: "\n\n \n")
        case "padded":
            damaged = canonical.replacingOccurrences(of: "Signature:\n", with: "Signature:\n")
                .replacingOccurrences(of: "\n" + LicenseEnvelope.endMarker, with: "==\n" + LicenseEnvelope.endMarker)
        case "lowercase_headers":
            damaged = canonical.replacingOccurrences(of: "Key-Id:", with: "key-id:")
                .replacingOccurrences(of: "Payload:", with: "PAYLOAD:")
        default: fatalError()
        }
        #expect(try Fixture.verifier.verify(damaged) == license)
    }

    @Test func tamperedPayloadIsRefused() throws {
        var envelope = try LicenseSigner(signingKey: Fixture.signingKey).sign(Fixture.license(features: [.sso]))
        let original = String(decoding: envelope.payload, as: UTF8.self)
        envelope.payload = Data(original.replacingOccurrences(of: #"["sso"]"#, with: #"["scim","sso"]"#).utf8)
        #expect(envelope.payload != Data(original.utf8))
        #expect(throws: LicensingError(.signatureInvalid, "")) { try Fixture.verifier.verify(envelope.text) }
    }

    @Test func flippedSignatureBitIsRefused() throws {
        var envelope = try LicenseSigner(signingKey: Fixture.signingKey).sign(Fixture.license())
        envelope.signature[0] ^= 0x01
        #expect(throws: LicensingError(.signatureInvalid, "")) { try Fixture.verifier.verify(envelope.text) }
    }

    @Test(arguments: ["no_end", "half", "no_signature", "signature_cut", "empty"])
    func truncatedLicenseIsRefused(kind: String) throws {
        let text = Fixture.envelope()
        let truncated: String
        switch kind {
        case "no_end": truncated = String(text.dropLast(LicenseEnvelope.endMarker.count + 1))
        case "half": truncated = String(text.prefix(text.count / 2))
        case "no_signature":
            truncated = String(text[..<text.range(of: "Signature:")!.lowerBound]) + LicenseEnvelope.endMarker
        case "signature_cut":
            // Drop the last signature line but keep the END line: the signature no longer verifies.
            var lines = text.split(separator: "\n").map(String.init)
            lines.remove(at: lines.count - 2)
            truncated = lines.joined(separator: "\n")
        case "empty": truncated = ""
        default: fatalError()
        }
        let expected: LicensingError.Code = kind == "signature_cut" ? .signatureInvalid : .malformed
        #expect(throws: LicensingError(expected, "")) { try Fixture.verifier.verify(truncated) }
    }

    @Test func resignedWithAnotherKeyUnderItsOwnIDIsAnUnknownKey() {
        let text = Fixture.envelope(key: Fixture.otherKey)
        #expect(throws: LicensingError(.unknownKey, "")) { try Fixture.verifier.verify(text) }
    }

    @Test func resignedWithAnotherKeyClaimingThePinnedIDFailsTheSignature() {
        let impostor = Fixture.key(seed: 2, keyID: Fixture.signingKey.keyID)
        let text = Fixture.envelope(key: impostor)
        #expect(throws: LicensingError(.signatureInvalid, "")) { try Fixture.verifier.verify(text) }
    }

    @Test func keyIsChosenByKeyIDAmongSeveralPinnedKeys() throws {
        let verifier = LicenseVerifier(trustedKeys: [Fixture.otherKey.publicKey, Fixture.signingKey.publicKey])
        #expect(try verifier.verify(Fixture.envelope(key: Fixture.otherKey)).id == "lic_1")
        #expect(try verifier.verify(Fixture.envelope(key: Fixture.signingKey)).id == "lic_1")
        #expect(verifier.keyIDs == ["k-other", "k-test"])
    }

    @Test func headersThatTryToChooseAnAlgorithmAreRefused() {
        let text = Fixture.envelope().replacingOccurrences(
            of: "Key-Id: k-test", with: "Key-Id: k-test\nAlgorithm: none")
        #expect(throws: LicensingError(.malformed, "")) { try Fixture.verifier.verify(text) }
    }

    @Test func duplicateSectionsAreRefused() {
        let text = Fixture.envelope().replacingOccurrences(
            of: "Key-Id: k-test", with: "Key-Id: k-test\nKey-Id: k-other")
        #expect(throws: LicensingError(.malformed, "")) { try Fixture.verifier.verify(text) }
    }

    @Test func oversizedTextIsRefusedBeforeParsing() {
        let padding = String(repeating: "x", count: LicenseEnvelope.maximumTextLength)
        #expect(throws: LicensingError(.malformed, "")) { try Fixture.verifier.verify(padding + Fixture.envelope()) }
    }

    @Test func nonBase64PayloadIsMalformed() {
        let text = Fixture.envelope().replacingOccurrences(of: "Payload:\n", with: "Payload:\n!!!")
        #expect(throws: LicensingError(.malformed, "")) { try Fixture.verifier.verify(text) }
    }

    /// A correctly signed document that is not a license (a signing-service bug) is still refused.
    @Test(arguments: [
        #"{"hello":"world"}"#,
        "not json",
        #"{"activation":"activated","features":["sso"],"id":"x","issued_at":"2026-01-01T00:00:00Z","kind":"paid","not_after":"2025-01-01T00:00:00Z","not_before":"2026-01-01T00:00:00Z","organization_id":"o","product":"kisi-identity"}"#,
    ])
    func signedGarbageIsAnInvalidPayload(payload: String) throws {
        let bytes = Data(payload.utf8)
        let signature = try Fixture.signingKey.key.signature(for: bytes)
        let text = LicenseEnvelope(keyID: "k-test", payload: bytes, signature: signature).text
        #expect(throws: LicensingError(.payloadInvalid, "")) { try Fixture.verifier.verify(text) }
    }

    @Test func payloadDefaultsGraceDaysAndIgnoresUnknownFeatures() throws {
        let json =
            #"{"activation":"activated","features":["sso","teleport"],"id":"x","issued_at":"2026-01-01T00:00:00Z","kind":"trial","not_after":"2026-02-01T00:00:00Z","not_before":"2026-01-01T00:00:00Z","organization_id":"o","product":"kisi-identity"}"#
        let bytes = Data(json.utf8)
        let text = LicenseEnvelope(
            keyID: "k-test", payload: bytes, signature: try Fixture.signingKey.key.signature(for: bytes)
        ).text
        let license = try Fixture.verifier.verify(text)
        #expect(license.graceDays == 14)
        #expect(license.features == [.sso])
        #expect(license.seats == nil)
        #expect(license.kind == .trial)
    }

    @Test func signingAnInconsistentLicenseFails() {
        let license = Fixture.license(days: -1)
        #expect(throws: LicensingError(.issueFailed, "")) {
            try LicenseSigner(signingKey: Fixture.signingKey).sign(license)
        }
    }

    @Test func keyFilesRoundTrip() throws {
        let key = LicenseSigningKey.generate()
        let privateCopy = try LicenseSigningKey(jsonRepresentation: key.jsonRepresentation)
        let publicCopy = try LicensePublicKey(jsonRepresentation: key.publicKey.jsonRepresentation)
        #expect(privateCopy.keyID == key.keyID)
        #expect(publicCopy.keyID == key.keyID)
        #expect(publicCopy.key.rawRepresentation == key.key.publicKey.rawRepresentation)
        #expect(key.keyID == LicensePublicKey.defaultKeyID(for: key.key.publicKey))
        #expect(key.keyID.hasPrefix("k-") && key.keyID.count == 18)
        let publicJSON = String(decoding: key.publicKey.jsonRepresentation, as: UTF8.self)
        #expect(!publicJSON.contains("private_key"))
    }

    @Test func aPrivateKeyFileIsNotAPublicKeyFile() {
        let key = Fixture.signingKey
        #expect(throws: LicensingError(.keyInvalid, "")) {
            try LicensePublicKey(jsonRepresentation: key.jsonRepresentation)
        }
        #expect(throws: LicensingError(.keyInvalid, "")) {
            try LicenseSigningKey(jsonRepresentation: key.publicKey.jsonRepresentation)
        }
        #expect(throws: LicensingError(.keyInvalid, "")) { try LicensePublicKey(jsonRepresentation: Data("{}".utf8)) }
        let shortKey = #"{"key_id":"k","public_key":"AAAA","type":"kisi-license-public-key-ed25519"}"#
        #expect(throws: LicensingError(.keyInvalid, "")) {
            try LicensePublicKey(jsonRepresentation: Data(shortKey.utf8))
        }
    }

    @Test func rejectedEnvelopeBecomesRejectedEvidence() {
        #expect(LicenseEvidence(envelope: nil, verifier: Fixture.verifier) == .none)
        #expect(LicenseEvidence(envelope: "junk", verifier: Fixture.verifier) == .rejected(.malformed))
        #expect(
            LicenseEvidence(envelope: Fixture.envelope(), verifier: Fixture.verifier) == .verified(Fixture.license()))
    }

    @Test func wrongOrganizationLicenseIsRefusedByTheGate() throws {
        let evidence = LicenseEvidence(
            envelope: Fixture.envelope(Fixture.license(org: "org_evil")), verifier: Fixture.verifier)
        let organization = OrganizationState(id: Fixture.orgID, owners: [OwnerAccount(id: "u1")])
        let decision = GatingPolicy().decide(
            .installLicense, actor: ActingUser(id: "u1"), organization: organization, license: evidence, now: Fixture.now
        )
        #expect(!decision.allowed)
        #expect(decision.reasons == [.licenseOrgMismatch])
        #expect(decision.licenseState == .orgMismatch)
    }
}
