// libFuzzer harness: raw bytes as a SAML Response, through the full SAMLResponseValidator.evaluate path
// (secure parse, envelope checks, signature verification, decryption, protocol checks).
// Built only by Scripts/fuzz.sh (KISI_FUZZ=1, -sanitize=fuzzer,address).
import Foundation
import FuzzSupport
import SAMLCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    _ = try? SAMLFuzzSetup.validator.evaluate(xml: bytes, expectedRequestID: nil, now: SAMLFuzzSetup.now)
    return 0
}
