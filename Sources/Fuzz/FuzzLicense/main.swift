// libFuzzer harness: the input as license text. Parses the envelope, verifies it as given, then re-signs the
// parsed payload with the harness key and verifies again, so hostile payload JSON reaches the license decoder
// and its consistency checks. Built only by Scripts/fuzz.sh (KISI_FUZZ=1, -sanitize=fuzzer,address).
//
// With FUZZ_WRITE_SEED=FILE in the environment, the first run writes a valid envelope signed by the harness key
// (how Fuzz/corpus/FuzzLicense/valid.txt was made).
import Crypto
import Foundation
import Licensing

enum Setup {
    /// A fixed test-only key (32 constant bytes), so committed seeds stay valid.
    static let signingKey: LicenseSigningKey = {
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 7, count: 32)) else {
            fatalError("key")
        }
        return LicenseSigningKey(key: key, keyID: "k-fuzz")
    }()
    static let verifier = LicenseVerifier(trustedKeys: [signingKey.publicKey])
    /// Writes the seed once when FUZZ_WRITE_SEED names a file.
    static let seedWritten: Bool = {
        guard let path = ProcessInfo.processInfo.environment["FUZZ_WRITE_SEED"] else { return false }
        let license = License(
            id: "lic-1", organizationID: "org-1", features: [.sso, .scim], seats: 50,
            issuedAt: Date(timeIntervalSince1970: 1_767_225_600), notBefore: Date(timeIntervalSince1970: 1_767_225_600),
            notAfter: Date(timeIntervalSince1970: 1_798_761_600))
        guard let envelope = try? LicenseSigner(signingKey: signingKey).sign(license) else { fatalError("sign") }
        return (try? Data(envelope.text.utf8).write(to: URL(fileURLWithPath: path))) != nil
    }()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    _ = Setup.seedWritten
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    _ = try? Setup.verifier.verify(text)
    guard let envelope = try? LicenseEnvelope(parsing: text) else { return 0 }
    guard let signature = try? Setup.signingKey.key.signature(for: envelope.payload) else { return 0 }
    let resigned = LicenseEnvelope(keyID: Setup.signingKey.keyID, payload: envelope.payload, signature: signature)
    if let license = try? Setup.verifier.verify(resigned) {
        // A license that verified must survive its own canonical round trip.
        guard let again = try? LicenseSigner(signingKey: Setup.signingKey).sign(license),
            (try? Setup.verifier.verify(again)) == license
        else { fatalError("a verified license does not round-trip") }
        _ = LicenseEvidence(envelope: text, verifier: Setup.verifier)
    }
    return 0
}
