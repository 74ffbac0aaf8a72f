// libFuzzer harness: the input as a PatchOp JSON body, decoded and applied to a sample user and group
// (RFC 7644 §3.5.2). Built only by Scripts/fuzz.sh (KISI_FUZZ=1, -sanitize=fuzzer,address).
import Foundation
import SCIMCore

enum Setup {
    static let meta = SCIMMeta(
        created: Date(timeIntervalSince1970: 1_700_000_000), lastModified: Date(timeIntervalSince1970: 1_700_000_000))
    static let user = SCIMResource(
        type: .user, id: "u1",
        attributes: [
            "schemas": .array([.string(SCIMSchemaURN.user)]),
            "userName": .string("ada@example.com"), "active": .bool(true), "externalId": .string("x-1"),
            "name": .object(["givenName": .string("Ada"), "familyName": .string("Lovelace")]),
            "emails": .array([
                .object(["value": .string("ada@example.com"), "type": .string("work"), "primary": .bool(true)]),
                .object(["value": .string("ada@home.example"), "type": .string("home")]),
            ]),
        ],
        meta: meta)
    static let group = SCIMResource(
        type: .group, id: "g1",
        attributes: [
            "schemas": .array([.string(SCIMSchemaURN.group)]), "displayName": .string("Staff"),
            "members": .array([.object(["value": .string("u1")]), .object(["value": .string("u2")])]),
        ],
        meta: meta)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(UnsafeRawBufferPointer(start: start, count: count))
    guard let json = try? JSONValue.parse(data), let patch = try? SCIMPatchRequest(json: json) else { return 0 }
    _ = try? Setup.user.applying(patch)
    _ = try? Setup.group.applying(patch)
    return 0
}
