import Foundation
import Testing
@testable import SCIMCore

/// JumpCloud's provisioning conversation (see ../shared/notes/jumpcloud.md), end to end through `handle`.
@Suite struct JumpCloudTests {
    static let createPayload = """
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
         "userName": "jdoe", "externalId": "5f1b2c3d4e5f6a7b8c9d0e1f",
         "name": {"givenName": "John", "familyName": "Doe", "formatted": "John Doe"},
         "displayName": "John Doe",
         "emails": [{"value": "John.Doe@Example.com", "type": "work", "primary": true}],
         "active": true, "title": "Engineer",
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "R&D", "employeeNumber": ""}}
        """

    @Test func connectionTestCreatesAndDeletes() async throws {
        let h = await Harness.make()
        // Lookup of the test email answers 200 with an empty ListResponse.
        let lookup = await h.send("GET", "/Users?filter=userName%20eq%20%22jc-test%40example.com%22")
        #expect(lookup.status == 200)
        #expect(lookup.headers["Content-Type"] == "application/scim+json")
        #expect(lookup.json == json(#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 0, "startIndex": 1, "itemsPerPage": 0, "Resources": []}"#))
        let user = await h.createUser("jc-test@example.com", email: "jc-test@example.com")
        let group = await h.createGroup("JumpCloud Test Group", members: [user])
        #expect(await h.send("DELETE", "/Groups/\(group)").status == 204)
        #expect(await h.send("DELETE", "/Users/\(user)").status == 204)
        #expect(await h.store.count(.user) == 0)
        #expect(await h.store.count(.group) == 0)
    }

