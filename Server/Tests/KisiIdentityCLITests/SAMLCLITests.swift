import Foundation
import Testing

/// The `saml validate`, `saml inspect-metadata` and `saml bench` contracts.
@Suite struct SAMLCLITests {
    static let fixtures = "Tests/SAMLCoreTests/Fixtures"
    static func path(_ relative: String) -> String {
        CLIRunner.repositoryRoot.appendingPathComponent(fixtures).appendingPathComponent(relative).path
    }
    static func validateArguments(_ response: String, metadata: String = "idp-metadata.xml") -> [String] {
        ["saml", "validate", response, "--idp-metadata", path(metadata),
         "--sp-entity-id", "https://kisi.example/saml/metadata", "--acs-url", "https://kisi.example/saml/acs",
         "--now", "2026-01-01T00:01:00Z"]
    }

    @Test func validResponsePrintsTheUser() async throws {
        let result = try await CLIRunner.run(Self.validateArguments(Self.path("responses/assertion-signed.b64")))
        #expect(result.exitCode == 0)
        let json = try result.json()
        #expect(json["email"] as? String == "alice@example.com")
        #expect(json["nameID"] as? String == "alice@example.com")
        #expect(json["nameIDFormat"] as? String == "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
        #expect(json["firstName"] as? String == "Alice")
        #expect(json["lastName"] as? String == "Liddell")
        #expect(json["sessionIndex"] as? String == "_session-1")
        #expect(json["issuer"] as? String == "https://sso.jumpcloud.com/saml2/kisi")
        #expect(json["assertionID"] as? String == "_assert-1")
        #expect(json["notOnOrAfter"] as? String == "2026-01-01T00:05:00Z")
        #expect((json["attributes"] as? [String: [String]])?["groups"] == ["Engineering", "Staff"])
        #expect(result.stdout.split(separator: "\n").count == 1)
    }

    @Test func stdinAndEncryptedWithKey() async throws {
        let form = try Data(contentsOf: URL(fileURLWithPath: Self.path("responses/encrypted-aes256-gcm.b64")))
        let result = try await CLIRunner.run(
            Self.validateArguments("-") + ["--sp-key", Self.path("keys/sp-other.key"), "--sp-key", Self.path("keys/sp.key")],
            stdin: form)
        #expect(result.exitCode == 0)
        #expect(try result.json()["email"] as? String == "alice@example.com")
    }

    @Test(arguments: [
        ("wrong-audience", "audience_mismatch"), ("no-signature", "signature_missing"),
        ("encrypted-aes128-cbc", "decryption_failed"), ("expired", "expired"),
    ])
    func rejectionPrintsTheCode(file: String, code: String) async throws {
        let result = try await CLIRunner.run(Self.validateArguments(Self.path("responses/\(file).b64")))
        #expect(result.exitCode == 1)
        let error = try #require(try result.json()["error"] as? [String: Any])
        #expect(error["code"] as? String == code)
        #expect((error["message"] as? String)?.isEmpty == false)
        #expect(!result.stdout.contains("alice@example.com"))
    }

    @Test func requestIDMustMatch() async throws {
        let args = Self.validateArguments(Self.path("responses/sp-initiated.b64"))
        #expect(try await CLIRunner.run(args + ["--request-id", "_req-1"]).exitCode == 0)
        let mismatch = try await CLIRunner.run(args + ["--request-id", "_req-2"])
        #expect(mismatch.exitCode == 1)
        #expect(mismatch.stdout.contains("in_response_to_mismatch"))
    }

    /// `--email-attribute NAME` (repeatable) replaces the default list; `--email-from-nameid` opts in to an
    /// emailAddress-format NameID.
    @Test func emailAttributeAndNameIDFlags() async throws {
        let adfs = Self.validateArguments(Self.path("responses/adfs-claims.b64"))
        #expect(try await CLIRunner.run(adfs).stdout.contains("missing_email"))
        let claim = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
        let listed = try await CLIRunner.run(adfs + ["--email-attribute", "mail", "--email-attribute", claim])
        #expect(listed.exitCode == 0)
        #expect(try listed.json()["email"] as? String == "alice@example.com")
        // Replacing the list drops `email`: the JumpCloud fixture then has no e-mail.
        let replaced = try await CLIRunner.run(
            Self.validateArguments(Self.path("responses/assertion-signed.b64")) + ["--email-attribute", "mail"])
        #expect(replaced.stdout.contains("missing_email"))

        let nameID = Self.validateArguments(Self.path("responses/missing-email-nameid-email-format.b64"))
        #expect(try await CLIRunner.run(nameID).stdout.contains("missing_email"))
        let fallback = try await CLIRunner.run(nameID + ["--email-from-nameid"])
        #expect(fallback.exitCode == 0)
        #expect(try fallback.json()["email"] as? String == "alice@example.com")
    }

