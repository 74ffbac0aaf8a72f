public import HTTPTypes
import Synchronization

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// An in-memory JumpCloud Directory API for tests, benchmarks and demos; also an ``HTTPTransport``.
///
/// Serves `GET /api/v2/usergroups`, `/api/v2/usergroups/{id}`, `/members`, `/membership` and
/// `/api/systemusers` with `limit`/`skip` paging, `x-total-count`/`totalCount`, and JumpCloud's error
/// answers: 401 "api key user not found", 401 "no organization selected" (when ``requiredOrgID`` is set and
/// the header is missing), 404 for an unknown organization or group, 400 for `limit` above 100.
/// ``respond(to:)`` is synchronous so a socket server can reuse it.
public final class InMemoryJumpCloud: HTTPTransport {
    /// The only API key accepted.
    public let apiKey: String
    /// When set, the directory behaves like a Multi-Tenant Portal: `x-org-id` must name this organization.
    public let requiredOrgID: String?
    private let groups: [DirectoryGroup]
    private let users: [DirectoryUser]
    /// Each user's JSON, encoded once so serving a page is cheap.
    private let encodedUsers: [Data]
    /// Each group's member items as `/members` and `/membership` serve them, encoded once.
    private let encodedMembers: [String: (direct: [Data], transitive: [Data])]
    private let log = Mutex<[String]>([])

    /// Creates a directory.
    /// - Parameters:
    ///   - apiKey: the only key accepted.
    ///   - requiredOrgID: makes the directory a Multi-Tenant Portal organization.
    ///   - groups: the user groups, served in this order.
    ///   - members: group ID → member user IDs, in the order JumpCloud would list them.
    ///   - users: every user; served sorted by `_id`.
    public init(
        apiKey: String, requiredOrgID: String? = nil, groups: [DirectoryGroup], members: [String: [String]],
        users: [DirectoryUser]
    ) {
        self.apiKey = apiKey
        self.requiredOrgID = requiredOrgID
        self.groups = groups
        self.users = users.sorted { $0.id < $1.id }
        let encoder = JSONEncoder()
        self.encodedUsers = self.users.map { (try? encoder.encode($0)) ?? Data("{}".utf8) }
        var encodedMembers: [String: (direct: [Data], transitive: [Data])] = [:]
        for (group, ids) in members {
            let hop = [[TransitiveMember.Hop(id: group, type: "user_group")]]
            encodedMembers[group] = (
                direct: ids.map { (try? encoder.encode(DirectMember(to: .init(id: $0, type: "user")))) ?? Data() },
                transitive: ids.map {
                    (try? encoder.encode(TransitiveMember(id: $0, type: "user", paths: hop))) ?? Data()
                }
            )
        }
        self.encodedMembers = encodedMembers
    }

    /// The request targets (`path?query`) served so far, in order.
    public var requestedPaths: [String] { log.withLock { $0 } }

    /// Serves `request`.
    public func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        respond(to: request)
    }

    /// Serves `request` synchronously.
    public func respond(to request: HTTPRequest) -> (HTTPResponse, Data) {
        let target = request.path ?? "/"
        log.withLock { $0.append(target) }
        guard request.headerFields[JumpCloudClient.apiKeyField] == apiKey else {
            return Self.json(401, #"{"error":"Unauthorized","message":"Unauthorized: api key user not found"}"#)
        }
        if let requiredOrgID {
            guard let org = request.headerFields[JumpCloudClient.orgIDField] else {
                return Self.json(401, #"{"message":"Unauthorized: no organization selected"}"#)
            }
            guard org == requiredOrgID else { return Self.json(404, #"{"message":"organization not found"}"#) }
        }
        guard request.method == .get else { return Self.json(405, #"{"message":"Method Not Allowed"}"#) }
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts[0].split(separator: "/").map(String.init)
        var query: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query[String(kv[0])] = kv.count > 1 ? String(kv[1]) : ""
            }
        }
        let limit = query["limit"].flatMap(Int.init) ?? 10
        let skip = query["skip"].flatMap(Int.init) ?? 0
        guard limit >= 1, limit <= 100, skip >= 0 else {
            return Self.json(400, #"{"message":"limit must be between 1 and 100"}"#)
        }
        func page<T>(_ all: [T]) -> ArraySlice<T> {
            all[min(skip, all.count)..<min(skip + limit, all.count)]
        }
        switch path {
        case ["api", "v2", "usergroups"]:
            return Self.encode(Array(page(groups)), total: groups.count)
        case let p where p.count == 4 && p[0...2] == ["api", "v2", "usergroups"]:
            guard let group = groups.first(where: { $0.id == p[3] }) else { return Self.notFound }
            return Self.encode(group, total: nil)
        case let p
        where p.count == 5 && p[0...2] == ["api", "v2", "usergroups"] && ["members", "membership"].contains(p[4]):
            guard groups.contains(where: { $0.id == p[3] }) else { return Self.notFound }
            let items = encodedMembers[p[3]].map { p[4] == "members" ? $0.direct : $0.transitive } ?? []
            var response = Self.json(200, "", total: items.count).0
            let body = Self.jsonArray(page(items))
            response.headerFields[.contentLength] = String(body.count)
            return (response, body)
        case ["api", "systemusers"]:
            var body = Data(#"{"totalCount":\#(users.count),"results":"#.utf8)
            body.append(Self.jsonArray(page(encodedUsers)))
            body.append(UInt8(ascii: "}"))
            return (Self.json(200, "").0, body)
        default:
            return Self.notFound
        }
    }

    private struct DirectMember: Encodable {
        struct To: Encodable {
            var id: String
            var type: String
        }
        var to: To
    }

    private struct TransitiveMember: Encodable {
        struct Hop: Encodable {
            var id: String
            var type: String
        }
        var id: String
        var type: String
        var paths: [[Hop]]
    }

    /// `[item,item,…]` from pre-encoded items.
    private static func jsonArray(_ items: ArraySlice<Data>) -> Data {
        var body = Data(capacity: items.reduce(2) { $0 + $1.count + 1 })
        body.append(UInt8(ascii: "["))
        for (offset, item) in items.enumerated() {
            if offset > 0 { body.append(UInt8(ascii: ",")) }
            body.append(item)
        }
        body.append(UInt8(ascii: "]"))
        return body
    }

    private static let notFound = json(404, #"{"message":"Not Found"}"#)

    private static func json(_ status: Int, _ body: String, total: Int? = nil) -> (HTTPResponse, Data) {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        if let total { fields[JumpCloudClient.totalCountField] = String(total) }
        return (HTTPResponse(status: .init(code: status), headerFields: fields), Data(body.utf8))
    }

    private static func encode(_ value: some Encodable, total: Int?) -> (HTTPResponse, Data) {
        let body = (try? JSONEncoder().encode(value)) ?? Data()
        var (response, _) = json(200, "", total: total)
        response.headerFields[.contentLength] = String(body.count)
        return (response, body)
    }
}
