import Foundation
import SCIMCore
import Testing

private let epoch = Date(timeIntervalSinceReferenceDate: 800_000_000.123456)

private func user(
    _ userName: String, id: String? = nil, externalId: String? = nil, active: Bool = true, family: String? = nil,
    emails: [(String, String)] = [], at offset: Double = 0
) -> SCIMResource {
    var attributes: [String: JSONValue] = ["userName": .string(userName), "active": .bool(active)]
    if let externalId { attributes["externalId"] = .string(externalId) }
    if let family { attributes["name"] = .object(["familyName": .string(family)]) }
    if !emails.isEmpty {
        attributes["emails"] = .array(emails.map { .object(["value": .string($0.0), "type": .string($0.1)]) })
    }
    let time = epoch.addingTimeInterval(offset)
    return SCIMResource(
        type: .user, id: id ?? "u-" + userName.lowercased(), attributes: attributes,
        meta: SCIMMeta(created: time, lastModified: time))
}

private func group(_ name: String, id: String? = nil, members: [String] = []) -> SCIMResource {
    var attributes: [String: JSONValue] = ["displayName": .string(name)]
    if !members.isEmpty { attributes["members"] = .array(members.map { .object(["value": .string($0)]) }) }
    return SCIMResource(
        type: .group, id: id ?? "g-" + name.lowercased(), attributes: attributes,
        meta: SCIMMeta(created: epoch, lastModified: epoch))
}

private func filter(_ text: String, _ type: SCIMResourceType = .user) throws -> SCIMFilter {
    try SCIMFilter(parsing: text).resolved(for: type)
}

private func code(_ body: () async throws -> Void) async -> SCIMError.Code? {
    do {
        try await body()
        return nil
    } catch let error as SCIMError {
        return error.code
    } catch {
        return SCIMError.Code(rawValue: "unexpected: \(error)")
    }
}

/// Adds a member entry to a group (what a PATCH `add members` does).
@Sendable private func adding(_ memberID: String) -> @Sendable (SCIMResource) throws -> SCIMResource {
    { current in
        var next = current
        var members = current.attributes["members"]?.arrayValue ?? []
        members.append(.object(["value": .string(memberID)]))
        next.attributes["members"] = .array(members)
        next.meta.revision += 1
        return next
    }
}

/// Users seeded for the filter table.
private let filterPopulation: [SCIMResource] = [
    user("alice", externalId: "ext-A", family: "Smith", emails: [("alice@work.example", "work")], at: 1),
    user("Bob", externalId: "ext-b", active: false, family: "Jones", emails: [("bob@home.example", "home")], at: 2),
    user("carol", family: "Smythe", emails: [("carol@work.example", "work"), ("c@home.example", "home")], at: 3),
    user("dave", externalId: "ext-A", at: 4),
]

