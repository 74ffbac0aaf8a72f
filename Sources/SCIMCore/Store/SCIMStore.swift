/// Sort key and direction of a list request (RFC 7644 §3.4.2.3).
public struct SCIMSort: Sendable, Hashable {
    /// The resolved attribute path to sort by.
    public var path: SCIMAttributePath
    /// Ascending (the default) or descending.
    public var ascending: Bool

    /// Creates a sort.
    public init(path: SCIMAttributePath, ascending: Bool = true) {
        self.path = path
        self.ascending = ascending
    }
}

/// What a list or search asks the store for. The filter is already resolved against the resource type's
/// schemas, so a database store can translate it (for example to SQL with indexes) instead of scanning.
public struct SCIMQuery: Sendable, Hashable {
    /// The resolved filter; nil lists everything.
    public var filter: SCIMFilter?
    /// The sort; nil means the store's stable default order (for example creation order).
    public var sort: SCIMSort?
    /// The 1-based index of the first result to return.
    public var startIndex: Int
    /// The maximum number of resources to return; 0 asks for the total only.
    public var count: Int

    /// Creates a query.
    public init(filter: SCIMFilter? = nil, sort: SCIMSort? = nil, startIndex: Int = 1, count: Int = 100) {
        self.filter = filter
        self.sort = sort
        self.startIndex = max(1, startIndex)
        self.count = max(0, count)
    }
}

/// One page of query results.
public struct SCIMQueryResult: Sendable, Hashable {
    /// The number of resources matching the filter (all pages).
    public var totalResults: Int
    /// The resources of the requested page.
    public var resources: [SCIMResource]

    /// Creates a result.
    public init(totalResults: Int, resources: [SCIMResource]) {
        self.totalResults = totalResults
        self.resources = resources
    }
}

/// Storage for SCIM resources, injected into ``SCIMService``.
///
/// Contract (the in-memory ``InMemorySCIMStore`` is the reference):
/// - Uniqueness: `userName` among users and `displayName` among groups, compared case-insensitively; a
///   violation throws ``SCIMError`` `uniqueness` (409).
/// - Group members must reference existing users or groups (`invalidValue` otherwise); the store fills a
///   missing member `type` (`User`/`Group`).
/// - Users returned by the store carry the computed read-only `groups` attribute; input `groups` is ignored.
/// - Deleting a user removes it from every group; deleting a group leaves its users in place.
/// - ``update(_:id:expectedVersions:_:)`` is an atomic read-modify-write: the version check, the transform and
///   the write happen without interleaving (a transaction, a row lock, or an actor).
/// - Unknown ids throw ``SCIMError`` `not_found`; failed version checks throw `precondition_failed`.
///
/// Errors other than ``SCIMError`` become a 500 response; their text is logged, never returned.
public protocol SCIMStore: Sendable {
    /// Inserts a new resource (its `id` and `meta` are set) and returns it as stored.
    func create(_ resource: SCIMResource) async throws -> SCIMResource
    /// The resource with `id`, or nil.
    func resource(_ type: SCIMResourceType, id: String) async throws -> SCIMResource?
    /// Resources of `type` matching the query: total count plus the requested page.
    func query(_ type: SCIMResourceType, _ query: SCIMQuery) async throws -> SCIMQueryResult
    /// Atomically replaces the resource with `transform(current)`.
    /// - Parameters:
    ///   - type: The resource type.
    ///   - id: The resource id.
    ///   - expectedVersions: When non-nil, the current `meta.version` must be one of these (`If-Match`).
    ///   - transform: Computes the new resource; throwing aborts without writing.
    func update(
        _ type: SCIMResourceType, id: String, expectedVersions: [String]?,
        _ transform: @escaping @Sendable (SCIMResource) throws -> SCIMResource
    ) async throws -> SCIMResource
    /// Deletes the resource.
    /// - Parameters:
    ///   - type: The resource type.
    ///   - id: The resource id.
    ///   - expectedVersions: When non-nil, the current `meta.version` must be one of these.
    func delete(_ type: SCIMResourceType, id: String, expectedVersions: [String]?) async throws
}

/// Sorting shared by the in-memory store and cross-type searches.
public enum SCIMSorting {
    /// Sorts resources by a resolved path: the first value (the primary one for multi-valued attributes),
    /// case-insensitively unless the attribute is `caseExact`; resources without a value sort last when
    /// ascending and first when descending.
    public static func sorted(_ resources: [SCIMResource], by sort: SCIMSort) -> [SCIMResource] {
        let keyed = resources.map { resource -> (SCIMResource, JSONValue?) in
            (resource, sortKey(resource, sort.path))
        }
        let ordered = keyed.sorted { lhs, rhs in
            switch (lhs.1, rhs.1) {
            case (nil, nil): return false
            case (nil, _): return false
            case (_, nil): return true
            case (let a?, let b?): return precedes(a, b)
            }
        }.map(\.0)
        return sort.ascending ? ordered : ordered.reversed()
    }

    private static func sortKey(_ resource: SCIMResource, _ path: SCIMAttributePath) -> JSONValue? {
        let evaluator = FilterEvaluator(resource: resource)
        let values = evaluator.values(path)
        var chosen = values.first { $0["primary"] == .bool(true) } ?? values.first
        if let object = chosen?.objectValue { chosen = object["value"] }
        guard let chosen else { return nil }
        let definition = resource.type.definition(schema: path.schema, attribute: path.attribute)
        let caseExact = path.subAttribute.flatMap { definition?.subAttribute(named: $0) }?.caseExact
            ?? definition?.caseExact ?? false
        if !caseExact, case .string(let text) = chosen { return .string(foldedKey(text)) }
        return chosen
    }

    private static func precedes(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): return a < b
        case (.bool(let a), .bool(let b)): return !a && b
        default:
            if let a = lhs.doubleValue, let b = rhs.doubleValue { return a < b }
            return false
        }
    }
}

/// An error a ``SCIMStore`` or ``SCIMAuthenticator`` throws when its backing service (a database, a network
/// dependency) may be failing only for now.
///
/// ``SCIMService`` answers such a failure with 503 `unavailable` and `Retry-After: 5` when ``isTemporary`` is
/// true, so a provisioning client (JumpCloud retries on 5xx) repeats the request later instead of treating it as
/// a permanent refusal. Any other error a store throws becomes 500 `internal_error`.
public protocol SCIMTemporaryFailure: Error {
    /// Whether retrying the same request later may succeed (the database is down, a pool timed out).
    var isTemporary: Bool { get }
}
