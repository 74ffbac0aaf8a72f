import Benchmark
import Foundation
import SAMLCore

// SP-side throughput: building and encoding AuthnRequests (targets, issue 3: signed Redirect >= 2,000/s,
// unsigned >= 50,000/s), signed POST requests, SP metadata, and the pending-request store.
// Run: `cd Benchmarks && swift package benchmark --target SAMLSPBenchmarks`.
//
// Measured 2026-11-29 (2-core x86_64 VM shared with other builds, load average 4-7, release, wall clock, p0 / p50).
// For scale, `openssl speed rsa2048` measured at the same time signed 1,598/s (the issue's baseline was 2,700/s).
//   Redirect unsigned (ID, XML, deflate, base64, URL)   24-26 µs / 26-28 µs → 36-42k/s  (target 50k/s NOT met here;
//       zlib alone takes ~11 µs for the 591-byte request on this machine at any level — see below)
//   Redirect signed RSA-SHA256 2048                     ~640 µs / ~655 µs  → ~1,530/s  (target 2,000/s NOT met
//       here; that is 96 % of the machine's raw OpenSSL RSA-2048 signing rate measured alongside)
//   POST signed (xmlsec enveloped)                      ~1.03 ms / ~1.06 ms → ~950/s
//   SP metadata XML (two certificates)                  ~15 µs → ~66k/s
//   Pending request save + consume                      ~2.3-3.3 µs → ~300-430k/s
//   SP credential generation RSA-2048                   ~30-110 ms (random prime search)
// Component costs of the unsigned request (same run): deflate 11 µs, XML 2.3 µs, ID 1.2 µs, URL-encoding 1.9 µs,
// base64 0.8 µs.

/// One RSA-2048 SP credential for every benchmark (generated once; key generation itself is measured separately).
private let credential: SPCredential = {
    do { return try SPCredential.generate(commonName: "Benchmark SP", now: Date(timeIntervalSince1970: 1_767_225_600)) }
    catch { fatalError("SP credential generation failed: \(error)") }
}()

private let instant = Date(timeIntervalSince1970: 1_767_225_600)

private func request() -> AuthnRequest {
    AuthnRequest(
        issueInstant: instant, destination: "https://sso.jumpcloud.com/saml2/kisi",
        issuer: "https://acme.kisi.example/saml/metadata", acsURL: "https://acme.kisi.example/saml/acs",
        nameIDFormat: SPMetadata.emailAddressFormat)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .cpuTotal, .mallocCountTotal],
        maxDuration: .seconds(3),
        maxIterations: 1_000_000
    )

    Benchmark("AuthnRequest Redirect unsigned (new ID, XML, deflate, base64, URL)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try request().redirectURL(relayState: "/doors/42"))
        }
    }

    Benchmark("AuthnRequest Redirect signed RSA-SHA256 (2048-bit)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try request().redirectURL(relayState: "/doors/42", signer: credential))
        }
    }

    Benchmark("AuthnRequest POST signed (xmlsec enveloped, 2048-bit)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try request().postForm(relayState: "/doors/42", signer: credential))
        }
    }

    Benchmark("SP metadata XML (two certificates)") { benchmark in
        let metadata = SPMetadata(
            entityID: "https://acme.kisi.example/saml/metadata", acsURL: "https://acme.kisi.example/saml/acs",
            certificates: [credential.certificate, credential.certificate])
        for _ in benchmark.scaledIterations {
            blackHole(try metadata.xml())
        }
    }

    Benchmark("Pending request save + consume (in-memory)") { benchmark in
        let store = InMemoryPendingRequestStore()
        for _ in benchmark.scaledIterations {
            let id = SAMLID.generate()
            try await store.save(
                PendingRequest(id: id, tenantID: "acme", relayState: nil, expiresAt: instant.addingTimeInterval(600)),
                now: instant)
            blackHole(try await store.consume(id: id, now: instant))
        }
    }

    Benchmark(
        "SP credential generation RSA-2048 (key + self-signed certificate)",
        configuration: .init(metrics: [.throughput, .wallClock], maxDuration: .seconds(5), maxIterations: 20)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try SPCredential.generate(commonName: "Acme", now: instant))
        }
    }
}
