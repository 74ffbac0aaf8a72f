// libFuzzer harness: the input as a SCIM filter (RFC 7644 §3.4.2.2): parse, resolve against the User schema,
// print canonically, re-parse the canonical text and evaluate against a sample user.
// Built only by Scripts/fuzz.sh (KISI_FUZZ=1, -sanitize=fuzzer,address).
import Foundation
import SCIMCore

enum Setup {
    static let user = SCIMResource(
        type: .user, id: "u1",
        attributes: [
            "userName": .string("ada@example.com"), "active": .bool(true), "externalId": .string("x-1"),
            "name": .object(["givenName": .string("Ada"), "familyName": .string("Lovelace")]),
            "emails": .array([
                .object(["value": .string("ada@example.com"), "type": .string("work"), "primary": .bool(true)]),
                .object(["value": .string("ada@home.example"), "type": .string("home")]),
            ]),
        ],
        meta: SCIMMeta(created: Date(timeIntervalSince1970: 1_700_000_000), lastModified: Date(timeIntervalSince1970: 1_700_000_000)))
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    guard let filter = try? SCIMFilter(parsing: text) else { return 0 }
    // The canonical text must parse back to the same filter — unless escaping (a raw NUL becomes \u0000)
    // pushed it over SCIMFilter.maximumLength, which the parser then refuses by design.
    let canonical = filter.description
    guard canonical.utf8.count <= SCIMFilter.maximumLength else { return 0 }
    guard let again = try? SCIMFilter(parsing: canonical), again == filter else {
        fatalError("canonical text does not round-trip: \(filter.description)")
    }
    if let resolved = try? filter.resolved(for: .user) {
        _ = resolved.matches(Setup.user)
    }
    return 0
}
