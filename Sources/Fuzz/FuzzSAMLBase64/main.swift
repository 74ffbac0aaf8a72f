// libFuzzer harness: the input as the SAMLResponse form value (base64 text), through
// SAMLResponseValidator.validate(base64Response:) — size guard, base64 decoding, then full validation.
// Built only by Scripts/fuzz.sh (KISI_FUZZ=1, -sanitize=fuzzer,address).
import Dispatch
import Foundation
import SAMLCore

/// The validator is built once from the SAMLCore test fixtures (see FuzzSAMLResponse). The replay cache is a
/// fresh one per input so that accepted seeds stay accepted.
enum Setup {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/SAMLCoreTests/Fixtures")
    static let now = Date(timeIntervalSince1970: 1_767_225_660)
    static let configuration: SAMLValidatorConfiguration = {
        do {
            let metadata = try IdPMetadata.parse(
                Array(try Data(contentsOf: fixtures.appendingPathComponent("idp-metadata.xml"))))
            let key = try SPPrivateKey(
                pem: String(decoding: try Data(contentsOf: fixtures.appendingPathComponent("keys/sp.key")), as: UTF8.self))
            return SAMLValidatorConfiguration(
                spEntityID: "https://kisi.example/saml/metadata", acsURL: "https://kisi.example/saml/acs",
                idp: metadata, spDecryptionKeys: [key])
        } catch {
            fatalError("fuzz setup failed: \(error)")
        }
    }()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    guard let validator = try? SAMLResponseValidator(configuration: Setup.configuration, replayCache: InMemoryReplayCache())
    else { fatalError("validator setup failed") }
    let done = DispatchSemaphore(value: 0)
    Task {
        _ = try? await validator.validate(base64Response: text, expectedRequestID: nil, now: Setup.now)
        done.signal()
    }
    done.wait()
    return 0
}
