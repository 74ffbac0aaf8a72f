import Foundation
@testable import SAMLCore
import Testing

@Suite struct CertificateTests {
    @Test func generatedCertificateHasTheRequestedShape() throws {
        let credential = try SPTestSupport.generatedCredential()
        let certificate = credential.certificate
        #expect(certificate.keySizeInBits == 2048)
        #expect(certificate.subject.contains("CN=Acme Inc SSO"))
        #expect(certificate.subject.contains("O=Acme Inc"))
        #expect(certificate.notBefore <= Fixtures.now)
        #expect(certificate.notBefore >= Fixtures.now.addingTimeInterval(-600))
        #expect(certificate.notAfter == Fixtures.now.addingTimeInterval(1826 * 86_400))
        #expect(certificate.serialNumber.count >= 30)
        #expect(credential.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(certificate.pemRepresentation.hasPrefix("-----BEGIN CERTIFICATE-----"))
        let fingerprint = certificate.sha256Fingerprint
        #expect(fingerprint.split(separator: ":").count == 32)
        #expect(fingerprint == fingerprint.uppercased())
    }

    @Test func serialNumbersAreRandom() throws {
        let a = try SPCredential.generate(commonName: "a", now: Fixtures.now)
        let b = try SPCredential.generate(commonName: "a", now: Fixtures.now)
        #expect(a.certificate.serialNumber != b.certificate.serialNumber)
        #expect(a.certificate.derBytes != b.certificate.derBytes)
    }

    @Test(arguments: [SPKeySize.bits3072])
    func otherKeySizes(_ size: SPKeySize) throws {
        let credential = try SPCredential.generate(commonName: "big", keySize: size, validityDays: 30, now: Fixtures.now)
        #expect(credential.certificate.keySizeInBits == size.rawValue)
        #expect(credential.certificate.notAfter == Fixtures.now.addingTimeInterval(30 * 86_400))
    }

    @Test func pemRoundTrip() throws {
        let credential = try SPTestSupport.generatedCredential()
        let again = try SPCredential(
            privateKeyPEM: credential.privateKeyPEM, certificatePEM: credential.certificate.pemRepresentation)
        #expect(again.certificate == credential.certificate)
        #expect(again.privateKeyPEM == credential.privateKeyPEM)
    }

    @Test(arguments: ["sp", "sp-pkcs1"])
    func readsPKCS8AndPKCS1Keys(_ key: String) throws {
        let credential = try SPTestSupport.fixtureCredential(key: key)
        // Whatever came in, the key goes out as PKCS#8 and still decrypts through the validator.
        #expect(credential.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(credential.certificate.keySizeInBits == 2048)
    }

    @Test func fingerprintMatchesTheIdPCertificateFormat() throws {
        let pem = try Fixtures.text("keys/sp.crt")
        #expect(try SPCertificate(pem: pem).sha256Fingerprint == (try IdPCertificate(pem: pem).sha256Fingerprint))
    }

    @Test func mismatchedKeyAndCertificateAreRejected() throws {
        #expect(throws: SAMLError(.invalidKey, "")) {
            try SPCredential(
                privateKeyPEM: try Fixtures.text("keys/sp-other.key"), certificatePEM: try Fixtures.text("keys/sp.crt"))
        }
    }

    @Test(arguments: [
        ("not a key", "keys/sp.crt"),
        ("keys/sp.crt", "keys/sp.crt"),
        ("keys/sp.key", "keys/sp.key"),
    ])
    func unreadableInputIsInvalidKey(_ key: String, _ cert: String) throws {
        let keyText = key.hasPrefix("keys/") ? try Fixtures.text(key) : key
        #expect(throws: SAMLError(.invalidKey, "")) {
            try SPCredential(privateKeyPEM: keyText, certificatePEM: try Fixtures.text(cert))
        }
    }

    @Test(arguments: [("", 10), ("ok", 0), ("ok", -1), (String(repeating: "x", count: 65), 10)])
    func invalidGenerationParameters(_ name: String, _ days: Int) {
        #expect(throws: SAMLError(.invalidConfiguration, "")) {
            try SPCredential.generate(commonName: name, validityDays: days, now: Fixtures.now)
        }
    }

    @Test func generatedKeyDecryptsAsAnSPKey() throws {
        let credential = try SPTestSupport.generatedCredential()
        // The validator configuration accepts the generated key (it is loaded by libxmlsec1 too).
        let configuration = SAMLValidatorConfiguration(
            spEntityID: Fixtures.spEntityID, acsURL: Fixtures.acsURL, idp: try Fixtures.metadata(),
            spDecryptionKeys: [credential.privateKey])
        _ = try SAMLResponseValidator(configuration: configuration, replayCache: InMemoryReplayCache())
    }
}

@Suite struct CertificateExpiryTests {
    static let day: TimeInterval = 86_400

    @Test(arguments: [
        (100.0, nil, nil),
        (60.0, 60, CertificateExpiryWarning.Level.notice),
        (45.0, 60, .notice),
        (30.0, 30, .warning),
        (8.0, 30, .warning),
        (7.0, 7, .critical),
        (1.5, 7, .critical),
        (0.5, 1, .critical),
        (0.0, 0, .expired),
        (-3.0, 0, .expired),
    ] as [(Double, Int?, CertificateExpiryWarning.Level?)])
    func thresholds(_ daysLeft: Double, _ within: Int?, _ level: CertificateExpiryWarning.Level?) {
        let now = Fixtures.now
        let warning = CertificateExpiryPolicy().warning(
            role: .idpSigning, subject: "CN=x", sha256Fingerprint: "AA", notAfter: now.addingTimeInterval(daysLeft * Self.day),
            now: now)
        #expect(warning?.withinDays == within)
        #expect(warning?.level == level)
    }

    @Test func expiredIdPCertificateSaysLoginsKeepWorking() throws {
        let warning = try #require(CertificateExpiryPolicy().warning(
            role: .idpSigning, subject: "CN=JumpCloud", sha256Fingerprint: "AA",
            notAfter: Fixtures.now.addingTimeInterval(-Self.day), now: Fixtures.now))
        #expect(warning.message.contains("Logins keep working"))
        #expect(warning.message.contains("2025-12-31"))
    }

    @Test func serviceProviderReportsIdPAndBothSPCertificates() throws {
        // The fixture IdP certificate ends 2030-06-01; the generated SP certificates end after 1826 and 20 days.
        let current = try SPTestSupport.generatedCredential()
        let next = try SPCredential.generate(commonName: "next", validityDays: 20, now: Fixtures.now)
        let provider = try SPTestSupport.serviceProvider(keys: SPKeyRollover(current: current, next: next))
        #expect(provider.certificateExpiryWarnings(now: Fixtures.now).map(\.role) == [.spNext])
        let late = Fixtures.now.addingTimeInterval(1826 * Self.day - 10 * Self.day)  // 2030-12-22: IdP expired
        let roles = provider.certificateExpiryWarnings(now: late).map(\.role)
        #expect(roles == [.idpSigning, .spCurrent, .spNext])
        let levels = provider.certificateExpiryWarnings(now: late).map(\.level)
        #expect(levels == [.expired, .warning, .expired])
    }
}