    @Test func lifecycle() async throws {
        let h = await Harness.make()
        let created = await h.send("POST", "/Users", json: Self.createPayload)
        #expect(created.status == 201)
        let id = try #require(created.json?["id"]?.stringValue)
        #expect(created.headers["Location"] == "\(Harness.baseURL)/Users/\(id)")
        #expect(created.json?["meta"]?["location"]?.stringValue == created.headers["Location"])
        #expect(created.headers["ETag"] == #"W/"1""#)
        #expect(created.json?["meta"]?["resourceType"] == .string("User"))
        #expect(created.json?["meta"]?["created"] == .string("2023-11-14T22:13:20Z"))
        #expect(created.json?["schemas"] == json(#"["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]"#))

        // Update: one replace per path.
        h.clock.advance(60)
        let update = """
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
              {"op": "replace", "path": "name.givenName", "value": "Johnny"},
              {"op": "replace", "path": "name.familyName", "value": "Doe-Smith"},
              {"op": "replace", "path": "emails[type eq \\"work\\"].value", "value": "johnny@example.com"},
              {"op": "replace", "path": "displayName", "value": "Johnny Doe-Smith"},
              {"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Ops"}]}
            """
        let patched = await h.send("PATCH", "/Users/\(id)", json: update)
        #expect(patched.status == 200)
        #expect(patched.json?["name"]?["givenName"] == .string("Johnny"))
        #expect(patched.json?["emails"]?.arrayValue?.first?["value"] == .string("johnny@example.com"))
        #expect(patched.json?["meta"]?["lastModified"] == .string("2023-11-14T22:14:20Z"))
        #expect(patched.headers["ETag"] == #"W/"2""#)

        // Deactivate: still found by the lookup, so JumpCloud does not re-create the user.
        let deactivate = #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "path": "active", "value": false}]}"#
        #expect(await h.send("PATCH", "/Users/\(id)", json: deactivate).json?["active"] == .bool(false))
        let lookup = await h.send("GET", #"/Users?filter=userName+eq+"JDOE""#)
        #expect(lookup.json?["totalResults"] == .integer(1))
        #expect(lookup.json?["Resources"]?.arrayValue?.first?["active"] == .bool(false))
        let provisioned = try ProvisionedUser(try #require(await h.store.resource(.user, id: id)))
        #expect(provisioned.active == false)
        #expect(provisioned.email == "johnny@example.com")

        // PUT is accepted too.
        let put = await h.send("PUT", "/Users/\(id)", json: Self.createPayload)
        #expect(put.status == 200)
        #expect(put.json?["name"]?["givenName"] == .string("John"))

        #expect(await h.send("DELETE", "/Users/\(id)").status == 204)
        #expect(await h.send("GET", "/Users/\(id)").status == 404)
    }

    @Test func membershipPayloads() async throws {
        let h = await Harness.make()
        let alice = await h.createUser("alice")
        let bob = await h.createUser("bob")
        let group = await h.createGroup("Engineering", members: [alice])
        let add = #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "add", "path": "members", "value": [{"value": "\#(bob)"}]}]}"#
        let added = await h.send("PATCH", "/Groups/\(group)", json: add)
        #expect(added.status == 200)
        #expect(added.json?["members"]?.arrayValue?.count == 2)
        #expect(added.json?["members"]?.arrayValue?.last == json(#"{"value": "\#(bob)", "type": "User", "$ref": "\#(Harness.baseURL)/Users/\#(bob)"}"#))
        // The user's computed groups follow.
        let bobJSON = await h.send("GET", "/Users/\(bob)").json
        #expect(bobJSON?["groups"] == json(#"[{"value": "\#(group)", "display": "Engineering", "type": "direct", "$ref": "\#(Harness.baseURL)/Groups/\#(group)"}]"#))
        // Users can be filtered by their computed groups.
        let members = await h.send("GET", #"/Users?filter=groups.value%20eq%20%22\#(group)%22&sortBy=userName"#)
        #expect(members.json?["Resources"]?.arrayValue?.compactMap { $0["userName"]?.stringValue } == ["alice", "bob"])
        // Remove with a value array (JumpCloud), then by filter (Entra/Okta).
        let remove = #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "remove", "path": "members", "value": [{"value": "\#(bob)"}]}]}"#
        #expect(await h.send("PATCH", "/Groups/\(group)", json: remove).json?["members"]?.arrayValue?.count == 1)
        #expect(await h.send("GET", "/Users/\(bob)").json?["groups"] == nil)
        let removeFilter = #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "remove", "path": "members[value eq \"\#(alice)\"]"}]}"#
        #expect(await h.send("PATCH", "/Groups/\(group)", json: removeFilter).json?["members"] == nil)
        // Unknown member ids are refused.
        let bad = #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "add", "path": "members", "value": [{"value": "nobody"}]}]}"#
        let refused = await h.send("PATCH", "/Groups/\(group)", json: bad)
        #expect(refused.status == 400 && refused.scimType == "invalidValue")
    }

    @Test func groupAdoptionRenameAndUniqueness() async throws {
        let h = await Harness.make()
        let group = await h.createGroup("Sales")
        // JumpCloud looks the group up by displayName before creating it.
        let lookup = await h.send("GET", #"/Groups?filter=displayName%20eq%20%22sales%22"#)
        #expect(lookup.json?["Resources"]?.arrayValue?.first?["id"] == .string(group))
        let duplicate = await h.send("POST", "/Groups", json: #"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "SALES"}"#)
        #expect(duplicate.status == 409 && duplicate.scimType == "uniqueness")
        let rename = #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "path": "displayName", "value": "Sales EMEA"}]}"#
        #expect(await h.send("PATCH", "/Groups/\(group)", json: rename).json?["displayName"] == .string("Sales EMEA"))
        // The old name is free again.
        #expect(await h.send("POST", "/Groups", json: #"{"displayName": "Sales"}"#).status == 201)
    }

    @Test func deletingUserLeavesGroupsDeletingGroupKeepsUsers() async throws {
        let h = await Harness.make()
        let alice = await h.createUser("alice")
        let bob = await h.createUser("bob")
        let group = await h.createGroup("Team", members: [alice, bob])
        let before = await h.send("GET", "/Groups/\(group)").headers["ETag"]
        #expect(await h.send("DELETE", "/Users/\(alice)").status == 204)
        let after = await h.send("GET", "/Groups/\(group)")
        #expect(after.json?["members"]?.arrayValue?.compactMap { $0["value"]?.stringValue } == [bob])
        #expect(after.headers["ETag"] != before)
        #expect(await h.send("DELETE", "/Groups/\(group)").status == 204)
        let bobAfter = await h.send("GET", "/Users/\(bob)")
        #expect(bobAfter.status == 200)
        #expect(bobAfter.json?["groups"] == nil)
    }
}

/// Dialects of other IdPs.
@Suite struct IdPQuirkTests {
    @Test func entraPatchDialect() async throws {
        let h = await Harness.make()
        let id = await h.createUser("entra@example.com", email: "entra@example.com", externalId: "aad-1")
        let patch = """
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
              {"op": "Replace", "path": "active", "value": "False"},
              {"op": "Add", "path": "phoneNumbers[type eq \\"mobile\\"].value", "value": "+1 555 0100"},
              {"op": "Replace", "path": "emails[type eq \\"work\\"].value", "value": "entra2@example.com"},
              {"op": "Add", "value": {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "7",
                                      "name.givenName": "Ada"}}]}
            """
        let response = await h.send("PATCH", "/Users/\(id)", json: patch)
        #expect(response.status == 200, "\(response.text)")
        let body = try #require(response.json)
        #expect(body["active"] == .bool(false))
        #expect(body["phoneNumbers"] == json(#"[{"type": "mobile", "value": "+1 555 0100"}]"#))
        #expect(body["emails"]?.arrayValue?.first?["value"] == .string("entra2@example.com"))
        #expect(body[SCIMSchemaURN.enterpriseUser]?["employeeNumber"] == .string("7"))
        #expect(body["name"]?["givenName"] == .string("Ada"))
        // Entra looks users up by externalId too.
        #expect(await h.send("GET", #"/Users?filter=externalId eq "aad-1""#).json?["totalResults"] == .integer(1))
        #expect(await h.send("GET", #"/Users?filter=externalId eq "AAD-1""#).json?["totalResults"] == .integer(0))
        // Entra's booleans-as-strings on create.
        let created = await h.send("POST", "/Users", json: #"{"userName": "s@example.com", "active": "True"}"#)
        #expect(created.json?["active"] == .bool(true))
    }

    @Test func oktaDialect() async throws {
        let h = await Harness.make()
        let id = await h.createUser("okta@example.com")
        let deactivate = #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "value": {"active": false}}]}"#
        #expect(await h.send("PATCH", "/Users/\(id)", json: deactivate).json?["active"] == .bool(false))
        let page = await h.send("GET", #"/Users?filter=userName%20eq%20%22okta%40example.com%22&startIndex=1&count=100"#)
        #expect(page.json?["totalResults"] == .integer(1))
        let group = await h.createGroup("Okta Group", members: [id])
        let rename = #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "value": {"id": "\#(group)", "displayName": "Okta Renamed"}}]}"#
        #expect(await h.send("PATCH", "/Groups/\(group)", json: rename).json?["displayName"] == .string("Okta Renamed"))
        // Okta and Entra list groups without members.
        let groups = await h.send("GET", "/Groups?excludedAttributes=members")
        #expect(groups.json?["Resources"]?.arrayValue?.first?["members"] == nil)
        #expect(groups.json?["Resources"]?.arrayValue?.first?["displayName"] == .string("Okta Renamed"))
    }

    @Test func applicationJSONIsAccepted() async {
        let h = await Harness.make()
        let response = await h.send(
            "POST", "/Users", json: #"{"userName": "plain"}"#, headers: ["Content-Type": "application/json; charset=utf-8"])
        #expect(response.status == 201)
    }
}
