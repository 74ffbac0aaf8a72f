// libFuzzer harness: the input as the SAMLResponse form value (base64 text): the validator's size guard, its
// base64 decoder, then full validation — the steps of SAMLResponseValidator.validate(base64Response:), run
// synchronously (the async entry point blocked on a semaphore ran at ~3 executions/s under libFuzzer).
// Built only by Scripts/fuzz.sh (KISI_FUZZ=1, -sanitize=fuzzer,address; debug builds are testable).
import Foundation
@testable import SAMLCore

/// The validator is built once from the SAMLCore test fixtures (see FuzzSAMLResponse).
enum Setup {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/SAMLCoreTests/Fixtures")
    static let now = Date(timeIntervalSince1970: 1_767_225_660)
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
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    // The same guard as validate(base64Response:).
    guard text.utf8.count <= Setup.validator.configuration.limits.maxBytes / 3 * 4 + 4096 else { return 0 }
    guard let xml = Base64.decode(text) else { return 0 }
    _ = try? Setup.validator.evaluate(xml: xml, expectedRequestID: nil, now: Setup.now)
    return 0
}
