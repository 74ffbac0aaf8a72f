import Foundation
import Testing

/// `kisi-identity sso configure` through the built binary.
@Suite struct SSOCLITests {
    static let fixtures = CLIRunner.repositoryRoot.appendingPathComponent("Tests/SAMLCoreTests/Fixtures").path

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kisi-cli-sso-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func configurePrintsURLsAndCertificatesButNoKey() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("sso.sqlite").path
        let arguments = [
            "sso", "configure", "--db", db, "--idp-metadata", Self.fixtures + "/idp-metadata.xml",
            "--entity-id", "https://kisi.example/saml/metadata", "--base-url", "https://kisi.example",
        ]
        let result = try await CLIRunner.run(arguments)
        #expect(result.exitCode == 0, "\(result.stdout) \(result.stderr)")
        let json = try result.json()
        #expect(json["acsURL"] as? String == "https://kisi.example/saml/acs")
        #expect(json["metadataURL"] as? String == "https://kisi.example/saml/metadata")
        let sp = try #require(json["spCertificate"] as? [String: Any])
        #expect(sp["generated"] as? Bool == true)
        #expect(sp["notAfter"] as? String != nil)
        let idp = try #require(json["idpSigningCertificates"] as? [[String: Any]])
        #expect(idp.first?["notAfter"] as? String != nil)
        #expect(!result.stdout.contains("PRIVATE KEY") && !result.stderr.contains("PRIVATE KEY"))
        // Reconfiguring keeps the key; importing the fixture key replaces it.
        let again = try await CLIRunner.run(arguments)
        #expect((try again.json()["spCertificate"] as? [String: Any])?["generated"] as? Bool == false)
        let imported = try await CLIRunner.run(
            arguments + ["--sp-key", Self.fixtures + "/keys/sp.key", "--sp-cert", Self.fixtures + "/keys/sp.crt"])
        #expect(imported.exitCode == 0, "\(imported.stdout)")
        let importedFingerprint = (try imported.json()["spCertificate"] as? [String: Any])?["sha256Fingerprint"] as? String
        #expect(importedFingerprint != nil && importedFingerprint != sp["sha256Fingerprint"] as? String)
    }

    @Test func badMetadataExitsOneWithSAMLErrorCode() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let metadata = directory.appendingPathComponent("bad.xml").path
        try Data("<not-metadata/>".utf8).write(to: URL(fileURLWithPath: metadata))
        let result = try await CLIRunner.run([
            "sso", "configure", "--db", directory.appendingPathComponent("sso.sqlite").path, "--idp-metadata", metadata,
            "--entity-id", "https://kisi.example/saml/metadata", "--base-url", "https://kisi.example",
        ])
        #expect(result.exitCode == 1)
        #expect((try result.json()["error"] as? [String: Any])?["code"] as? String == "metadata_invalid")
    }

    @Test func keyWithoutCertIsAUsageError() async throws {
        let result = try await CLIRunner.run([
            "sso", "configure", "--idp-metadata", Self.fixtures + "/idp-metadata.xml", "--entity-id", "x",
            "--base-url", "https://kisi.example", "--sp-key", Self.fixtures + "/keys/sp.key",
        ])
        #expect(result.exitCode == 64)
    }
}
