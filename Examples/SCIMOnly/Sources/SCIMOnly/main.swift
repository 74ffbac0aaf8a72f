// Serves JumpCloud-shaped SCIM requests with SCIMCore alone (in-memory store, no logger, full request paths as
// an HTTP framework hands them over) and prints what a client would see.
import Foundation
import SCIMCore

let tokens = InMemorySCIMTokenStore()
let token = await tokens.issue(label: "JumpCloud", now: .now).token
let service = SCIMService(
    configuration: SCIMServiceConfiguration(baseURL: "https://kisi.example/scim/v2"),
    store: InMemorySCIMStore(), authenticator: SCIMBearerTokenAuthenticator(source: tokens), now: { .now })
let headers = ["Authorization": "Bearer \(token)", "Content-Type": "application/scim+json"]

let created = await service.handle(SCIMRequest(
    method: "POST", target: "/scim/v2/Users", headers: headers,
    body: Data(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"jdoe@example.com","active":true}"#.utf8)))
let found = await service.handle(SCIMRequest(
    method: "GET", target: "/scim/v2/Users?filter=userName%20eq%20%22jdoe@example.com%22", headers: headers))
print("POST /Users:", created.status, "GET /Users?filter:", found.status)
guard created.status == 201, found.status == 200,
    String(decoding: found.body ?? Data(), as: UTF8.self).contains(#""totalResults":1"#)
else { exit(1) }
