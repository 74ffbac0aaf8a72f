// libFuzzer harness: raw bytes as IdP metadata, through IdPMetadata.parse (secure XML parse, certificate
// decoding). Built only by Scripts/fuzz.sh (KISI_FUZZ=1, -sanitize=fuzzer,address).
import SAMLCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    if let metadata = try? IdPMetadata.parse(bytes) {
        // Touch what a host reads from it.
        _ = metadata.ssoService(for: .httpRedirect)
        _ = metadata.signingCertificates.map(\.sha256Fingerprint)
    }
    return 0
}
