import Foundation
import Testing
@testable import SCIMCore

/// A deterministic generator for tests (splitmix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct TokenTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func formatAndRecord() {
        var generator = SeededGenerator(state: 1)
        let (token, record) = SCIMToken.generate(label: "JumpCloud", createdAt: now, using: &generator)
        #expect(token.hasPrefix("kisi_scim_"))
        let secret = token.dropFirst("kisi_scim_".count)
        #expect(secret.count == 43)  // 32 bytes, unpadded base64url
        #expect(secret.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(record.sha256 == SCIMToken.hash(token))
        #expect(record.sha256.count == 64)
        #expect(!record.sha256.contains(String(secret)))
        #expect(record.hint == "kisi_scim_…" + token.suffix(4))
        #expect(record.label == "JumpCloud" && record.createdAt == now && record.isActive)
        // Encoding a record never carries the token.
        let encoded = String(decoding: (try? JSONEncoder().encode(record)) ?? Data(), as: UTF8.self)
        #expect(!encoded.contains(String(secret)))
    }

    @Test func knownHash() {
        // SHA-256("abc")
        #expect(SCIMToken.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func tokensDiffer() {
        let a = SCIMToken.generate(label: "a", createdAt: now)
        let b = SCIMToken.generate(label: "b", createdAt: now)
        #expect(a.token != b.token)
        #expect(a.record.id != b.record.id)
    }

    @Test func verifyAgainstSeveralAndRevoked() {
        let a = SCIMToken.generate(label: "a", createdAt: now)
        var b = SCIMToken.generate(label: "b", createdAt: now)
        #expect(SCIMToken.verify(a.token, against: [a.record, b.record]))
        #expect(SCIMToken.verify(b.token, against: [a.record, b.record]))
        #expect(!SCIMToken.verify(a.token + "x", against: [a.record, b.record]))
        #expect(!SCIMToken.verify("", against: [a.record]))
        b.record.revokedAt = now
        #expect(!SCIMToken.verify(b.token, against: [a.record, b.record]))
    }

    @Test(arguments: [
        ("Bearer abc", "abc" as String?), ("bearer abc", "abc"), ("BEARER   abc  ", "abc"), ("Bearer", nil),
        ("Bearer ", nil), ("Basic abc", nil), ("Bearerabc", nil), ("Bearer a b", nil),
    ])
    func bearerHeaderParsing(_ header: String, _ expected: String?) {
        let request = SCIMRequest(method: "GET", path: "/Users", headers: ["Authorization": header])
        #expect(SCIMBearerTokenAuthenticator.bearerToken(request) == expected)
    }

    @Test func storeIssuesListsRevokes() async throws {
        let store = InMemorySCIMTokenStore()
        let first = await store.issue(label: "one", now: now)
        let second = await store.issue(label: "two", now: now)
        #expect(await store.activeTokenRecords().count == 2)
        #expect(await store.revoke(id: first.record.id, now: now))
        #expect(await !store.revoke(id: first.record.id, now: now))
        #expect(await store.activeTokenRecords().map(\.id) == [second.record.id])
        #expect(await store.allRecords().count == 2)
        let authenticator = SCIMBearerTokenAuthenticator(source: store)
        let request = { (token: String) in SCIMRequest(method: "GET", path: "/Users", headers: ["authorization": "Bearer \(token)"]) }
        #expect(try await authenticator.authenticate(request(second.token)))
        #expect(try await !authenticator.authenticate(request(first.token)))
        #expect(try await !authenticator.authenticate(SCIMRequest(method: "GET", path: "/Users")))
    }
}

@Suite struct ProvisionedUserTests {
    @Test(arguments: [
        (#"{"userName": "u", "emails": [{"value": "home@x", "type": "home"}, {"value": "work@x", "type": "work"}]}"#, "work@x"),
        (#"{"userName": "u", "emails": [{"value": "work@x", "type": "work"}, {"value": "p@x", "type": "home", "primary": true}]}"#, "p@x"),
        (#"{"userName": "u", "emails": [{"value": "other@x"}]}"#, "other@x"),
        (#"{"userName": "u"}"#, nil as String?),
    ])
    func emailChoice(_ text: String, _ expected: String?) throws {
        #expect(try ProvisionedUser(user(text)).email == expected)
    }

    @Test func mapsBothWays() throws {
        let resource = try user(
            #"{"userName": "jdoe", "name": {"givenName": "John", "familyName": "Doe"}, "displayName": "John Doe", "active": false, "externalId": "jc1", "emails": [{"value": "j@x.com", "type": "work", "primary": true}]}"#)
        let mapped = try ProvisionedUser(resource)
        #expect(mapped == ProvisionedUser(id: "u1", userName: "jdoe", email: "j@x.com", firstName: "John", lastName: "Doe", displayName: "John Doe", active: false, externalId: "jc1"))
        #expect(mapped.scimAttributes == resource.attributes)
        #expect(throws: SCIMError(.invalidValue)) { try ProvisionedUser(group(#"{"displayName": "g"}"#)) }
    }

    @Test func groupsMapping() throws {
        let resource = try group(#"{"displayName": "Admins", "externalId": "e", "members": [{"value": "u1"}]}"#)
        let mapped = try ProvisionedGroup(resource)
        #expect(mapped == ProvisionedGroup(id: "g1", displayName: "Admins", externalId: "e", memberIDs: ["u1"]))
        #expect(mapped.scimAttributes == resource.attributes)
    }

    @Test func jsonRoundTrip() throws {
        let value = json(#"{"a": [1, 2.5, "x", true, null, {"b": {}}]}"#)
        #expect(try JSONValue.parse(value.serialized()) == value)
        #expect(throws: SCIMError(.invalidSyntax)) { try JSONValue.parse(Data("{".utf8)) }
    }
}
