import HTTPTypes
public import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads user groups, memberships and users from the JumpCloud Directory API through an injected transport.
///
/// Every request carries `x-api-key`, `Accept: application/json` and, when set, `x-org-id`. Lists are paged
/// with `limit` (≤ 100) and `skip` until a short page, and the number of records is checked against
/// `x-total-count` / `totalCount`: a list is complete or the call throws. Failures are retried per
/// ``RetryPolicy``. The API key is never logged and never put into an error.
public struct JumpCloudClient: Sendable {
    /// Who is asking and where.
    public let credentials: JumpCloudCredentials
    /// How requests are sent.
    public let transport: any HTTPTransport
    /// How failures are retried.
    public let retryPolicy: RetryPolicy
    /// Records per page (1...100).
    public let pageSize: Int
    /// Which member endpoint to read.
    public let membershipScope: MembershipScope
    /// The most records one list (the users, or one group's members) may hold; a longer list fails with
    /// `upstream_error` instead of paging on. Bounds the pages per list to `maxRecords / pageSize + 1`.
    public let maxRecords: Int
    private let logger: Logger

    /// Creates a client.
    /// - Parameters:
    ///   - credentials: the key, org ID and endpoint.
    ///   - transport: sends the requests; must not follow redirects.
    ///   - retryPolicy: bounds, sleeper and jitter for retries.
    ///   - pageSize: records per page, clamped to 1...100 (JumpCloud's maximum).
    ///   - membershipScope: direct members (default) or direct and indirect.
    ///   - maxRecords: the most records accepted per list (default 200,000; at least 1).
    ///   - logger: receives progress at `debug`/`info` and failures at `warning`; never the key. Defaults to a
    ///     logger that discards everything.
    public init(
        credentials: JumpCloudCredentials,
        transport: any HTTPTransport,
        retryPolicy: RetryPolicy = RetryPolicy(),
        pageSize: Int = 100,
        membershipScope: MembershipScope = .direct,
        maxRecords: Int = 200_000,
        logger: Logger = Logger(label: "DirectoryImport", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.credentials = credentials
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.pageSize = min(max(pageSize, 1), 100)
        self.membershipScope = membershipScope
        self.maxRecords = max(1, maxRecords)
        self.logger = logger
    }

    // MARK: Public operations

    /// Checks that the key (and org ID) is accepted with one cheap request.
    /// - Throws: `invalid_api_key`, `org_id_required`, `org_not_found`, `invalid_org_id`, `upstream_error`.
    public func validateCredentials() async throws {
        _ = try await fetch(path: "/api/v2/usergroups", query: [("limit", "1"), ("skip", "0")], resource: .list) {
            _, body in try Self.decoder.decode([DirectoryGroup].self, from: body)
        }
    }

    /// Lists every user group of the organization, sorted by name then ID.
    public func listGroups() async throws -> [DirectoryGroup] {
        let groups = try await pagedList(path: "/api/v2/usergroups", query: [], resource: .list, id: \DirectoryGroup.id)
        {
            response, body in (try Self.decoder.decode([DirectoryGroup].self, from: body), Self.totalCount(response))
        }
        logger.info("listed JumpCloud user groups", metadata: ["count": "\(groups.count)"])
        return groups.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
    }

    /// Fetches one user group.
    /// - Throws: `group_not_found` when JumpCloud answers 404 (or the ID cannot be a group ID).
    public func group(id: String) async throws -> DirectoryGroup {
        let safeID = try Self.checkedGroupID(id)
        return try await fetch(path: "/api/v2/usergroups/\(safeID)", query: [], resource: .group(safeID)) {
            _, body in try Self.decoder.decode(DirectoryGroup.self, from: body)
        }
    }

    /// The user IDs among the group's members (direct, or direct and indirect per ``membershipScope``), in
    /// JumpCloud's order. Complete or an error.
    public func memberIDs(ofGroup id: String) async throws -> [String] {
        let safeID = try Self.checkedGroupID(id)
        let endpoint = membershipScope == .direct ? "members" : "membership"
        let records = try await pagedList(
            path: "/api/v2/usergroups/\(safeID)/\(endpoint)", query: [], resource: .group(safeID),
            id: { (record: MemberRecord) in
                "\(record.to?.type ?? record.type ?? ""):\(record.to?.id ?? record.id ?? "")"
            }
        ) { response, body in
            let records = try Self.decoder.decode([MemberRecord].self, from: body)
            guard records.allSatisfy(\.isWellFormed) else { throw MalformedBody() }
            return (records, Self.totalCount(response))
        }
        return records.compactMap(\.userID)
    }

    /// Every user of the organization, paged in `_id` order. Complete or an error.
    public func allUsers() async throws -> [DirectoryUser] {
        try await pagedList(path: "/api/systemusers", query: [("sort", "_id")], resource: .list, id: \DirectoryUser.id)
        {
            _, body in
            let list = try Self.decoder.decode(V1List<DirectoryUser>.self, from: body)
            return (list.results, list.totalCount)
        }
    }

    /// The union of the selected groups' users with everything the planner needs; complete or an error.
    ///
    /// Requests: one per group, `⌈members/100⌉ + 1` per group, `⌈users/100⌉ + 1` for the user list — no
    /// per-user requests (about 105 for one group of 5,000 users).
    /// - Throws: `group_not_found` for an unknown group, `upstream_error` when any page fails for good;
    ///   never returns a partial snapshot.
    public func snapshot(groupIDs: [String]) async throws -> DirectorySnapshot {
        var unique: [String] = []
        var seen = Set<String>()
        for id in groupIDs where seen.insert(id).inserted { unique.append(id) }
        guard !unique.isEmpty else {
            throw DirectoryImportError(.groupNotFound, "Select at least one JumpCloud user group.")
        }
        var groups: [DirectoryGroup] = []
        var membership: [String: [String]] = [:]
        for id in unique {
            let group = try await group(id: id)
            let members = try await memberIDs(ofGroup: id)
            logger.info("read group members", metadata: ["group": "\(id)", "members": "\(members.count)"])
            groups.append(group)
            for member in members { membership[member, default: []].append(group.id) }
        }
        let users = try await allUsers()
        logger.info("read JumpCloud users", metadata: ["users": "\(users.count)"])
        return DirectorySnapshot(groups: groups, directoryUsers: users, membership: membership)
    }

    // MARK: Paging

    private func pagedList<Item>(
        path: String, query: [(String, String)], resource: Resource, id: (Item) -> String,
        parse: @escaping @Sendable (HTTPResponse, Data) throws -> (items: [Item], total: Int?)
    ) async throws -> [Item] {
        var items: [Item] = []
        var seen = Set<String>()
        var expectedTotal: Int?
        var skip = 0
        while true {
            let page = try await fetch(
                path: path, query: query + [("limit", "\(pageSize)"), ("skip", "\(skip)")], resource: resource,
                parse: parse)
            if let total = page.total {
                if let expectedTotal, expectedTotal != total {
                    throw upstream(
                        "The record count changed while paging; try again.",
                        "\(path): total \(expectedTotal) then \(total)")
                }
                expectedTotal = total
            }
            for item in page.items where !seen.insert(id(item)).inserted {
                throw upstream(
                    "JumpCloud returned a record twice while paging; try again.", "\(path): duplicate at skip \(skip)")
            }
            items.append(contentsOf: page.items)
            if items.count > maxRecords {
                throw upstream(
                    "JumpCloud returned more than \(maxRecords) records; nothing was imported.",
                    "\(path): over the record limit at skip \(skip)")
            }
            if let expectedTotal, items.count > expectedTotal {
                throw upstream(
                    "JumpCloud returned more records than it announced.", "\(path): \(items.count) > \(expectedTotal)")
            }
            if page.items.count < pageSize { break }
            skip += pageSize
        }
        if let expectedTotal, expectedTotal != items.count {
            throw upstream(
                "JumpCloud announced \(expectedTotal) records but returned \(items.count); nothing was imported.",
                "\(path): total count mismatch")
        }
        logger.debug("paged list", metadata: ["path": "\(path)", "records": "\(items.count)"])
        return items
    }

    // MARK: One request with retries

    enum Resource: Sendable {
        case list
        case group(String)
    }

    private struct MalformedBody: Error {}

    private func fetch<T>(
        path: String, query: [(String, String)], resource: Resource,
        parse: @Sendable (HTTPResponse, Data) throws -> T
    ) async throws -> T {
        let request = makeRequest(path: path, query: query)
        var attempt = 0
        var clientErrorRetries = 0
        while true {
            attempt += 1
            if Task.isCancelled { throw DirectoryImportError(.cancelled, "The import was cancelled.") }
            let response: HTTPResponse
            let body: Data
            do {
                (response, body) = try await transport.send(request, body: nil)
            } catch is CancellationError {
                throw DirectoryImportError(.cancelled, "The import was cancelled.")
            } catch {
                try await retryOrThrow(
                    attempt: attempt, path: path, why: "connection failed", underlying: redact("\(error)"),
                    delay: retryPolicy.backoff(retry: attempt))
                continue
            }
            let status = response.status.code
            switch status {
            case 200..<300:
                do {
                    return try parse(response, body)
                } catch {
                    try await retryOrThrow(
                        attempt: attempt, path: path, why: "invalid JSON in a \(status) answer",
                        delay: retryPolicy.backoff(retry: attempt))
                }
            case 429:
                let backoff = retryPolicy.backoff(retry: attempt)
                var delay = backoff
                if let seconds = Self.retryAfterSeconds(response) {
                    let demanded = Duration.milliseconds(Int64((seconds * 1000).rounded(.up)))
                    if demanded > retryPolicy.maxRetryAfter {
                        throw upstream(
                            "JumpCloud is rate limiting requests; try again later.",
                            "\(path): 429 with Retry-After \(seconds)s exceeds the limit")
                    }
                    delay = max(demanded, backoff)
                }
                try await retryOrThrow(attempt: attempt, path: path, why: "429 rate limited", delay: delay)
            case 500..<600:
                try await retryOrThrow(
                    attempt: attempt, path: path, why: "status \(status)", delay: retryPolicy.backoff(retry: attempt))
            case 400, 401, 403, 404:
                if clientErrorRetries < retryPolicy.clientErrorRetries {
                    clientErrorRetries += 1
                    logger.warning(
                        "JumpCloud refused a request; retrying once",
                        metadata: ["path": "\(path)", "status": "\(status)"])
                    try await sleep(retryPolicy.backoff(retry: 1))
                    continue
                }
                throw clientError(status: status, body: body, path: path, resource: resource)
            case 300..<400:
                throw upstream(
                    "JumpCloud answered with a redirect, which is never followed.", "\(path): status \(status)")
            default:
                throw upstream("JumpCloud answered with an unexpected status \(status).", "\(path): status \(status)")
            }
        }
    }

    /// Sleeps before the next attempt, or throws `upstream_error` when the attempts are used up. `why` is short
    /// and goes into the message; `underlying` (e.g. a transport error's text) only into logs and the detail.
    private func retryOrThrow(
        attempt: Int, path: String, why: String, underlying: String? = nil, delay: Duration
    ) async throws {
        let cause = underlying.map { "\(why): \($0)" } ?? why
        guard attempt < retryPolicy.maxAttempts else {
            logger.warning("JumpCloud request failed for good", metadata: ["path": "\(path)", "why": "\(cause)"])
            throw upstream(
                "JumpCloud kept failing (\(why)); nothing was imported.", "\(path): \(attempt) attempts, \(cause)")
        }
        logger.warning(
            "JumpCloud request failed; retrying",
            metadata: ["path": "\(path)", "why": "\(cause)", "attempt": "\(attempt)", "delay": "\(delay)"])
        try await sleep(delay)
    }

    private func sleep(_ delay: Duration) async throws {
        do {
            try await retryPolicy.sleep(delay)
        } catch {
            throw DirectoryImportError(.cancelled, "The import was cancelled.")
        }
    }

    private func clientError(status: Int, body: Data, path: String, resource: Resource) -> DirectoryImportError {
        let upstreamBody = try? Self.decoder.decode(UpstreamErrorBody.self, from: body)
        let upstreamMessage = redact(upstreamBody?.message ?? upstreamBody?.error ?? "")
        let lowered = upstreamMessage.lowercased()
        let detail = "\(path): status \(status) \(upstreamMessage)"
        switch status {
        case 401 where lowered.contains("no organization selected"):
            return DirectoryImportError(
                .orgIDRequired,
                "This API key belongs to a Multi-Tenant Portal administrator; enter the Organization ID.",
                detail: detail)
        case 401:
            return DirectoryImportError(.invalidAPIKey, "JumpCloud rejected the API key.", detail: detail)
        case 400 where credentials.orgID != nil:
            return DirectoryImportError(.invalidOrgID, "JumpCloud rejected the Organization ID.", detail: detail)
        case 404 where lowered.contains("organization") || lowered.contains("org "):
            return DirectoryImportError(.orgNotFound, "JumpCloud does not know this Organization ID.", detail: detail)
        case 404:
            if case .group(let id) = resource {
                return DirectoryImportError(
                    .groupNotFound, "JumpCloud has no user group with ID \(id).", detail: detail)
            }
            if credentials.orgID != nil {
                return DirectoryImportError(
                    .orgNotFound, "JumpCloud does not know this Organization ID.", detail: detail)
            }
            return upstream("JumpCloud answered 404 for \(path).", detail)
        case 403:
            return upstream("JumpCloud refused access (403); check the API key's administrator role.", detail)
        default:
            return upstream("JumpCloud refused the request (status \(status)).", detail)
        }
    }

    private func upstream(_ message: String, _ detail: String) -> DirectoryImportError {
        DirectoryImportError(.upstreamError, redact(message), detail: redact(detail))
    }

    /// Removes the key from any text that might reach a log or an error.
    private func redact(_ text: String) -> String {
        text.replacing(credentials.apiKey, with: "<redacted>")
    }

    // MARK: Requests

    private func makeRequest(path: String, query: [(String, String)]) -> HTTPRequest {
        var target = path
        if !query.isEmpty {
            target += "?" + query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        }
        var fields = HTTPFields()
        fields[.accept] = "application/json"
        fields[Self.apiKeyField] = credentials.apiKey
        if let orgID = credentials.orgID { fields[Self.orgIDField] = orgID }
        fields[.userAgent] = "kisi-identity-directory-import"
        return HTTPRequest(
            method: .get, scheme: credentials.endpoint.scheme, authority: credentials.endpoint.authority, path: target,
            headerFields: fields)
    }

    static let apiKeyField = HTTPField.Name("x-api-key")!
    static let orgIDField = HTTPField.Name("x-org-id")!
    static let totalCountField = HTTPField.Name("x-total-count")!
    static let decoder = JSONDecoder()

    private static func totalCount(_ response: HTTPResponse) -> Int? {
        response.headerFields[totalCountField].flatMap { Int($0.trimmingWhitespace()) }
    }

    private static func retryAfterSeconds(_ response: HTTPResponse) -> Double? {
        guard let value = response.headerFields[.retryAfter].flatMap({ Double($0.trimmingWhitespace()) }),
            value.isFinite, value >= 0
        else { return nil }
        return value
    }

    /// Group IDs go into the path: only letters, digits, `-` and `_` are accepted.
    private static func checkedGroupID(_ id: String) throws -> String {
        guard !id.isEmpty, id.utf8.count <= 64,
            id.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") })
        else {
            throw DirectoryImportError(.groupNotFound, "\"\(id)\" is not a JumpCloud user group ID.")
        }
        return id
    }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
    }
}