    @Test func clockSkewFlag() async throws {
        var args = Self.validateArguments(Self.path("responses/assertion-signed.b64"))
        args[args.count - 1] = "2026-01-01T00:07:00Z"  // 120 s past NotOnOrAfter
        #expect(try await CLIRunner.run(args).exitCode == 0)
        #expect(try await CLIRunner.run(args + ["--clock-skew", "60"]).exitCode == 1)
    }

    @Test(arguments: [
        ["saml", "validate"],
        ["saml", "validate", "/nonexistent", "--idp-metadata", "/nonexistent", "--sp-entity-id", "a", "--acs-url", "b"],
        ["saml", "validate", "x", "--idp-metadata", "y", "--sp-entity-id", "a", "--acs-url", "b", "--now", "yesterday"],
    ])
    func usageErrorsExit64(arguments: [String]) async throws {
        #expect(try await CLIRunner.run(arguments).exitCode == 64)
    }

    @Test func inspectMetadata() async throws {
        let result = try await CLIRunner.run(["saml", "inspect-metadata", Self.path("idp-metadata-rollover.xml")])
        #expect(result.exitCode == 0)
        let json = try result.json()
        #expect(json["entityID"] as? String == "https://sso.jumpcloud.com/saml2/kisi")
        let certificates = try #require(json["signingCertificates"] as? [[String: Any]])
        #expect(certificates.count == 2)
        #expect(certificates.allSatisfy {
            ($0["sha256"] as? String)?.count == 95 && $0["notAfter"] as? String == "2030-06-01T00:00:00Z"
                && $0["keyBits"] as? Int == 2048
        })
        let services = try #require(json["ssoServices"] as? [[String: String]])
        #expect(services.contains { $0["binding"] == "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" })
        #expect(json["nameIDFormats"] as? [String] == ["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"])
    }

    /// A 1024-bit IdP key: `weak_key` naming the size by default; `--min-rsa-key-bits 1024` accepts and shows it.
    @Test func minRSAKeyBitsFlag() async throws {
        let inspect = ["saml", "inspect-metadata", Self.path("idp-metadata-1024.xml")]
        let refused = try await CLIRunner.run(inspect)
        #expect(refused.exitCode == 1)
        let error = try #require(try refused.json()["error"] as? [String: Any])
        #expect(error["code"] as? String == "weak_key")
        #expect((error["message"] as? String)?.contains("1024-bit") == true)
        let shown = try await CLIRunner.run(inspect + ["--min-rsa-key-bits", "1024"])
        #expect(shown.exitCode == 0)
        let certificates = try #require(try shown.json()["signingCertificates"] as? [[String: Any]])
        #expect(certificates.map { $0["keyBits"] as? Int } == [1024])

        let validate = Self.validateArguments(Self.path("responses/assertion-signed-1024.b64"), metadata: "idp-metadata-1024.xml")
        #expect(try await CLIRunner.run(validate).stdout.contains("weak_key"))
        let accepted = try await CLIRunner.run(validate + ["--min-rsa-key-bits", "1024"])
        #expect(accepted.exitCode == 0)
        #expect(try accepted.json()["email"] as? String == "alice@example.com")
    }

    @Test func inspectBadMetadata() async throws {
        let result = try await CLIRunner.run(["saml", "inspect-metadata", Self.path("idp-metadata-no-signing-cert.xml")])
        #expect(result.exitCode == 1)
        #expect(result.stdout.contains("metadata_no_signing_certificate"))
    }

    @Test func benchReportsThroughput() async throws {
        let result = try await CLIRunner.run(
            Self.validateArguments(Self.path("responses/assertion-signed.b64")).replacingFirst("validate", with: "bench")
                + ["--seconds", "0.3", "--threads", "2"])
        #expect(result.exitCode == 0)
        let json = try result.json()
        #expect((json["validationsPerSecond"] as? Double ?? 0) > 0)
        #expect(json["threads"] as? Int == 2)
        #expect((json["p99Microseconds"] as? Double ?? 0) >= (json["p50Microseconds"] as? Double ?? 0))
    }

    @Test func benchRefusesAnInvalidResponse() async throws {
        let result = try await CLIRunner.run(
            Self.validateArguments(Self.path("responses/wrong-audience.b64")).replacingFirst("validate", with: "bench")
                + ["--seconds", "0.2"])
        #expect(result.exitCode == 1)
        #expect(result.stdout.contains("audience_mismatch"))
    }
}

extension Array where Element == String {
    func replacingFirst(_ old: String, with new: String) -> [String] {
        var copy = self
        if let index = copy.firstIndex(of: old) { copy[index] = new }
        return copy
    }
}