/// Filters and the user names they must select, in the store's default (creation) order.
private let filterCases: [(String, [String])] = [
    (#"userName eq "ALICE""#, ["alice"]),
    (#"userName eq "bob""#, ["Bob"]),
    (#"userName eq "nobody""#, []),
    (#"externalId eq "ext-A""#, ["alice", "dave"]),
    (#"externalId eq "ext-a""#, []),
    (#"id eq "u-carol""#, ["carol"]),
    (#"active eq false"#, ["Bob"]),
    (#"name.familyName sw "sm""#, ["alice", "carol"]),
    (#"userName co "A""#, ["alice", "carol", "dave"]),
    (#"emails[type eq "work" and value ew "work.example"]"#, ["alice", "carol"]),
    (#"userName eq "alice" or userName eq "dave""#, ["alice", "dave"]),
    (#"userName eq "alice" and active eq false"#, []),
    (#"not (active eq true)"#, ["Bob"]),
    (#"externalId pr"#, ["alice", "Bob", "dave"]),
    (#"meta.created gt "2000-01-01T00:00:00Z""#, ["alice", "Bob", "carol", "dave"]),
    (#"meta.created gt "2100-01-01T00:00:00Z""#, []),
]

@Suite("SCIM store conformance")
struct SCIMStoreConformanceTests {
    @Test("create returns what get and query return", arguments: StoreKind.available)
    func roundTrip(kind: StoreKind) async throws {
        try await kind.withSCIMStore { store in
            let created = try await store.create(user("alice", externalId: "x", family: "Smith", emails: [("a@x", "work")]))
            let fetched = try await store.resource(.user, id: created.id)
            #expect(fetched == created)
            #expect(created.meta.created == epoch)
            let listed = try await store.query(.user, SCIMQuery())
            #expect(listed.resources == [created])
            #expect(try await store.resource(.user, id: "missing") == nil)
            #expect(try await store.resource(.group, id: created.id) == nil)
        }
    }

    @Test("userName and displayName are unique case-insensitively; ids are unique", arguments: StoreKind.available)
    func uniqueness(kind: StoreKind) async throws {
        try await kind.withSCIMStore { store in
            _ = try await store.create(user("Alice"))
            #expect(await code { _ = try await store.create(user("aLICE", id: "other")) } == .uniqueness)
            #expect(await code { _ = try await store.create(user("zed", id: "u-alice")) } == .uniqueness)
            _ = try await store.create(group("Staff"))
            #expect(await code { _ = try await store.create(group("STAFF", id: "g-2")) } == .uniqueness)
            // A user and a group may share a name.
            _ = try await store.create(group("alice"))
            // Renaming onto a taken name fails and writes nothing.
            let bob = try await store.create(user("bob"))
            #expect(
                await code {
                    _ = try await store.update(.user, id: bob.id, expectedVersions: nil) { current in
                        var next = current
                        next.attributes["userName"] = .string("ALICE")
                        return next
                    }
                } == .uniqueness)
            #expect(try await store.resource(.user, id: bob.id)?.userName == "bob")
            // Changing only the case of one's own name is allowed.
            let renamed = try await store.update(.user, id: bob.id, expectedVersions: nil) { current in
                var next = current
                next.attributes["userName"] = .string("BOB")
                return next
            }
            #expect(renamed.userName == "BOB")
            #expect(try await store.query(.user, SCIMQuery(filter: filter(#"userName eq "bob""#))).resources.map(\.id) == [bob.id])
        }
    }

    @Test("filters select the same resources", arguments: StoreKind.available, filterCases)
    func filters(kind: StoreKind, testCase: (String, [String])) async throws {
        let (text, expected) = testCase
        let resolved = try filter(text)
        try await kind.withSCIMStore { store in
            for resource in filterPopulation { _ = try await store.create(resource) }
            let result = try await store.query(.user, SCIMQuery(filter: resolved))
            #expect(result.resources.map { $0.userName ?? "" } == expected)
            #expect(result.totalResults == expected.count)
        }
    }

    @Test("paging and sorting", arguments: StoreKind.available)
    func pagingAndSorting(kind: StoreKind) async throws {
        try await kind.withSCIMStore { store in
            for (index, name) in ["delta", "Alpha", "charlie", "bravo", "echo"].enumerated() {
                _ = try await store.create(user(name, at: Double(index)))
            }
            let page = try await store.query(.user, SCIMQuery(startIndex: 2, count: 2))
            #expect(page.totalResults == 5)
            #expect(page.resources.map { $0.userName ?? "" } == ["Alpha", "charlie"])
            let beyond = try await store.query(.user, SCIMQuery(startIndex: 9, count: 2))
            #expect(beyond.totalResults == 5 && beyond.resources.isEmpty)
            let countOnly = try await store.query(.user, SCIMQuery(count: 0))
            #expect(countOnly.totalResults == 5 && countOnly.resources.isEmpty)
            let path = SCIMAttributePath("userName")
            let ascending = try await store.query(.user, SCIMQuery(sort: SCIMSort(path: path), count: 3))
            #expect(ascending.resources.map { $0.userName ?? "" } == ["Alpha", "bravo", "charlie"])
            let descending = try await store.query(
                .user, SCIMQuery(filter: filter("active eq true"), sort: SCIMSort(path: path, ascending: false), startIndex: 2))
            #expect(descending.resources.map { $0.userName ?? "" } == ["delta", "charlie", "bravo", "Alpha"])
        }
    }

    @Test("update checks versions, aborts on a throwing transform, and reports unknown ids", arguments: StoreKind.available)
    func updateContract(kind: StoreKind) async throws {
        struct Abort: Error {}
        try await kind.withSCIMStore { store in
            let alice = try await store.create(user("alice"))
            #expect(
                await code { _ = try await store.update(.user, id: alice.id, expectedVersions: [#"W/"7""#]) { $0 } }
                    == .preconditionFailed)
            let updated = try await store.update(.user, id: alice.id, expectedVersions: [alice.meta.version]) { current in
                var next = current
                next.attributes["active"] = .bool(false)
                next.meta.revision += 1
                next.meta.lastModified = epoch.addingTimeInterval(60)
                return next
            }
            #expect(updated.meta.version == #"W/"2""#)
            #expect(try await store.resource(.user, id: alice.id) == updated)
            await #expect(throws: Abort.self) {
                _ = try await store.update(.user, id: alice.id, expectedVersions: nil) { _ in throw Abort() }
            }
            #expect(try await store.resource(.user, id: alice.id) == updated)
            #expect(await code { _ = try await store.update(.user, id: "missing", expectedVersions: nil) { $0 } } == .notFound)
            #expect(await code { try await store.delete(.user, id: "missing", expectedVersions: nil) } == .notFound)
            #expect(await code { try await store.delete(.user, id: alice.id, expectedVersions: [#"W/"1""#]) } == .preconditionFailed)
            try await store.delete(.user, id: alice.id, expectedVersions: [updated.meta.version])
            #expect(try await store.resource(.user, id: alice.id) == nil)
        }
    }

    @Test("group members must exist; types are filled; users carry computed groups", arguments: StoreKind.available)
    func membersAndComputedGroups(kind: StoreKind) async throws {
        try await kind.withSCIMStore { store in
            let alice = try await store.create(user("alice"))
            var withGroups = user("bob")
            withGroups.attributes["groups"] = .array([.object(["value": .string("forged")])])
            let bob = try await store.create(withGroups)
            #expect(bob.attributes["groups"] == nil)
            #expect(await code { _ = try await store.create(group("bad", members: ["nobody"])) } == .invalidValue)
            let admins = try await store.create(group("Admins", members: [alice.id]))
            let staff = try await store.create(group("Staff", members: [alice.id, bob.id, admins.id]))
            #expect(staff.attributes["members"]?.arrayValue?.map { $0["type"]?.stringValue ?? "" } == ["User", "User", "Group"])
            #expect(await code { _ = try await store.update(.group, id: staff.id, expectedVersions: nil, adding("ghost")) } == .invalidValue)
            let fetched = try #require(try await store.resource(.user, id: alice.id))
            #expect(
                fetched.attributes["groups"]
                    == .array([
                        .object(["value": .string(admins.id), "type": .string("direct"), "display": .string("Admins")]),
                        .object(["value": .string(staff.id), "type": .string("direct"), "display": .string("Staff")]),
                    ]))
            let byGroup = try await store.query(.user, SCIMQuery(filter: filter(#"groups.value eq "\#(admins.id)""#)))
            #expect(byGroup.resources.map(\.id) == [alice.id])
            // Deleting a group leaves its users; their computed groups drop it, and nesting groups lose it.
            try await store.delete(.group, id: admins.id, expectedVersions: nil)
            #expect(try await store.resource(.user, id: alice.id)?.attributes["groups"]?.arrayValue?.count == 1)
            let staffAfter = try #require(try await store.resource(.group, id: staff.id))
            #expect(staffAfter.memberIDs == [alice.id, bob.id])
            #expect(staffAfter.meta.revision == staff.meta.revision + 1)
        }
    }

    @Test("deleting a user removes it from every group", arguments: StoreKind.available)
    func deleteUserRemovesMemberships(kind: StoreKind) async throws {
        try await kind.withSCIMStore { store in
            let alice = try await store.create(user("alice"))
            let bob = try await store.create(user("bob"))
            let one = try await store.create(group("one", members: [alice.id, bob.id]))
            let two = try await store.create(group("two", members: [alice.id]))
            try await store.delete(.user, id: alice.id, expectedVersions: nil)
            let oneAfter = try #require(try await store.resource(.group, id: one.id))
            let twoAfter = try #require(try await store.resource(.group, id: two.id))
            #expect(oneAfter.memberIDs == [bob.id])
            #expect(twoAfter.memberIDs.isEmpty && twoAfter.attributes["members"] == nil)
            #expect(oneAfter.meta.revision == 2 && twoAfter.meta.revision == 2)
            // A new user reusing the id is not a member of anything.
            _ = try await store.create(user("alice2", id: alice.id))
            #expect(try await store.resource(.user, id: alice.id)?.attributes["groups"] == nil)
        }
    }

    @Test("concurrent PATCHes through two instances lose no membership", arguments: StoreKind.available)
    func concurrentMemberAdds(kind: StoreKind) async throws {
        try await kind.withStores(instances: 2) { instances in
            let members = 24
            var ids: [String] = []
            for index in 0..<members { ids.append(try await instances[index % 2].scim.create(user("user\(index)")).id) }
            let target = try await instances[0].scim.create(group("everyone"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, id) in ids.enumerated() {
                    let store = instances[index % 2].scim
                    group.addTask { _ = try await store.update(.group, id: target.id, expectedVersions: nil, adding(id)) }
                }
                try await group.waitForAll()
            }
            let final = try #require(try await instances[1].scim.resource(.group, id: target.id))
            #expect(Set(final.memberIDs) == Set(ids))
            #expect(final.memberIDs.count == members)
            #expect(final.meta.revision == 1 + members)
            // Writes through one instance are read through the other.
            #expect(try await instances[0].scim.resource(.user, id: ids[1])?.attributes["groups"]?.arrayValue?.count == 1)
        }
    }
}
