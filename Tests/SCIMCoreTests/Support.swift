import Foundation
import Logging
import Synchronization
@testable import SCIMCore

/// Sequential ids ("u1", "u2", …) so responses are predictable.
final class SequentialIDs: Sendable {
    private let next = Mutex(0)
    func make() -> String {
        next.withLock { value in
            value += 1
            return "id\(value)"
        }
    }
}

/// A movable clock.
final class TestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_700_000_000))
    func now() -> Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

/// A service over an in-memory store with one issued token.
struct Harness {
    let service: SCIMService
    let store: InMemorySCIMStore
    let tokens: InMemorySCIMTokenStore
    let token: String
    let clock: TestClock

    static let baseURL = "https://example.com/scim/v2"

    static func make(
        configure: (inout SCIMServiceConfiguration) -> Void = { _ in }
    ) async -> Harness {
        let store = InMemorySCIMStore()
        let clock = TestClock()
        let tokens = InMemorySCIMTokenStore()
        let token = await tokens.issue(label: "JumpCloud", now: clock.now()).token
        var configuration = SCIMServiceConfiguration(baseURL: baseURL + "/")
        configure(&configuration)
        let ids = SequentialIDs()
        let service = SCIMService(
            configuration: configuration, store: store,
            authenticator: SCIMBearerTokenAuthenticator(source: tokens), now: { clock.now() }, makeID: { ids.make() },
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        return Harness(service: service, store: store, tokens: tokens, token: token, clock: clock)
    }

    /// Sends a request with the bearer token (unless `authorization` overrides it).
    @discardableResult
    func send(
        _ method: String, _ target: String, json: String? = nil, headers: [String: String] = [:],
        authorization: String?? = .none
    ) async -> SCIMResponse {
        var allHeaders = headers
        switch authorization {
        case .none: allHeaders["Authorization"] = "Bearer \(token)"
        case .some(.some(let value)): allHeaders["Authorization"] = value
        case .some(.none): break
        }
        if json != nil && allHeaders["Content-Type"] == nil { allHeaders["Content-Type"] = "application/scim+json" }
        return await service.handle(
            SCIMRequest(method: method, target: target, headers: allHeaders, body: json.map { Data($0.utf8) }))
    }

    /// Creates a user and returns its id.
    func createUser(_ userName: String, email: String? = nil, active: Bool = true, externalId: String? = nil) async -> String {
        var object: [String: JSONValue] = [
            "schemas": .array([.string(SCIMSchemaURN.user)]), "userName": .string(userName), "active": .bool(active),
        ]
        if let email { object["emails"] = .array([.object(["value": .string(email), "type": .string("work"), "primary": .bool(true)])]) }
        if let externalId { object["externalId"] = .string(externalId) }
        let response = await send("POST", "/Users", json: String(decoding: JSONValue.object(object).serialized(), as: UTF8.self))
        return response.json?["id"]?.stringValue ?? "<create failed: \(response.status) \(response.text)>"
    }

    /// Creates a group and returns its id.
    func createGroup(_ name: String, members: [String] = []) async -> String {
        let value = JSONValue.object([
            "schemas": .array([.string(SCIMSchemaURN.group)]), "displayName": .string(name),
            "members": .array(members.map { .object(["value": .string($0)]) }),
        ])
        let response = await send("POST", "/Groups", json: String(decoding: value.serialized(), as: UTF8.self))
        return response.json?["id"]?.stringValue ?? "<create failed: \(response.status) \(response.text)>"
    }
}

extension SCIMResponse {
    var text: String { body.map { String(decoding: $0, as: UTF8.self) } ?? "" }
    var scimType: String? { json?["scimType"]?.stringValue }
}

/// Parses JSON text in tests.
func json(_ text: String) -> JSONValue {
    (try? JSONValue.parse(Data(text.utf8))) ?? .null
}

/// A user resource built from JSON text, with fixed meta.
func user(_ text: String, id: String = "u1") throws -> SCIMResource {
    let date = Date(timeIntervalSince1970: 1_700_000_000)
    return SCIMResource(
        type: .user, id: id, attributes: try SCIMResource.normalizedAttributes(from: json(text), for: .user),
        meta: SCIMMeta(created: date, lastModified: date))
}

/// A group resource built from JSON text.
func group(_ text: String, id: String = "g1") throws -> SCIMResource {
    let date = Date(timeIntervalSince1970: 1_700_000_000)
    return SCIMResource(
        type: .group, id: id, attributes: try SCIMResource.normalizedAttributes(from: json(text), for: .group),
        meta: SCIMMeta(created: date, lastModified: date))
}
