import Foundation
import Logging
import SAMLCore
import Testing

/// Captures every log line so tests can check what a library writes.
final class CapturingLogHandler: LogHandler, @unchecked Sendable {
    // @unchecked: `lines` is only touched under `lock`.
    private let lock = NSLock()
    private var storage: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var lines: [String] { lock.withLock { storage } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let line = "\(event.level) \(event.message) \(event.metadata ?? [:])"
        lock.withLock { storage.append(line) }
    }
}

@Suite struct LoggingTests {
    @Test func rejectionsAreLoggedWithTheCodeButNeverTheResponse() async throws {
        let handler = CapturingLogHandler()
        let logger = Logger(label: "test", factory: { _ in handler })
        let validator = try Fixtures.validator()
        let form = try Fixtures.text("responses/wrong-audience.b64")
        _ = try? await validator.validate(base64Response: form, expectedRequestID: nil, now: Fixtures.now, logger: logger)
        let accepted = try Fixtures.text("responses/assertion-signed.b64")
        _ = try await validator.validate(base64Response: accepted, expectedRequestID: nil, now: Fixtures.now, logger: logger)
        let all = handler.lines.joined(separator: "\n")
        #expect(handler.lines.count == 2)
        #expect(all.contains("audience_mismatch"))
        #expect(!all.contains("alice@example.com"))
        #expect(!all.contains("Liddell"))
        #expect(!all.contains(String(form.prefix(40))))
    }
}

/// The README's Swift example, kept compiling and passing.
@Suite struct ReadmeSnippetTests {
    @Test func readmeExample() async throws {
        let metadataXML = Array(try Fixtures.data("idp-metadata.xml"))
        let spKeyPEM = try Fixtures.text("keys/sp.key")
        let formValue = try Fixtures.text("responses/encrypted-aes128-cbc.b64")

        let idp = try IdPMetadata.parse(metadataXML)
        let validator = try SAMLResponseValidator(
            configuration: .init(
                spEntityID: "https://kisi.example/saml/metadata",
                acsURL: "https://kisi.example/saml/acs",
                idp: idp,
                spDecryptionKeys: [try SPPrivateKey(pem: spKeyPEM)]
            ),
            replayCache: InMemoryReplayCache()
        )
        let assertion = try await validator.validate(
            base64Response: formValue, expectedRequestID: nil, now: Fixtures.now)
        #expect(assertion.email == "alice@example.com")
        #expect(assertion.firstName == "Alice")
    }
}
