import Foundation
import Testing
@testable import SCIMCore

@Suite struct PatchTests {
    static let base = """
        {"userName": "bjensen", "name": {"givenName": "Barbara", "familyName": "Jensen"}, "active": true,
         "displayName": "Babs", "title": "Guide",
         "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true},
                    {"value": "babs@home.org", "type": "home"}]}
        """

    static func patch(_ operations: String) throws -> SCIMPatchRequest {
        try SCIMPatchRequest(json: json(#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": \#(operations)}"#))
    }

    static func apply(_ operations: String, to text: String = base) throws -> [String: JSONValue] {
        try user(text).applying(patch(operations)).attributes
    }

    /// One row per PATCH form: operations, then a probe (attribute path → expected JSON).
    static let forms: [(name: String, operations: String, probe: String, expected: String)] = [
        ("replace simple", #"[{"op": "replace", "path": "displayName", "value": "B. Jensen"}]"#, "displayName", #""B. Jensen""#),
        ("op name any case", #"[{"op": "Replace", "path": "title", "value": "Boss"}]"#, "title", #""Boss""#),
        ("ADD upper", #"[{"op": "ADD", "path": "nickName", "value": "Babs"}]"#, "nickName", #""Babs""#),
        ("replace sub-attribute", #"[{"op": "replace", "path": "name.givenName", "value": "Barb"}]"#, "name", #"{"givenName": "Barb", "familyName": "Jensen"}"#),
        ("path case-insensitive", #"[{"op": "replace", "path": "NAME.GIVENNAME", "value": "Barb"}]"#, "name", #"{"givenName": "Barb", "familyName": "Jensen"}"#),
        ("replace complex merges", #"[{"op": "replace", "path": "name", "value": {"familyName": "J"}}]"#, "name", #"{"givenName": "Barbara", "familyName": "J"}"#),
        ("boolean string False", #"[{"op": "replace", "path": "active", "value": "False"}]"#, "active", "false"),
        ("boolean string True", #"[{"op": "Replace", "path": "active", "value": "True"}]"#, "active", "true"),
        ("path-less object", #"[{"op": "replace", "value": {"active": false, "displayName": "X"}}]"#, "active", "false"),
        ("path-less dotted keys", #"[{"op": "Replace", "value": {"name.givenName": "Bee", "name.familyName": "Jay"}}]"#, "name", #"{"givenName": "Bee", "familyName": "Jay"}"#),
        ("path-less ignores id", #"[{"op": "replace", "value": {"id": "other", "title": "T"}}]"#, "title", #""T""#),
        ("filtered sub-attribute", #"[{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "new@example.com"}]"#, "emails", #"[{"value": "new@example.com", "type": "work", "primary": true}, {"value": "babs@home.org", "type": "home"}]"#),
        ("filtered add creates (Entra)", #"[{"op": "Add", "path": "phoneNumbers[type eq \"mobile\"].value", "value": "+1 555"}]"#, "phoneNumbers", #"[{"type": "mobile", "value": "+1 555"}]"#),
        ("filtered remove", #"[{"op": "remove", "path": "emails[type eq \"home\"]"}]"#, "emails", #"[{"value": "bjensen@example.com", "type": "work", "primary": true}]"#),
        ("filtered remove no match is no-op", #"[{"op": "remove", "path": "emails[type eq \"other\"]"}]"#, "emails", #"[{"value": "bjensen@example.com", "type": "work", "primary": true}, {"value": "babs@home.org", "type": "home"}]"#),
        ("remove attribute", #"[{"op": "remove", "path": "title"}]"#, "title", "null"),
        ("remove sub-attribute", #"[{"op": "remove", "path": "name.givenName"}]"#, "name", #"{"familyName": "Jensen"}"#),
        ("add to multi-valued appends", #"[{"op": "add", "path": "emails", "value": [{"value": "x@y.z", "type": "other"}]}]"#, "emails", #"[{"value": "bjensen@example.com", "type": "work", "primary": true}, {"value": "babs@home.org", "type": "home"}, {"value": "x@y.z", "type": "other"}]"#),
        ("add duplicate skipped", #"[{"op": "add", "path": "emails", "value": [{"value": "babs@home.org", "type": "home"}]}]"#, "emails", #"[{"value": "bjensen@example.com", "type": "work", "primary": true}, {"value": "babs@home.org", "type": "home"}]"#),
        ("new primary clears old", #"[{"op": "replace", "path": "emails[type eq \"home\"].primary", "value": true}]"#, "emails", #"[{"value": "bjensen@example.com", "type": "work", "primary": false}, {"value": "babs@home.org", "type": "home", "primary": true}]"#),
        ("replace multi-valued wholesale", #"[{"op": "replace", "path": "emails", "value": [{"value": "only@x.y"}]}]"#, "emails", #"[{"value": "only@x.y"}]"#),
        ("extension URN path", #"[{"op": "add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "value": "42"}]"#, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", #"{"employeeNumber": "42"}"#),
        ("extension URN sub-attribute", #"[{"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", "value": "m1"}]"#, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", #"{"manager": {"value": "m1"}}"#),
        ("path-less extension object", #"[{"op": "add", "value": {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "R&D"}}}]"#, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", #"{"department": "R&D"}"#),
        ("path-less extension key (Entra)", #"[{"op": "Add", "value": {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Ops"}}]"#, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", #"{"department": "Ops"}"#),
        ("core URN prefix", #"[{"op": "replace", "path": "urn:ietf:params:scim:schemas:core:2.0:User:title", "value": "Chief"}]"#, "title", #""Chief""#),
        ("externalId", #"[{"op": "add", "path": "externalId", "value": "jc-1"}]"#, "externalId", #""jc-1""#),
        ("password accepted, discarded", #"[{"op": "replace", "path": "password", "value": "secret"}]"#, "password", "null"),
        ("ops apply in order", #"[{"op": "replace", "path": "title", "value": "A"}, {"op": "replace", "path": "title", "value": "B"}]"#, "title", #""B""#),
        ("replace with null removes", #"[{"op": "replace", "path": "title", "value": null}]"#, "title", "null"),
    ]

    @Test(arguments: forms.indices)
    func appliesForm(_ index: Int) throws {
        let form = Self.forms[index]
        let attributes = try Self.apply(form.operations)
        #expect((attributes[form.probe] ?? .null) == json(form.expected), "\(form.name)")
    }

    static let failures: [(name: String, operations: String, code: SCIMError.Code)] = [
        ("unknown attribute", #"[{"op": "replace", "path": "nosuch", "value": 1}]"#, .invalidPath),
        ("bad path syntax", #"[{"op": "replace", "path": "emails[type eq", "value": 1}]"#, .invalidPath),
        ("filter on single-valued", #"[{"op": "replace", "path": "title[value eq \"x\"]", "value": 1}]"#, .invalidPath),
        ("unknown sub-attribute", #"[{"op": "replace", "path": "name.nosuch", "value": "x"}]"#, .invalidPath),
        ("unknown schema", #"[{"op": "replace", "path": "urn:x:y:attr", "value": "x"}]"#, .invalidPath),
        ("remove without path", #"[{"op": "remove"}]"#, .noTarget),
        ("replace filter no match (non-eq)", #"[{"op": "replace", "path": "emails[value co \"nowhere\"].value", "value": "x"}]"#, .noTarget),
        ("wrong type", #"[{"op": "replace", "path": "active", "value": "maybe"}]"#, .invalidValue),
        ("wrong type string", #"[{"op": "replace", "path": "userName", "value": 5}]"#, .invalidValue),
        ("missing value", #"[{"op": "add", "path": "title"}]"#, .invalidValue),
        ("path-less non-object", #"[{"op": "replace", "value": "x"}]"#, .invalidValue),
        ("remove required", #"[{"op": "remove", "path": "userName"}]"#, .invalidValue),
        ("read-only id", #"[{"op": "replace", "path": "id", "value": "x"}]"#, .mutability),
        ("read-only meta", #"[{"op": "replace", "path": "meta.version", "value": "x"}]"#, .mutability),
        ("read-only groups", #"[{"op": "add", "path": "groups", "value": [{"value": "g"}]}]"#, .mutability),
        ("unknown op", #"[{"op": "move", "path": "title", "value": "x"}]"#, .invalidSyntax),
    ]

    @Test(arguments: failures.indices)
    func refuses(_ index: Int) throws {
        let failure = Self.failures[index]
        #expect(throws: SCIMError(failure.code), "\(failure.name)") { try Self.apply(failure.operations) }
    }

    @Test func atomic() throws {
        let original = try user(Self.base)
        let request = try Self.patch(#"[{"op": "replace", "path": "title", "value": "Changed"}, {"op": "replace", "path": "nosuch", "value": 1}]"#)
        #expect(throws: SCIMError(.invalidPath)) { try original.applying(request) }
        #expect(original.attributes["title"] == .string("Guide"))
    }

    @Test func requestNeedsOperations() {
        #expect(throws: SCIMError(.invalidSyntax)) { try SCIMPatchRequest(json: json(#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}"#)) }
        #expect(throws: SCIMError(.invalidSyntax)) { try SCIMPatchRequest(json: json(#"{"schemas": ["urn:x"], "Operations": []}"#)) }
        #expect(throws: SCIMError(.invalidSyntax)) { try SCIMPatchRequest(json: json("[]")) }
    }

    // MARK: Group membership forms

    static let admins = #"{"displayName": "Admins", "members": [{"value": "u1"}, {"value": "u2"}, {"value": "u3"}]}"#

    @Test(arguments: [
        ("JumpCloud add", #"[{"op": "add", "path": "members", "value": [{"value": "u4"}]}]"#, ["u1", "u2", "u3", "u4"]),
        ("add existing is idempotent", #"[{"op": "add", "path": "members", "value": [{"value": "u1"}]}]"#, ["u1", "u2", "u3"]),
        ("JumpCloud remove with value array", #"[{"op": "remove", "path": "members", "value": [{"value": "u2"}, {"value": "u3"}]}]"#, ["u1"]),
        ("remove by filter", #"[{"op": "remove", "path": "members[value eq \"u2\"]"}]"#, ["u1", "u3"]),
        ("Remove by filter, any case", #"[{"op": "Remove", "path": "Members[Value EQ \"u3\"]"}]"#, ["u1", "u2"]),
        ("remove all members", #"[{"op": "remove", "path": "members"}]"#, []),
        ("replace members", #"[{"op": "replace", "path": "members", "value": [{"value": "u9"}]}]"#, ["u9"]),
        ("path-less add members (Okta)", #"[{"op": "add", "value": {"members": [{"value": "u5"}]}}]"#, ["u1", "u2", "u3", "u5"]),
    ])
    func membership(_ name: String, _ operations: String, _ expected: [String]) throws {
        let result = try group(Self.admins).applying(Self.patch(operations))
        #expect(result.memberIDs == expected, "\(name)")
    }

    @Test func renameGroup() throws {
        let result = try group(Self.admins).applying(Self.patch(#"[{"op": "replace", "value": {"id": "g1", "displayName": "Owners"}}]"#))
        #expect(result.displayName == "Owners")
    }

    @Test func parsesPatchPaths() throws {
        let path = try SCIMPatchPath(parsing: #"emails[type eq "work"].value"#)
        #expect(path.attribute == SCIMAttributePath("emails"))
        #expect(path.valueFilter == .comparison(SCIMAttributePath("type"), .eq, .string("work")))
        #expect(path.subAttribute == "value")
        #expect(path.description == #"emails[type eq "work"].value"#)
        #expect(throws: SCIMError(.invalidPath)) { try SCIMPatchPath(parsing: #"emails[type eq "work"].value extra"#) }
        #expect(throws: SCIMError(.invalidPath)) { try SCIMPatchPath(parsing: #"emails[type eq "work"]x"#) }
    }
}
