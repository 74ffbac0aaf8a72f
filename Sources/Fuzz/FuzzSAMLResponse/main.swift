// libFuzzer harness: raw bytes as a SAML Response, through the full SAMLResponseValidator.evaluate path
// (secure parse, envelope checks, signature verification, decryption, protocol checks).
// Built only by Scripts/fuzz.sh (KISI_FUZZ=1, -sanitize=fuzzer,address).
import Foundation
import SAMLCore

/// The validator is built once from the SAMLCore test fixtures (the IdP metadata and the SP key), so that the
/// signed seeds reach signature verification and decryption.
enum Setup {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/SAMLCoreTests/Fixtures")
    static let now = Date(timeIntervalSince1970: 1_767_225_660)  // inside every fixture's validity window
    static let validator: SAMLResponseValidator = {
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

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    _ = try? Setup.validator.evaluate(xml: bytes, expectedRequestID: nil, now: Setup.now)
    return 0
}
