import Foundation
import SCIMCore
import Testing

// The code of Docs.docc/ServingSCIM.md, kept compiling and exercised here.

func makeService() async -> (service: SCIMService, tokenToShowOnce: String) {
    let tokens = InMemorySCIMTokenStore()
    let issued = await tokens.issue(label: "JumpCloud", now: Date())
    let service = SCIMService(
        configuration: SCIMServiceConfiguration(baseURL: "https://example.com/scim/v2"),
        store: InMemorySCIMStore(),
        authenticator: SCIMBearerTokenAuthenticator(source: tokens),
        now: { Date() })  // logger: defaults to one that discards everything
    return (service, issued.token)
}

func adapt(
    service: SCIMService, method: String, requestTarget: String, headers: [String: String], body: Data?
) async -> (status: Int, headers: [String: String], body: Data?) {
    let response = await service.handle(
        SCIMRequest(method: method, target: requestTarget, headers: headers, body: body))
    return (response.status, response.headers, response.body)
}

@Suite struct DocSnippetTests {
    @Test func servingSCIMArticle() async {
        let (service, token) = await makeService()
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

/// An adapter may hand over the full request path, the path relative to the base URL or an absolute URL; only the
/// base URL's own path is stripped, and only as a whole path segment.
@Suite struct RequestTargetTests {
    @Test(arguments: [
        ("/Users", 200), ("/scim/v2/Users", 200), ("https://example.com/scim/v2/Users", 200),
        ("http://example.com:8080/scim/v2/Users?count=1", 200), ("/scim/v2", 404), ("/scim/v2Users", 404),
        ("/other/scim/v2/Users", 404), ("/scim/Users", 404), ("https://example.com", 404),
        ("/Users?filter=userName%20eq%20%22http://x/scim/v2%22", 200),
    ])
    func targets(target: String, status: Int) async {
        let (service, token) = await makeService()
        let response = await service.handle(
            SCIMRequest(method: "GET", target: target, headers: ["Authorization": "Bearer \(token)"]))
        #expect(response.status == status, "\(target)")
    }

    @Test func basePathOfTheConfiguration() {
        #expect(SCIMServiceConfiguration(baseURL: "https://example.com/scim/v2/").basePath == "/scim/v2")
        #expect(SCIMServiceConfiguration(baseURL: "https://example.com").basePath == "")
        #expect(SCIMServiceConfiguration(baseURL: "/tenants/7/scim").basePath == "/tenants/7/scim")
    }
}
