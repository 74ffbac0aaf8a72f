import Foundation
import KisiIdentityServer
import SCIMCore
import Testing

/// The SQLite store through SCIMService: the same contract as the in-memory reference store.
@Suite struct SQLiteSCIMStoreTests {
    @Test func createReadAndCaseInsensitiveLookup() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let h = try await SQLiteHarness.make(temp)
        let id = await h.createUser("JDoe", email: "John.Doe@Example.com", externalId: "jc-1")
        let read = await h.send("GET", "/Users/\(id)")
        #expect(read.status == 200)
        #expect(read.json?["userName"] == .string("JDoe"))
        #expect(read.headers["ETag"] == #"W/"1""#)
        #expect(await h.total("/Users?filter=" + encoded(#"userName eq "jdoe""#)) == 1)
        #expect(await h.total("/Users?filter=" + encoded(#"userName eq "nobody""#)) == 0)
    }

    @Test(arguments: [
        (#"userName eq "ALICE""#, 1),
        (#"externalId eq "ext-a""#, 1),
        (#"externalId eq "EXT-A""#, 0),  // externalId is caseExact
        (#"emails.value eq "ALICE@example.com""#, 1),
        (#"emails[value eq "bob@example.com"]"#, 1),
        (#"emails[type eq "work" and value eq "bob@example.com"]"#, 1),
        (#"emails[type eq "home" and value eq "bob@example.com"]"#, 0),
        (#"active eq false"#, 1),
        (#"active eq true"#, 2),
        (#"userName eq "alice" or userName eq "bob""#, 2),
        (#"userName eq "alice" and active eq false"#, 0),
        (#"userName sw "a""#, 1),  // not indexable: evaluated in memory
        (#"userName co "o" and active eq true"#, 1),
        (#"not (userName eq "alice")"#, 2),
        (#"id eq "missing""#, 0),
    ])
    func userFilters(filter: String, expected: Int) async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let h = try await SQLiteHarness.make(temp)
        _ = await h.createUser("alice", email: "alice@example.com", externalId: "ext-a")
        _ = await h.createUser("bob", email: "Bob@Example.com", externalId: "ext-b")
        _ = await h.createUser("carol", email: "carol@example.com", active: false)
        #expect(await h.total("/Users?filter=" + encoded(filter)) == expected)
    }

    @Test func uniquenessIsCaseInsensitive() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let h = try await SQLiteHarness.make(temp)
        _ = await h.createUser("alice")
        let duplicate = await h.send(
            "POST", "/Users", json: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ALICE"}"#)
        #expect(duplicate.status == 409)
        #expect(duplicate.json?["scimType"] == .string("uniqueness"))
        _ = await h.createGroup("Staff")
        let group = await h.send(
            "POST", "/Groups", json: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"staff"}"#)
        #expect(group.status == 409)
    }

    @Test func patchWithVersionCheck() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let h = try await SQLiteHarness.make(temp)
        let id = await h.createUser("alice")
        let patch = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}"#
        let stale = await h.send("PATCH", "/Users/\(id)", json: patch, headers: ["If-Match": #"W/"7""#])
        #expect(stale.status == 412)
        let ok = await h.send("PATCH", "/Users/\(id)", json: patch, headers: ["If-Match": #"W/"1""#])
        #expect(ok.status == 200)
        #expect(ok.headers["ETag"] == #"W/"2""#)
        #expect(await h.total("/Users?filter=" + encoded("active eq false")) == 1)
        // A PATCH renaming onto an existing userName is refused and changes nothing.
        _ = await h.createUser("bob")
        let rename = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"userName","value":"BOB"}]}"#
        #expect(await h.send("PATCH", "/Users/\(id)", json: rename).status == 409)
        #expect(await h.send("GET", "/Users/\(id)").json?["userName"] == .string("alice"))
    }

    @Test func membershipsAndDeletion() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let h = try await SQLiteHarness.make(temp)
        let alice = await h.createUser("alice")
        let bob = await h.createUser("bob")
        let group = await h.createGroup("Engineering", members: [alice])
        #expect(await h.send("GET", "/Users/\(alice)").json?["groups"]?.arrayValue?.first?["display"] == .string("Engineering"))
        let add = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"\#(bob)"}]}]}"#
        #expect(await h.send("PATCH", "/Groups/\(group)", json: add).status == 200)
        #expect(await h.total("/Groups?filter=" + encoded("members.value eq \"\(bob)\"")) == 1)
        let remove = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members","value":[{"value":"\#(alice)"}]}]}"#
        #expect(await h.send("PATCH", "/Groups/\(group)", json: remove).status == 200)
        #expect(await h.send("GET", "/Users/\(alice)").json?["groups"] == nil)
        // Unknown members are refused.
        let bad = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"nope"}]}]}"#
        #expect(await h.send("PATCH", "/Groups/\(group)", json: bad).status == 400)
        // Deleting a user removes it from the group.
        #expect(await h.send("DELETE", "/Users/\(bob)").status == 204)
        let members = await h.send("GET", "/Groups/\(group)").json?["members"]
        #expect(members == nil)
        #expect(await h.total("/Groups?filter=" + encoded("members.value eq \"\(bob)\"")) == 0)
        #expect(await h.send("DELETE", "/Groups/\(group)").status == 204)
        #expect(try await h.store.count(.group) == 0)
    }

    @Test func pagingAndSorting() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let h = try await SQLiteHarness.make(temp)
        for name in ["delta", "Alpha", "charlie", "bravo"] { _ = await h.createUser(name) }
        let page = await h.send("GET", "/Users?sortBy=userName&startIndex=2&count=2")
        #expect(page.json?["totalResults"] == .integer(4))
        #expect(page.json?["Resources"]?.arrayValue?.compactMap { $0["userName"]?.stringValue } == ["bravo", "charlie"])
        let descending = await h.send("GET", "/Users?sortBy=userName&sortOrder=descending&count=1")
        #expect(descending.json?["Resources"]?.arrayValue?.first?["userName"] == .string("delta"))
        // In-memory sort (not an indexed column) over the filtered candidates.
        let byCreation = await h.send("GET", "/Users?count=10")
        #expect(byCreation.json?["Resources"]?.arrayValue?.first?["userName"] == .string("delta"))
    }

    @Test func unindexedFiltersAreBounded() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let h = try await SQLiteHarness.make(temp, maxCandidates: 2)
        for name in ["a1", "a2", "a3"] { _ = await h.createUser(name) }
        let broad = await h.send("GET", "/Users?filter=" + encoded(#"userName sw "a""#))
        #expect(broad.status == 400)
        #expect(broad.json?["scimType"] == .string("tooMany"))
        // Indexed lookups are unaffected by the bound.
        #expect(await h.total("/Users?filter=" + encoded(#"userName eq "a3""#)) == 1)
        #expect(await h.total("/Users") == 3)
    }

    @Test func dataSurvivesReopen() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let id: String
        do {
            let h = try await SQLiteHarness.make(temp)
            id = await h.createUser("persisted", email: "p@example.com")
            _ = await h.createGroup("Kept", members: [id])
        }
        let reopened = SQLiteSCIMStore(database: try temp.open())
        let user = try #require(try await reopened.resource(.user, id: id))
        #expect(user.userName == "persisted")
        #expect(user.attributes["groups"]?.arrayValue?.count == 1)
        #expect(try await reopened.count(.group) == 1)
    }
}
