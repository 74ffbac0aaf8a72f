// Shared by the SAML fuzz harnesses (FuzzSAMLResponse, FuzzSAMLBase64).
public import Foundation
public import SAMLCore

/// The validator is built once from the SAMLCore test fixtures (the IdP metadata and the SP key), so that the
/// signed seeds reach signature verification and decryption.
public enum SAMLFuzzSetup {
    public static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/SAMLCoreTests/Fixtures")
    public static let now = Date(timeIntervalSince1970: 1_767_225_660)  // inside every fixture's validity window
    public static let validator: SAMLResponseValidator = {
        do {
            let metadata = try IdPMetadata.parse(
                Array(try Data(contentsOf: fixtures.appendingPathComponent("idp-metadata.xml"))))
            let key = try SPPrivateKey(
                pem: String(decoding: try Data(contentsOf: fixtures.appendingPathComponent("keys/sp.key")), as: UTF8.self))
            return try SAMLResponseValidator(
                configuration: SAMLValidatorConfiguration(
                    spEntityID: "https://kisi.example/saml/metadata", acsURL: "https://kisi.example/saml/acs",
                    idp: metadata, spDecryptionKeys: [key]),
                replayCache: InMemoryReplayCache())
        } catch {
            fatalError("fuzz setup failed: \(error)")
        }
    }()
}
