import Foundation
import Testing

@Suite struct SAMLSPCLITests {
    static let fixtures = CLIRunner.repositoryRoot.appendingPathComponent("Tests/SAMLCoreTests/Fixtures").path
    static let entityID = "https://kisi.example/saml/metadata"
    static let acsURL = "https://kisi.example/saml/acs"

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kisi-cli-sp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func errorCode(_ result: CLIRunner.Result) throws -> String? {
        (try result.json()["error"] as? [String: Any])?["code"] as? String
    }

    // MARK: cert generate

    @Test func certGenerateWritesAPrivateKeyAndCertificate() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("sp.key").path
        let cert = directory.appendingPathComponent("sp.crt").path
        let result = try await CLIRunner.run([
            "cert", "generate", "--common-name", "Acme Inc", "--organization", "Acme", "--key-out", key,
            "--cert-out", cert, "--days", "365",
        ])
        #expect(result.exitCode == 0, "\(result.stdout) \(result.stderr)")
        let json = try result.json()
        #expect(json["subject"] as? String == "CN=Acme Inc,O=Acme" || (json["subject"] as? String)?.contains("CN=Acme Inc") == true)
        #expect(json["keySize"] as? Int == 2048)
        #expect((json["sha256Fingerprint"] as? String)?.split(separator: ":").count == 32)
        #expect(json["keyFile"] as? String == key)
        let attributes = try FileManager.default.attributesOfItem(atPath: key)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try String(contentsOfFile: key, encoding: .utf8).hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(try String(contentsOfFile: cert, encoding: .utf8).hasPrefix("-----BEGIN CERTIFICATE-----"))
        let notBefore = try #require(json["notBefore"] as? String)
        let notAfter = try #require(json["notAfter"] as? String)
        let format = Date.ISO8601FormatStyle()
        let days = try format.parse(notAfter).timeIntervalSince(try format.parse(notBefore)) / 86_400
        #expect(abs(days - 365) < 0.01)
    }

    @Test func certGenerateRefusesToOverwriteUnlessForced() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("sp.key").path
        let cert = directory.appendingPathComponent("sp.crt").path
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: key))
        let refused = try await CLIRunner.run(["cert", "generate", "--common-name", "x", "--key-out", key, "--cert-out", cert])
        #expect(refused.exitCode == 1)
        #expect(try errorCode(refused) == "file_exists")
        #expect(try String(contentsOfFile: key, encoding: .utf8) == "keep me")
        #expect(!FileManager.default.fileExists(atPath: cert))
        let forced = try await CLIRunner.run(["cert", "generate", "--common-name", "x", "--key-out", key, "--cert-out", cert, "--force"])
        #expect(forced.exitCode == 0)
        #expect(try String(contentsOfFile: key, encoding: .utf8).hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let attributes = try FileManager.default.attributesOfItem(atPath: key)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test(arguments: [
        ["--key-size", "1024"],
        ["--days", "0"],
        ["--key-size", "abc"],
    ])
    func certGenerateUsageErrors(_ extra: [String]) async throws {
        let result = try await CLIRunner.run(["cert", "generate", "--common-name", "x", "--key-out", "/tmp/a", "--cert-out", "/tmp/b"] + extra)
        #expect(result.exitCode == 64)
    }

    @Test func certGenerate3072() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await CLIRunner.run([
            "cert", "generate", "--common-name", "x", "--key-size", "3072",
            "--key-out", directory.appendingPathComponent("k").path, "--cert-out", directory.appendingPathComponent("c").path,
        ])
        #expect(result.exitCode == 0)
        #expect(try result.json()["keySize"] as? Int == 3072)
    }

    // MARK: saml sp-metadata

    @Test func spMetadataPublishesEveryCertificate() async throws {
        let result = try await CLIRunner.run([
            "saml", "sp-metadata", "--entity-id", Self.entityID, "--acs-url", Self.acsURL,
            "--cert", "\(Self.fixtures)/keys/sp.crt", "--cert", "\(Self.fixtures)/keys/sp-other.crt",
            "--slo-url", "https://kisi.example/saml/slo",
        ])
        #expect(result.exitCode == 0, "\(result.stdout)")
        #expect(result.stdout.hasPrefix("<?xml"))
        #expect(result.stdout.components(separatedBy: "<md:KeyDescriptor").count - 1 == 4)
        #expect(result.stdout.contains("entityID=\"\(Self.entityID)\""))
        #expect(result.stdout.contains("Location=\"\(Self.acsURL)\" index=\"0\" isDefault=\"true\""))
        #expect(result.stdout.contains("AuthnRequestsSigned=\"false\""))
        #expect(result.stdout.contains("SingleLogoutService"))
    }

    @Test func spMetadataRejectsABadCertificate() async throws {
        let result = try await CLIRunner.run([
            "saml", "sp-metadata", "--entity-id", Self.entityID, "--acs-url", Self.acsURL,
            "--cert", "\(Self.fixtures)/keys/sp.key",
        ])
        #expect(result.exitCode == 1)
        #expect(try errorCode(result) == "invalid_key")
    }

    @Test func spMetadataNeedsEntityID() async throws {
        #expect(try await CLIRunner.run(["saml", "sp-metadata", "--acs-url", Self.acsURL]).exitCode == 64)
    }

    // MARK: saml authn-request

    private func authnRequest(_ extra: [String], metadata: String = "idp-metadata.xml") async throws -> CLIRunner.Result {
        try await CLIRunner.run([
            "saml", "authn-request", "--idp-metadata", "\(Self.fixtures)/\(metadata)", "--sp-entity-id", Self.entityID,
            "--acs-url", Self.acsURL,
        ] + extra)
    }

    @Test func redirectRequest() async throws {
        let result = try await authnRequest(["--relay-state", "abc"])
        #expect(result.exitCode == 0, "\(result.stdout)")
        let json = try result.json()
        let id = try #require(json["id"] as? String)
        #expect(id.hasPrefix("_") && id.count == 41)
        let url = try #require(json["url"] as? String)
        #expect(url.hasPrefix("https://sso.jumpcloud.com/saml2/kisi?SAMLRequest="))
        #expect(url.hasSuffix("&RelayState=abc"))
        #expect(json["html"] == nil)
    }

    @Test func signedRedirectRequest() async throws {
        let result = try await authnRequest([
            "--sign-key", "\(Self.fixtures)/keys/sp-pkcs1.key", "--sign-cert", "\(Self.fixtures)/keys/sp.crt",
        ])
        #expect(result.exitCode == 0, "\(result.stdout)")
        let url = try #require(try result.json()["url"] as? String)
        #expect(url.contains("&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256&Signature="))
    }

    @Test func postRequest() async throws {
        let result = try await authnRequest([
            "--binding", "post", "--sign-key", "\(Self.fixtures)/keys/sp.key", "--sign-cert", "\(Self.fixtures)/keys/sp.crt",
        ])
        #expect(result.exitCode == 0, "\(result.stdout)")
        let json = try result.json()
        let html = try #require(json["html"] as? String)
        #expect(html.contains("action=\"https://sso.jumpcloud.com/saml2/kisi\""))
        #expect(html.contains("name=\"SAMLRequest\""))
        #expect(json["url"] == nil)
        let value = try #require(html.range(of: "name=\"SAMLRequest\" value=\"").map { html[$0.upperBound...] })
        let base64 = String(value.prefix { $0 != "\"" })
        let xml = String(decoding: try #require(Data(base64Encoded: base64)), as: UTF8.self)
        #expect(xml.contains("<ds:SignatureValue>"))
        #expect(xml.contains("ID=\"\(try #require(json["id"] as? String))\""))
    }

    @Test(arguments: [
        ["--sign-key", "/nonexistent"],
        ["--binding", "artifact"],
    ])
    func authnRequestUsageErrors(_ extra: [String]) async throws {
        #expect(try await authnRequest(extra).exitCode == 64)
    }

    @Test(arguments: [
        (["--relay-state", String(repeating: "x", count: 81)], "idp-metadata.xml", "invalid_configuration"),
        ([], "idp-metadata-no-sso.xml", "metadata_no_sso_service"),
        (["--sign-key", "\(fixtures)/keys/sp-other.key", "--sign-cert", "\(fixtures)/keys/sp.crt"], "idp-metadata.xml", "invalid_key"),
        ([], "keys/sp.crt", "metadata_invalid"),
    ])
    func authnRequestFailures(_ extra: [String], _ metadata: String, _ code: String) async throws {
        let result = try await authnRequest(extra, metadata: metadata)
        #expect(result.exitCode == 1)
        #expect(try errorCode(result) == code)
    }
}
