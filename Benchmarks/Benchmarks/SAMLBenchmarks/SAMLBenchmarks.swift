import Benchmark
import Foundation
import SAMLCore

// Validation throughput on the committed fixtures (Tests/SAMLCoreTests/Fixtures), one thread, replay cache off.
// Run: cd Benchmarks && swift package benchmark --target SAMLBenchmarks

private let fixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Tests/SAMLCoreTests/Fixtures")

private func text(_ path: String) -> String {
    String(decoding: try! Data(contentsOf: fixtures.appendingPathComponent(path)), as: UTF8.self)
}

private let now = Date(timeIntervalSince1970: 1_767_225_660)  // 2026-01-01T00:01:00Z

private func validator(metadata: String, spKey: Bool) -> SAMLResponseValidator {
    let idp = try! IdPMetadata.parse(Array(text("\(metadata).xml").utf8))
    let configuration = SAMLValidatorConfiguration(
        spEntityID: "https://kisi.example/saml/metadata", acsURL: "https://kisi.example/saml/acs", idp: idp,
        spDecryptionKeys: spKey ? [try! SPPrivateKey(pem: text("keys/sp.key"))] : [])
    return try! SAMLResponseValidator(configuration: configuration, replayCache: NoReplayProtection())
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal], maxDuration: .seconds(3), maxIterations: 1_000_000)

    let cases: [(name: String, response: String, metadata: String, spKey: Bool)] = [
        ("Validate assertion-signed (IdP RSA-2048)", "assertion-signed", "idp-metadata", false),
        ("Validate assertion-signed ~7 KB (IdP RSA-4096)", "assertion-signed-4096", "idp-metadata-4096", false),
        ("Validate encrypted aes128-cbc (SP RSA-2048)", "encrypted-aes128-cbc", "idp-metadata", true),
        ("Validate encrypted aes256-gcm (SP RSA-2048)", "encrypted-aes256-gcm", "idp-metadata", true),
    ]
    for c in cases {
        let v = validator(metadata: c.metadata, spKey: c.spKey)
        let form = text("responses/\(c.response).b64")
        Benchmark(c.name) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try await v.validate(base64Response: form, expectedRequestID: nil, now: now))
            }
        }
    }
}
