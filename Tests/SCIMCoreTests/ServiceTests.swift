import Foundation
import Logging
import Testing
@testable import SCIMCore

@Suite struct ServiceErrorTests {
    /// Every error status, with the exact code and the SCIM Error document shape.
    @Test(arguments: [
        ("missing token", "GET", "/Users", nil as String?, Optional<String>.none, 401, nil as String?),
        ("wrong token", "GET", "/Users", nil, "Bearer kisi_scim_wrong", 401, nil),
        ("basic scheme", "GET", "/Users", nil, "Basic dXNlcjpwYXNz", 401, nil),
        ("unknown endpoint", "GET", "/Nope", nil, nil, 404, nil),
        ("unknown user", "GET", "/Users/missing", nil, nil, 404, nil),
        ("unknown group", "DELETE", "/Groups/missing", nil, nil, 404, nil),
        ("unknown schema", "GET", "/Schemas/urn:nope", nil, nil, 404, nil),
        ("unknown resource type", "GET", "/ResourceTypes/Device", nil, nil, 404, nil),
        ("method not allowed", "DELETE", "/Users", nil, nil, 405, nil),
        ("malformed JSON", "POST", "/Users", #"{"userName": "#, nil, 400, "invalidSyntax"),
        ("not an object", "POST", "/Users", "[1]", nil, 400, "invalidSyntax"),
        ("missing userName", "POST", "/Users", #"{"displayName": "x"}"#, nil, 400, "invalidValue"),
        ("unknown attribute", "POST", "/Users", #"{"userName": "x", "shoeSize": 42}"#, nil, 400, "invalidSyntax"),
        ("unknown schema in body", "POST", "/Users", #"{"schemas": ["urn:x:custom"], "userName": "x"}"#, nil, 400, "invalidValue"),
        ("unknown extension", "POST", "/Users", #"{"userName": "x", "urn:x:custom:2.0:User": {}}"#, nil, 400, "invalidSyntax"),
        ("wrong type", "POST", "/Users", #"{"userName": "x", "active": 3}"#, nil, 400, "invalidValue"),
        ("empty body", "POST", "/Groups", "", nil, 400, "invalidSyntax"),
        ("bad filter", "GET", "/Users?filter=userName%20eq", nil, nil, 400, "invalidFilter"),
        ("unknown filter attribute", "GET", "/Users?filter=shoeSize%20eq%201", nil, nil, 400, "invalidFilter"),
        ("bad count", "GET", "/Users?count=many", nil, nil, 400, "invalidValue"),
        ("bad sortOrder", "GET", "/Users?sortBy=userName&sortOrder=up", nil, nil, 400, "invalidValue"),
        ("bad sortBy", "GET", "/Users?sortBy=shoeSize", nil, nil, 400, "invalidValue"),
        ("Me", "GET", "/Me", nil, nil, 501, nil),
        ("Bulk", "POST", "/Bulk", "{}", nil, 501, nil),
    ])
    func status(
        _ name: String, _ method: String, _ target: String, _ body: String?, _ authorization: String?, _ status: Int,
        _ scimType: String?
    ) async {
        let h = await Harness.make()
        let auth: String?? = name == "missing token" ? .some(nil) : (authorization.map { .some($0) } ?? .none)
        let response = await h.send(method, target, json: body, authorization: auth)
        #expect(response.status == status, "\(name): \(response.text)")
        let document = response.json
        #expect(document?["schemas"] == json(#"["urn:ietf:params:scim:api:messages:2.0:Error"]"#), "\(name)")
        #expect(document?["status"] == .string(String(status)), "\(name)")
        #expect(response.scimType == scimType, "\(name)")
        #expect(response.headers["Content-Type"] == "application/scim+json")
        if status == 401 {
            #expect(response.headers["WWW-Authenticate"] == #"Bearer realm="SCIM""#)
        }
    }

    @Test func duplicateUserNameIsCaseInsensitive() async {
        let h = await Harness.make()
        _ = await h.createUser("Alice@Example.com")
        let response = await h.send("POST", "/Users", json: #"{"userName": "alice@example.COM"}"#)
        #expect(response.status == 409)
        #expect(response.scimType == "uniqueness")
        // Renaming into a taken name is refused the same way.
        let bob = await h.createUser("bob")
        let rename = await h.send("PUT", "/Users/\(bob)", json: #"{"userName": "ALICE@example.com"}"#)
        #expect(rename.status == 409)
    }

    @Test func revokedTokenIsRefused() async throws {
        let h = await Harness.make()
        #expect(await h.send("GET", "/Users").status == 200)
        let record = try #require(await h.tokens.allRecords().first)
        #expect(await h.tokens.revoke(id: record.id, now: h.clock.now()))
        #expect(await h.send("GET", "/Users").status == 401)
    }

    @Test func severalActiveTokens() async {
        let h = await Harness.make()
        let second = await h.tokens.issue(label: "Okta", now: h.clock.now()).token
        #expect(await h.send("GET", "/Users", authorization: .some("Bearer \(second)")).status == 200)
        #expect(await h.send("GET", "/Users", authorization: .some("bearer \(h.token)")).status == 200)
    }

    @Test func bodyOverTheCapIs413() async {
        let h = await Harness.make { $0.maxBodyBytes = 100 }
        let big = #"{"userName": "\#(String(repeating: "x", count: 200))"}"#
        let response = await h.send("POST", "/Users", json: big)
        #expect(response.status == 413)
        #expect(response.json?["status"] == .string("413"))
        // Advertised in the ServiceProviderConfig.
        let config = await h.send("GET", "/ServiceProviderConfig").json
        #expect(config?["bulk"]?["maxPayloadSize"] == .integer(100))
        // Unauthenticated requests get 401 before any size check.
        #expect(await h.send("POST", "/Users", json: big, authorization: .some(nil)).status == 401)
    }

    @Test func tooManyPatchOperationsIs413() async {
        let h = await Harness.make { $0.maxPatchOperations = 1 }
        let id = await h.createUser("u")
        let patch = #"{"Operations": [{"op": "replace", "path": "title", "value": "a"}, {"op": "replace", "path": "title", "value": "b"}]}"#
        #expect(await h.send("PATCH", "/Users/\(id)", json: patch).status == 413)
    }

    @Test func unsupportedMediaType() async {
        let h = await Harness.make()
        let response = await h.send("POST", "/Users", json: #"{"userName": "x"}"#, headers: ["Content-Type": "text/plain"])
        #expect(response.status == 415)
    }

    @Test func storeFailureIs500WithoutDetail() async {
        struct Broken: Error {}
        struct AllowAll: SCIMAuthenticator {
            func authenticate(_ request: SCIMRequest) async throws -> Bool { true }
        }
        let service = SCIMService(
            configuration: SCIMServiceConfiguration(baseURL: Harness.baseURL), store: ThrowingStore(error: Broken()),
            authenticator: AllowAll(), now: { Date(timeIntervalSince1970: 0) },
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let response = await service.handle(SCIMRequest(method: "GET", path: "/Users"))
        #expect(response.status == 500)
        #expect(response.json?["detail"] == .string("The request could not be completed."))
        #expect(!response.text.contains("Broken"))
    }

    /// A store or authenticator that says its database is down for now: 503 `unavailable` with Retry-After, not
    /// 500 and not 401 (a valid token must not look revoked because the token table is unreachable).
    @Test(arguments: [true, false])
    func temporaryFailureIs503(inAuthenticator: Bool) async throws {
        struct Down: SCIMTemporaryFailure { var isTemporary: Bool { true } }
        struct Authenticator: SCIMAuthenticator {
            let down: Bool
            func authenticate(_ request: SCIMRequest) async throws -> Bool {
                if down { throw Down() }
                return true
            }
        }
        let service = SCIMService(
            configuration: SCIMServiceConfiguration(baseURL: Harness.baseURL),
            store: inAuthenticator ? InMemorySCIMStore() : ThrowingStore(error: Down()),
            authenticator: Authenticator(down: inAuthenticator), now: { Date(timeIntervalSince1970: 0) },
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        for request in [
            SCIMRequest(method: "GET", path: "/Users"),
            SCIMRequest(method: "POST", path: "/Users", headers: ["Content-Type": "application/scim+json"], body: Data(#"{"userName":"a"}"#.utf8)),
        ] {
            let response = await service.handle(request)
            #expect(response.status == 503)
            #expect(response.headers["Retry-After"] == "5")
            #expect(response.headers["WWW-Authenticate"] == nil)
            #expect(response.json?["status"] == .string("503"))
        }
        // An error that is not temporary stays a 500.
        struct Permanent: SCIMTemporaryFailure { var isTemporary: Bool { false } }
        struct PermanentAuthenticator: SCIMAuthenticator {
            func authenticate(_ request: SCIMRequest) async throws -> Bool { throw Permanent() }
        }
        let permanent = SCIMService(
            configuration: SCIMServiceConfiguration(baseURL: Harness.baseURL), store: InMemorySCIMStore(),
            authenticator: PermanentAuthenticator(), now: { Date(timeIntervalSince1970: 0) },
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        #expect(await permanent.handle(SCIMRequest(method: "GET", path: "/Users")).status == 500)
    }
}

@Suite struct ServiceETagTests {
    @Test func conditionalRequests() async throws {
        let h = await Harness.make()
        let id = await h.createUser("etag")
        let get = await h.send("GET", "/Users/\(id)")
        let etag = try #require(get.headers["ETag"])
        #expect(get.json?["meta"]?["version"] == .string(etag))
        // If-None-Match with the current version → 304, no body; strong form compares weakly.
        let notModified = await h.send("GET", "/Users/\(id)", headers: ["If-None-Match": etag])
        #expect(notModified.status == 304 && notModified.body == nil)
        #expect(await h.send("GET", "/Users/\(id)", headers: ["If-None-Match": #""1""#]).status == 304)
        #expect(await h.send("GET", "/Users/\(id)", headers: ["If-None-Match": #"W/"99""#]).status == 200)
        // If-Match mismatch → 412 on PUT, PATCH and DELETE; nothing changes.
        let patch = #"{"Operations": [{"op": "replace", "path": "title", "value": "x"}]}"#
        #expect(await h.send("PATCH", "/Users/\(id)", json: patch, headers: ["If-Match": #"W/"99""#]).status == 412)
        #expect(await h.send("PUT", "/Users/\(id)", json: #"{"userName": "etag"}"#, headers: ["If-Match": #"W/"99""#]).status == 412)
        #expect(await h.send("DELETE", "/Users/\(id)", headers: ["If-Match": #"W/"99""#]).status == 412)
        #expect(await h.send("GET", "/Users/\(id)").json?["title"] == nil)
        // Matching If-Match (or *) proceeds; the version moves.
        let patched = await h.send("PATCH", "/Users/\(id)", json: patch, headers: ["If-Match": etag])
        #expect(patched.status == 200)
        #expect(patched.headers["ETag"] == #"W/"2""#)
        // A PATCH that changes nothing keeps the version.
        #expect(await h.send("PATCH", "/Users/\(id)", json: patch).headers["ETag"] == #"W/"2""#)
        #expect(await h.send("DELETE", "/Users/\(id)", headers: ["If-Match": "*"]).status == 204)
    }
}

@Suite struct ServiceListTests {
    static func populated() async -> Harness {
        let h = await Harness.make { $0.maxPageSize = 3 }
        for name in ["carol", "alice", "Eve", "bob", "dave"] { _ = await h.createUser(name) }
        return h
    }

    static func userNames(_ response: SCIMResponse) -> [String] {
        response.json?["Resources"]?.arrayValue?.compactMap { $0["userName"]?.stringValue } ?? []
    }

    @Test func pagingIsOneBased() async {
        let h = await Self.populated()
        let page = await h.send("GET", "/Users?startIndex=2&count=2")
        #expect(page.json?["totalResults"] == .integer(5))
        #expect(page.json?["startIndex"] == .integer(2))
        #expect(page.json?["itemsPerPage"] == .integer(2))
        #expect(Self.userNames(page) == ["alice", "Eve"])
        #expect(Self.userNames(await h.send("GET", "/Users?startIndex=0&count=1")) == ["carol"])
        #expect(Self.userNames(await h.send("GET", "/Users?startIndex=9")) == [])
    }

    @Test func countZeroGivesTotalsOnly() async {
        let h = await Self.populated()
        let response = await h.send("GET", "/Users?count=0")
        #expect(response.json?["totalResults"] == .integer(5))
        #expect(response.json?["itemsPerPage"] == .integer(0))
        #expect(response.json?["Resources"] == .array([]))
    }

    @Test func countIsCappedAtTheMaximum() async {
        let h = await Self.populated()
        #expect(Self.userNames(await h.send("GET", "/Users?count=50")).count == 3)
        #expect(Self.userNames(await h.send("GET", "/Users")).count == 3)
        #expect(await h.send("GET", "/ServiceProviderConfig").json?["filter"]?["maxResults"] == .integer(3))
    }

    @Test func sorting() async {
        let h = await Self.populated()
        #expect(Self.userNames(await h.send("GET", "/Users?sortBy=userName&count=3")) == ["alice", "bob", "carol"])
        #expect(Self.userNames(await h.send("GET", "/Users?sortBy=USERNAME&sortOrder=descending&count=3")) == ["Eve", "dave", "carol"])
    }

    @Test func filteredList() async {
        let h = await Self.populated()
        let response = await h.send("GET", #"/Users?filter=userName%20sw%20%22e%22%20or%20userName%20eq%20%22BOB%22"#)
        #expect(Set(Self.userNames(response)) == ["Eve", "bob"])
    }

    @Test func attributesProjection() async throws {
        let h = await Self.populated()
        let response = await h.send("GET", "/Users?attributes=userName&count=1")
        let resource = try #require(response.json?["Resources"]?.arrayValue?.first?.objectValue)
        #expect(Set(resource.keys) == ["id", "schemas", "userName"])
        let excluded = await h.send("GET", "/Users?excludedAttributes=meta,active&count=1")
        let other = try #require(excluded.json?["Resources"]?.arrayValue?.first?.objectValue)
        #expect(other["meta"] == nil && other["active"] == nil && other["userName"] != nil && other["id"] != nil)
        let id = try #require(resource["id"]?.stringValue)
        let single = await h.send("GET", "/Users/\(id)?attributes=name.givenName,emails.value")
        #expect(Set(single.json?.objectValue?.keys ?? [:].keys) == ["id", "schemas"])
    }

    @Test func searchEndpoints() async throws {
        let h = await Self.populated()
        _ = await h.createGroup("alpha")
        let typed = await h.send(
            "POST", "/Users/.search",
            json: #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "userName sw \"a\"", "attributes": ["userName"], "count": 10}"#)
        #expect(typed.status == 200)
        #expect(Self.userNames(typed) == ["alice"])
        let root = await h.send(
            "POST", "/.search", json: #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "meta.created pr", "startIndex": 5, "count": 2}"#)
        #expect(root.json?["totalResults"] == .integer(6))
        let types = root.json?["Resources"]?.arrayValue?.compactMap { $0["meta"]?["resourceType"]?.stringValue }
        #expect(types == ["User", "Group"])
        // A filter only groups understand still searches groups.
        let groupsOnly = await h.send("POST", "/.search", json: #"{"filter": "displayName eq \"ALPHA\""}"#)
        #expect(groupsOnly.json?["totalResults"] == .integer(1))
        #expect(await h.send("GET", "/.search").status == 405)
    }
}

@Suite struct DiscoveryTests {
    @Test func serviceProviderConfigIsTruthful() async throws {
        let h = await Harness.make()
        let config = try #require(await h.send("GET", "/ServiceProviderConfig").json)
        #expect(config["patch"]?["supported"] == .bool(true))
        #expect(config["bulk"]?["supported"] == .bool(false))
        #expect(config["bulk"]?["maxPayloadSize"] == .integer(1_048_576))
        #expect(config["etag"]?["supported"] == .bool(true))
        #expect(config["sort"]?["supported"] == .bool(true))
        #expect(config["changePassword"]?["supported"] == .bool(false))
        #expect(config["authenticationSchemes"]?.arrayValue?.first?["type"] == .string("oauthbearertoken"))
        #expect(config["meta"]?["location"] == .string("\(Harness.baseURL)/ServiceProviderConfig"))
    }

    @Test func resourceTypesAndSchemas() async throws {
        let h = await Harness.make()
        let types = await h.send("GET", "/ResourceTypes")
        #expect(types.json?["totalResults"] == .integer(2))
        let user = try #require(await h.send("GET", "/ResourceTypes/User").json)
        #expect(user["endpoint"] == .string("/Users"))
        #expect(user["schemaExtensions"]?.arrayValue?.first?["schema"] == .string(SCIMSchemaURN.enterpriseUser))
        let schemas = await h.send("GET", "/Schemas")
        #expect(schemas.json?["totalResults"] == .integer(3))
        let userSchema = try #require(await h.send("GET", "/Schemas/\(SCIMSchemaURN.user)").json)
        let userName = userSchema["attributes"]?.arrayValue?.first { $0["name"] == .string("userName") }
        #expect(userName?["uniqueness"] == .string("server"))
        #expect(userName?["caseExact"] == .bool(false))
        #expect(userName?["required"] == .bool(true))
        let groups = userSchema["attributes"]?.arrayValue?.first { $0["name"] == .string("groups") }
        #expect(groups?["mutability"] == .string("readOnly"))
    }

    @Test func discoveryCanBeOpen() async {
        let closed = await Harness.make()
        #expect(await closed.send("GET", "/Schemas", authorization: .some(nil)).status == 401)
        let open = await Harness.make { $0.discoveryRequiresAuthentication = false }
        #expect(await open.send("GET", "/Schemas", authorization: .some(nil)).status == 200)
        #expect(await open.send("GET", "/Users", authorization: .some(nil)).status == 401)
    }
}

@Suite struct ResourceInputTests {
    @Test func readOnlyAttributesAreIgnoredOnInput() async throws {
        let h = await Harness.make()
        let response = await h.send(
            "POST", "/Users",
            json: #"{"id": "chosen", "meta": {"version": "x"}, "groups": [{"value": "g"}], "USERNAME": "ro", "password": "secret"}"#)
        #expect(response.status == 201)
        let body = try #require(response.json)
        #expect(body["id"] != .string("chosen"))
        #expect(body["groups"] == nil)
        #expect(body["password"] == nil)
        #expect(body["userName"] == .string("ro"))
        #expect(!response.text.contains("secret"))
    }

    @Test func requestTargetParsing() {
        let request = SCIMRequest(method: "get", target: "/Users?filter=userName+eq+%22a%2Bb%40x.com%22&count=5")
        #expect(request.method == "GET")
        #expect(request.path == "/Users")
        #expect(request.parameter("FILTER") == #"userName eq "a+b@x.com""#)
        #expect(request.parameter("count") == "5")
    }
}

/// A store whose every operation throws `error`.
private struct ThrowingStore: SCIMStore {
    let error: any Error & Sendable

    func create(_ resource: SCIMResource) async throws -> SCIMResource { throw error }
    func resource(_ type: SCIMResourceType, id: String) async throws -> SCIMResource? { throw error }
    func query(_ type: SCIMResourceType, _ query: SCIMQuery) async throws -> SCIMQueryResult { throw error }
    func update(
        _ type: SCIMResourceType, id: String, expectedVersions: [String]?,
        _ transform: @escaping @Sendable (SCIMResource) throws -> SCIMResource
    ) async throws -> SCIMResource { throw error }
    func delete(_ type: SCIMResourceType, id: String, expectedVersions: [String]?) async throws { throw error }
}
