import Foundation
import Logging
import SCIMCore
import Testing

// The code of Docs.docc/ServingSCIM.md, kept compiling and exercised here.

func makeService(logger: Logger) async -> (service: SCIMService, tokenToShowOnce: String) {
    let tokens = InMemorySCIMTokenStore()
    let issued = await tokens.issue(label: "JumpCloud", now: Date())
    let service = SCIMService(
        configuration: SCIMServiceConfiguration(baseURL: "https://example.com/scim/v2"),
        store: InMemorySCIMStore(),
        authenticator: SCIMBearerTokenAuthenticator(source: tokens),
        now: { Date() },
        logger: logger)
    return (service, issued.token)
}

func adapt(
    service: SCIMService, method: String, requestTarget: String, headers: [String: String], body: Data?
) async -> (status: Int, headers: [String: String], body: Data?) {
    let mount = "/scim/v2"
    let relative = requestTarget.hasPrefix(mount) ? String(requestTarget.dropFirst(mount.count)) : requestTarget
    let response = await service.handle(
        SCIMRequest(method: method, target: relative, headers: headers, body: body))
    return (response.status, response.headers, response.body)
}

@Suite struct DocSnippetTests {
    @Test func servingSCIMArticle() async {
        let (service, token) = await makeService(logger: Logger(label: "doc", factory: { _ in SwiftLogNoOpLogHandler() }))
        let created = await adapt(
            service: service, method: "POST", requestTarget: "/scim/v2/Users",
            headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/scim+json"],
            body: Data(#"{"userName": "doc@example.com"}"#.utf8))
        #expect(created.status == 201)
        #expect(created.headers["Location"]?.hasPrefix("https://example.com/scim/v2/Users/") == true)
        let found = await adapt(
            service: service, method: "GET", requestTarget: "/scim/v2/Users?filter=userName%20eq%20%22DOC%40example.com%22",
            headers: ["Authorization": "Bearer \(token)"], body: nil)
        #expect(found.status == 200)
        #expect(String(decoding: found.body ?? Data(), as: UTF8.self).contains(#""totalResults":1"#))
    }
}
