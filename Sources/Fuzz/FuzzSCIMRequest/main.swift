// libFuzzer harness: SCIM JSON requests through SCIMService.handle over a fresh in-memory store per input.
// The first byte picks the route; the rest is the JSON body (or, for GET, the filter query value).
// Built only by Scripts/fuzz.sh (KISI_FUZZ=1, -sanitize=fuzzer,address).
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import FuzzSupport
import Logging
import SCIMCore
import Synchronization

/// Accepts every request: the harness fuzzes what happens after authentication too.
struct AcceptAll: SCIMAuthenticator {
    func authenticate(_ request: SCIMRequest) async throws -> Bool { true }
}

enum Setup {
    static let executor = InlineExecutor()
    static let routes: [(method: String, target: String)] = [
        ("POST", "/Users"), ("PUT", "/Users/u1"), ("PATCH", "/Users/u1"), ("POST", "/Groups"),
        ("PATCH", "/Groups/g1"), ("PUT", "/Groups/g1"), ("POST", "/.search"), ("POST", "/Users/.search"),
        ("GET", "/Users"), ("GET", "/Groups"),
    ]
    static let userBody = #"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@example.com","active":true,
         "name":{"givenName":"Ada","familyName":"Lovelace"},
         "emails":[{"value":"ada@example.com","type":"work","primary":true}]}
        """#
    static let groupBody = #"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Staff","members":[{"value":"u1"}]}
        """#
    // Bodies are kept as String and turned into Data per input: LeakSanitizer does not see through a static
    // Data's storage and reports it as leaked.
    static let headers = ["Content-Type": "application/scim+json", "Authorization": "Bearer x"]
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let route = Setup.routes[Int(bytes[0]) % Setup.routes.count]
    let body = Data(bytes[1...])
    Setup.executor.runSynchronously {
        let ids = ["u1", "g1", "u2", "g2", "u3", "g3"]
        let counter = Counter()
        let service = SCIMService(
            configuration: SCIMServiceConfiguration(baseURL: "https://example.com/scim/v2"),
            store: InMemorySCIMStore(), authenticator: AcceptAll(),
            now: { Date(timeIntervalSince1970: 1_700_000_000) }, makeID: { ids[counter.next() % ids.count] },
            logger: Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() }))
        _ = await service.handle(SCIMRequest(method: "POST", target: "/Users", headers: Setup.headers, body: Data(Setup.userBody.utf8)))
        _ = await service.handle(SCIMRequest(method: "POST", target: "/Groups", headers: Setup.headers, body: Data(Setup.groupBody.utf8)))
        if route.method == "GET" {
            let filter = String(decoding: body, as: UTF8.self)
            _ = await service.handle(
                SCIMRequest(method: "GET", path: route.target, query: ["filter": filter], headers: Setup.headers))
        } else {
            _ = await service.handle(
                SCIMRequest(method: route.method, target: route.target, headers: Setup.headers, body: body))
        }
    }
    return 0
}

/// A thread-safe counter for the id generator.
final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 - 1 } }
}
