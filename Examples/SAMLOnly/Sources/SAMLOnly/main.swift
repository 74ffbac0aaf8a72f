// Validates the committed JumpCloud-shaped fixture response with SAMLCore alone and prints the signed-in e-mail.
// Usage: SAMLOnly [FIXTURES_DIRECTORY] (defaults to the repository's Tests/SAMLCoreTests/Fixtures).
import Foundation
import SAMLCore

let fixtures = CommandLine.arguments.dropFirst().first.map { URL(fileURLWithPath: $0) }
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/SAMLCoreTests/Fixtures")

let metadata = try Data(contentsOf: fixtures.appendingPathComponent("idp-metadata.xml"))
let formValue = try String(contentsOf: fixtures.appendingPathComponent("responses/assertion-signed.b64"), encoding: .utf8)

let validator = try SAMLResponseValidator(
    configuration: .init(
        spEntityID: "https://kisi.example/saml/metadata",
        acsURL: "https://kisi.example/saml/acs",
        idp: try IdPMetadata.parse(metadata)
    ),
    replayCache: InMemoryReplayCache()
)
do {
    let assertion = try await validator.validate(
        base64Response: formValue, expectedRequestID: nil,
        now: ISO8601DateFormatter().date(from: "2026-01-01T00:01:00Z")!)
    print("signed in:", assertion.email)
} catch {
    print("refused:", error.code)
    exit(1)
}
