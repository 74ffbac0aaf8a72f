import Foundation
import KisiIdentityServer
import Logging
import SCIMCore

/// A fresh database file in a temporary directory, removed by `cleanup()`.
struct TemporaryDatabase {
    let directory: URL
    var path: String { directory.appendingPathComponent("test.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kisi-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func open() throws -> SQLiteDatabase { try SQLiteDatabase(path: path) }

    func cleanup() { try? FileManager.default.removeItem(at: directory) }
}

let silentLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

/// SCIMService over the SQLite stores with one token: exercises the store through real SCIM requests.
struct SQLiteHarness {
    static let baseURL = "https://example.com/scim/v2"
    let database: SQLiteDatabase
    let store: SQLiteSCIMStore
    let tokens: SQLiteTokenStore
    let service: SCIMService
    let token: String

    static func make(_ temporary: TemporaryDatabase, maxCandidates: Int = 20_000) async throws -> SQLiteHarness {
        let database = try temporary.open()
        let store = SQLiteSCIMStore(database: database, maxCandidates: maxCandidates)
        let tokens = SQLiteTokenStore(database: database)
        let token = try await tokens.create(label: "test").token
        let service = SCIMService(
            configuration: SCIMServiceConfiguration(baseURL: baseURL), store: store, authenticator: tokens,
            now: { Date() }, logger: silentLogger)
        return SQLiteHarness(database: database, store: store, tokens: tokens, service: service, token: token)
    }

    @discardableResult
    func send(_ method: String, _ target: String, json: String? = nil, headers: [String: String] = [:]) async
        -> SCIMResponse
    {
        var all = headers
        if all["Authorization"] == nil { all["Authorization"] = "Bearer \(token)" }
        if json != nil { all["Content-Type"] = "application/scim+json" }
        return await service.handle(
            SCIMRequest(method: method, target: target, headers: all, body: json.map { Data($0.utf8) }))
    }

    func createUser(_ userName: String, email: String? = nil, externalId: String? = nil, active: Bool = true) async
        -> String
    {
        var body: [String: Any] = [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": userName, "active": active,
        ]
        if let email { body["emails"] = [["value": email, "type": "work", "primary": true]] }
        if let externalId { body["externalId"] = externalId }
        let data = try! JSONSerialization.data(withJSONObject: body)
        let response = await send("POST", "/Users", json: String(decoding: data, as: UTF8.self))
        return response.json?["id"]?.stringValue ?? "missing(\(response.status))"
    }

    func createGroup(_ name: String, members: [String] = []) async -> String {
        let body: [String: Any] = [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": name,
            "members": members.map { ["value": $0] },
        ]
        let data = try! JSONSerialization.data(withJSONObject: body)
        let response = await send("POST", "/Groups", json: String(decoding: data, as: UTF8.self))
        return response.json?["id"]?.stringValue ?? "missing(\(response.status))"
    }

    /// `totalResults` of a list request, or -status on failure.
    func total(_ target: String) async -> Int {
        let response = await send("GET", target)
        guard response.status == 200, case .integer(let total)? = response.json?["totalResults"] else {
            return -response.status
        }
        return total
    }
}

/// Percent-encodes a filter for a query string.
func encoded(_ filter: String) -> String {
    filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? filter
}
