import Foundation
import Hummingbird
import HummingbirdTesting
import KisiIdentityServer
import SCIMCore
import Testing

/// The HTTP server in-process on a loopback port chosen by the system.
@Suite struct IdentityServerTests {
    static let userSchema = "urn:ietf:params:scim:schemas:core:2.0:User"

    static func server(_ temp: TemporaryDatabase) throws -> IdentityServer {
        try IdentityServer(
            configuration: IdentityServerConfiguration(host: "127.0.0.1", port: 0, databasePath: temp.path),
            logger: silentLogger)
    }

    static func headers(_ token: String?) -> HTTPFields {
        var fields: HTTPFields = [.contentType: "application/scim+json"]
        if let token { fields[.authorization] = "Bearer \(token)" }
        return fields
    }

    static func json(_ buffer: ByteBuffer) -> JSONValue? { try? JSONValue.parse(Data(buffer.readableBytesView)) }

    @Test func healthz() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        try await Self.server(temp).makeApplication().test(.live) { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
        }
    }

    @Test func tokensTakeEffectWithoutRestart() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let server = try Self.server(temp)
        // A second handle on the file, as the `scim token` command in another process would use.
        let admin = SQLiteTokenStore(database: try temp.open())
        try await server.makeApplication().test(.live) { client in
            let anonymous = try await client.execute(uri: "/scim/v2/Users", method: .get, headers: Self.headers(nil))
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let issued = try await admin.create(label: "JumpCloud")
            let allowed = try await client.execute(uri: "/scim/v2/Users", method: .get, headers: Self.headers(issued.token))
            #expect(allowed.status == .ok)
            #expect(Self.json(allowed.body)?["totalResults"] == .integer(0))
            #expect(try await admin.list().first?.lastUsedAt != nil)
            #expect(try await admin.revoke(id: issued.record.id))
            // An accepted token is trusted for at most a second (acceptedTokenCacheSeconds).
            try await Task.sleep(for: .milliseconds(1100))
            let revoked = try await client.execute(uri: "/scim/v2/Users", method: .get, headers: Self.headers(issued.token))
            #expect(revoked.status == .unauthorized)
        }
        // Only the hash is stored.
        let raw = try Data(contentsOf: URL(fileURLWithPath: temp.path))
        #expect(raw.range(of: Data(SCIMToken.prefix.utf8)) == nil)
    }

    @Test func locationsUseTheBoundPort() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let server = try Self.server(temp)
        let token = try await server.tokens.create(label: "t").token
        try await server.makeApplication().test(.live) { client in
            let body = #"{"schemas":["\#(Self.userSchema)"],"userName":"alice"}"#
            let created = try await client.execute(
                uri: "/scim/v2/Users", method: .post, headers: Self.headers(token), body: ByteBuffer(string: body))
            #expect(created.status == .created)
            let location = try #require(created.headers[.location])
            #expect(location.hasPrefix("http://127.0.0.1:\(client.port ?? -1)/scim/v2/Users/"))
            #expect(created.headers[.contentType] == "application/scim+json")
        }
    }

    @Test func oversizedBodiesAreRefused() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let server = try Self.server(temp)
        let token = try await server.tokens.create(label: "t").token
        try await server.makeApplication().test(.live) { client in
            let huge = ByteBuffer(repeating: UInt8(ascii: " "), count: 1_048_577)
            let response = try await client.execute(
                uri: "/scim/v2/Users", method: .post, headers: Self.headers(token), body: huge)
            #expect(response.status == .contentTooLarge)
            #expect(try await SQLiteSCIMStore(database: try temp.open()).count(.user) == 0)
        }
    }

    /// JumpCloud's conversation (../shared/notes/jumpcloud.md), a restart, and everything is still there.
    @Test func jumpCloudProvisioningSurvivesRestart() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let first = try Self.server(temp)
        let token = try await first.tokens.create(label: "JumpCloud").token
        let ids = try await first.makeApplication().test(.live) { client -> (user: String, group: String) in
            func send(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil) async throws -> TestResponse {
                try await client.execute(
                    uri: uri, method: method, headers: Self.headers(token), body: body.map { ByteBuffer(string: $0) })
            }
            let lookup = try await send(.get, "/scim/v2/Users?filter=userName%20eq%20%22jdoe%40example.com%22")
            #expect(Self.json(lookup.body)?["totalResults"] == .integer(0))
            let created = try await send(
                .post, "/scim/v2/Users",
                """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                 "userName":"jdoe@example.com","externalId":"5f1b2c3d4e5f6a7b8c9d0e1f",
                 "name":{"givenName":"John","familyName":"Doe"},"displayName":"John Doe",
                 "emails":[{"value":"jdoe@example.com","type":"work","primary":true}],"active":true,
                 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D"}}
                """)
            #expect(created.status == .created)
            let user = try #require(Self.json(created.body)?["id"]?.stringValue)
            let patched = try await send(
                .patch, "/scim/v2/Users/\(user)",
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"name.givenName","value":"Johnny"}]}"#)
            #expect(patched.status == .ok)
            let group = try await send(
                .post, "/scim/v2/Groups",
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineering","members":[{"value":"\#(user)"}]}"#)
            #expect(group.status == .created)
            let groupID = try #require(Self.json(group.body)?["id"]?.stringValue)
            let deactivated = try await send(
                .patch, "/scim/v2/Users/\(user)",
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":"False"}]}"#)
            #expect(deactivated.status == .ok)
            return (user, groupID)
        }
        // Restart on the same file.
        let second = try Self.server(temp)
        try await second.makeApplication().test(.live) { client in
            let lookup = try await client.execute(
                uri: "/scim/v2/Users?filter=userName%20eq%20%22JDOE%40example.com%22", method: .get,
                headers: Self.headers(token))
            let found = try #require(Self.json(lookup.body)?["Resources"]?.arrayValue?.first)
            #expect(found["id"] == .string(ids.user))
            #expect(found["active"] == .bool(false))
            #expect(found["name"]?["givenName"] == .string("Johnny"))
            #expect(found["groups"]?.arrayValue?.first?["value"] == .string(ids.group))
            #expect(found["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]?["department"] == .string("R&D"))
            let group = try await client.execute(
                uri: "/scim/v2/Groups/\(ids.group)", method: .get, headers: Self.headers(token))
            #expect(Self.json(group.body)?["members"]?.arrayValue?.count == 1)
        }
    }
}
