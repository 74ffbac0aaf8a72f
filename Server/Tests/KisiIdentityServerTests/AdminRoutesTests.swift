import Foundation
import Hummingbird
import HummingbirdTesting
import IdentityPostgres
import KisiIdentityServer
import SCIMCore
import Testing

/// The admin API's authentication: the owner's admin token opens its own organization only.
@Suite struct AdminRoutesTests {
    @Test func onlyTheOwnersTokenOpensItsOrganization() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let stores = ServerStores(sqlite: try temp.open())
        let acme = try await stores.organizations.create(name: "Acme", ownerEmail: "owner@acme.example")
        let globex = try await stores.organizations.create(name: "Globex", ownerEmail: "boss@globex.example")
        try await SSOTests.server(temp).makeApplication().test(.live) { client in
            func get(_ org: String, token: String?) async throws -> TestResponse {
                try await client.execute(
                    uri: "/admin/orgs/\(org)", method: .get,
                    headers: token.map { [.authorization: "Bearer \($0)"] } ?? [:])
            }
            let own = try await get(acme.record.id, token: acme.adminToken)
            #expect(own.status == .ok)
            #expect(SSOTests.json(own.body)?["name"]?.stringValue == "Acme")
            #expect(SSOTests.json(own.body)?["owner_email"]?.stringValue == "owner@acme.example")

            for (org, token) in [(acme.record.id, globex.adminToken), ("org_doesnotexist", globex.adminToken)] {
                let other = try await get(org, token: token)
                #expect(other.status == .forbidden)
                #expect(SSOTests.errorCode(other.body) == "forbidden")
                #expect(SSOTests.json(other.body)?["error"]?["reasons"]?.arrayValue?.compactMap(\.stringValue) == ["not_owner"])
            }
            for token in [nil, "kisi_admin_wrong", acme.adminToken + "x"] {
                let refused = try await get(acme.record.id, token: token)
                #expect(refused.status == .unauthorized)
                #expect(refused.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                #expect(SSOTests.errorCode(refused.body) == "unauthorized")
            }
        }
    }
}
