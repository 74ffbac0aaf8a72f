import Foundation
import Testing
@testable import SCIMCore

/// scim2-models (the scim2-tester suite) repeats `schemas` inside extension objects; it is ignored, not refused.
@Suite struct ExtensionSchemasTests {
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    @Test func createAcceptsSchemasInsideTheExtension() async throws {
        let h = await Harness.make()
        let created = await h.send(
            "POST", "/Users",
            json: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","\#(Self.enterprise)"],"userName":"x","\#(Self.enterprise)":{"schemas":["\#(Self.enterprise)"],"department":"R&D"}}"#)
        #expect(created.status == 201)
        #expect(created.json?[Self.enterprise]?["department"] == .string("R&D"))
        #expect(created.json?[Self.enterprise]?["schemas"] == nil)
    }

    @Test(arguments: ["add", "replace"])
    func patchWithExtensionPathAcceptsSchemas(op: String) async throws {
        let h = await Harness.make()
        let id = await h.createUser("y")
        let patched = await h.send(
            "PATCH", "/Users/\(id)",
            json: #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"\#(op)","path":"\#(Self.enterprise)","value":{"schemas":["\#(Self.enterprise)"],"employeeNumber":"42"}}]}"#)
        #expect(patched.status == 200)
        #expect(patched.json?[Self.enterprise]?["employeeNumber"] == .string("42"))
    }
}
