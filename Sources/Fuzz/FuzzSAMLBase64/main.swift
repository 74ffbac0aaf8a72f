// libFuzzer harness: the input as the SAMLResponse form value (base64 text): the validator's size guard, its
// base64 decoder, then full validation — the steps of SAMLResponseValidator.validate(base64Response:), run
// synchronously (the async entry point blocked on a semaphore ran at ~3 executions/s under libFuzzer).
// Built only by Scripts/fuzz.sh (KISI_FUZZ=1, -sanitize=fuzzer,address; debug builds are testable).
import Foundation
import FuzzSupport
@testable import SAMLCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    // The same guard as validate(base64Response:).
    guard text.utf8.count <= SAMLFuzzSetup.validator.configuration.limits.maxBytes / 3 * 4 + 4096 else { return 0 }
    guard let xml = Base64.decode(text) else { return 0 }
    _ = try? SAMLFuzzSetup.validator.evaluate(xml: xml, expectedRequestID: nil, now: SAMLFuzzSetup.now)
    return 0
}
