#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import Logging

/// A transport-agnostic SCIM 2.0 service provider: ``handle(_:)`` turns a ``SCIMRequest`` into a
/// ``SCIMResponse`` over an injected ``SCIMStore`` and ``SCIMAuthenticator``.
///
/// Routes (relative to the base URL; endpoint names match case-insensitively):
/// `GET|POST /Users`, `GET|PUT|PATCH|DELETE /Users/{id}`, the same for `/Groups`, `POST /.search`,
/// `POST /Users/.search`, `POST /Groups/.search`, `GET /ServiceProviderConfig`, `GET /ResourceTypes[/{name}]`,
/// `GET /Schemas[/{urn}]`; `/Me` and `/Bulk` answer 501 (bulk is advertised as unsupported).
public struct SCIMService: Sendable {
    /// The configuration.
    public let configuration: SCIMServiceConfiguration
    private let store: any SCIMStore
    private let authenticator: any SCIMAuthenticator
    private let now: @Sendable () -> Date
    private let makeID: @Sendable () -> String
    private let logger: Logger

    /// Creates a service.
    /// - Parameters:
    ///   - configuration: Base URL, limits.
    ///   - store: Where resources live.
    ///   - authenticator: Checks each request's credentials.
    ///   - now: The clock (injected; the library reads no clock itself).
    ///   - makeID: Generates resource ids; defaults to random UUIDs.
    ///   - logger: Receives request outcomes at debug level and failures; never tokens or bodies. Defaults to a
    ///     logger that discards everything, so a host that passes none sees no output from the library.
    public init(
        configuration: SCIMServiceConfiguration, store: any SCIMStore, authenticator: any SCIMAuthenticator,
        now: @escaping @Sendable () -> Date, makeID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() },
        logger: Logger = Logger(label: "SCIMCore", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.configuration = configuration
        self.store = store
        self.authenticator = authenticator
        self.now = now
        self.makeID = makeID
        self.logger = logger
    }

    /// Handles one request. Never throws: every failure becomes a SCIM Error response.
    public func handle(_ request: SCIMRequest) async -> SCIMResponse {
        do {
            let response = try await route(request)
            logger.debug(
                "SCIM request handled",
                metadata: ["method": "\(request.method)", "path": "\(request.path)", "status": "\(response.status)"])
            return response
        } catch let error as SCIMError {
            if error.status >= 500 {
                logger.error("SCIM request failed", metadata: ["path": "\(request.path)", "error": "\(error)"])
            } else {
                logger.debug(
                    "SCIM request refused",
                    metadata: ["method": "\(request.method)", "path": "\(request.path)", "error": "\(error)"])
            }
            return .error(error, realm: configuration.realm)
        } catch let error as any SCIMTemporaryFailure where error.isTemporary {
            logger.error("SCIM store unavailable", metadata: ["path": "\(request.path)", "error": "\(error)"])
            return .error(
                SCIMError(.unavailable, "The service is temporarily unavailable; retry later."), realm: configuration.realm)
        } catch {
            logger.error("SCIM store failed", metadata: ["path": "\(request.path)", "error": "\(error)"])
            return .error(SCIMError(.internalError, "The request could not be completed."), realm: configuration.realm)
        }
    }

    // MARK: Routing

    private enum Endpoint {
        case resources(SCIMResourceType)
        case resource(SCIMResourceType, String)
        case search(SCIMResourceType?)
        case serviceProviderConfig
        case resourceTypes(String?)
        case schemas(String?)
        case unsupported(String)
    }

    /// `path` relative to the base URL: a full request path under ``SCIMServiceConfiguration/basePath`` loses
    /// that prefix (`/scim/v2/Users` → `/Users`); any other path is taken as relative already.
    func relativePath(_ path: String) -> Substring {
        let base = configuration.basePath
        guard !base.isEmpty, path.hasPrefix(base) else { return Substring(path) }
        let rest = path.dropFirst(base.count)
        return rest.isEmpty || rest.hasPrefix("/") ? rest : Substring(path)
    }

    private func endpoint(_ path: String) throws(SCIMError) -> Endpoint {
        let segments = relativePath(path).split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let first = segments.first else { throw SCIMError(.notFound, "No SCIM endpoint at '\(path)'.") }
        let type: SCIMResourceType? =
            first.caseInsensitiveEquals("Users") ? .user : first.caseInsensitiveEquals("Groups") ? .group : nil
        switch (segments.count, type) {
        case (1, let type?): return .resources(type)
        case (2, let type?): return segments[1] == ".search" ? .search(type) : .resource(type, segments[1])
        default: break
        }
        if segments.count == 1 && first == ".search" { return .search(nil) }
        if first.caseInsensitiveEquals("ServiceProviderConfig") && segments.count == 1 { return .serviceProviderConfig }
        if first.caseInsensitiveEquals("ResourceTypes") && segments.count <= 2 { return .resourceTypes(segments.dropFirst().first) }
        if first.caseInsensitiveEquals("Schemas") && segments.count <= 2 { return .schemas(segments.dropFirst().first) }
        if first.caseInsensitiveEquals("Me") { return .unsupported("/Me") }
        if first.caseInsensitiveEquals("Bulk") && segments.count == 1 { return .unsupported("/Bulk") }
        throw SCIMError(.notFound, "No SCIM endpoint at '\(path)'.")
    }

    private func route(_ request: SCIMRequest) async throws -> SCIMResponse {
        let endpoint = try endpoint(request.path)
        var isDiscovery = false
        switch endpoint {
        case .serviceProviderConfig, .resourceTypes, .schemas: isDiscovery = true
        default: break
        }
        if !isDiscovery || configuration.discoveryRequiresAuthentication {
            guard try await authenticator.authenticate(request) else {
                throw SCIMError(.unauthorized, "A valid bearer token is required.")
            }
        }
        if let body = request.body, body.count > configuration.maxBodyBytes {
            throw SCIMError(
                .payloadTooLarge, "The request body exceeds the maximum of \(configuration.maxBodyBytes) bytes.")
        }
        let method = request.method
        func allow(_ methods: [String]) throws(SCIMError) {
            guard methods.contains(method) else {
                throw SCIMError(.methodNotAllowed, "\(method) is not supported on this endpoint; use \(methods.joined(separator: ", ")).")
            }
        }
        switch endpoint {
        case .resources(let type):
            try allow(["GET", "POST"])
            return method == "GET" ? try await list(type, request) : try await create(type, request)
        case .resource(let type, let id):
            try allow(["GET", "PUT", "PATCH", "DELETE"])
            switch method {
            case "GET": return try await get(type, id, request)
            case "PUT": return try await replace(type, id, request)
            case "PATCH": return try await patch(type, id, request)
            default: return try await delete(type, id, request)
            }
        case .search(let type):
            try allow(["POST"])
            return try await search(type, request)
        case .serviceProviderConfig:
            try allow(["GET"])
            return .json(200, configuration.serviceProviderConfig)
        case .resourceTypes(let name):
            try allow(["GET"])
            let documents = SCIMResourceType.all.map { $0.json(baseURL: configuration.baseURL) }
            guard let name else { return .json(200, Self.listResponse(documents, total: documents.count, startIndex: 1)) }
            guard let type = SCIMResourceType.all.first(where: { $0.name.caseInsensitiveEquals(name) }) else {
                throw SCIMError(.notFound, "No resource type '\(name)'.")
            }
            return .json(200, type.json(baseURL: configuration.baseURL))
        case .schemas(let urn):
            try allow(["GET"])
            let schemas: [SCIMSchema] = [.user, .enterpriseUser, .group]
            guard let urn else {
                let documents = schemas.map { $0.json(baseURL: configuration.baseURL) }
                return .json(200, Self.listResponse(documents, total: documents.count, startIndex: 1))
            }
            guard let schema = schemas.first(where: { $0.id.caseInsensitiveEquals(urn) }) else {
                throw SCIMError(.notFound, "No schema '\(urn)'.")
            }
            return .json(200, schema.json(baseURL: configuration.baseURL))
        case .unsupported(let name):
            throw SCIMError(.notImplemented, "\(name) is not supported by this service provider.")
        }
    }

    // MARK: Resources

    private func body(_ request: SCIMRequest) throws(SCIMError) -> JSONValue {
        guard let data = request.body, !data.isEmpty else {
            throw SCIMError(.invalidSyntax, "The request needs a JSON body.")
        }
        if let contentType = request.header("Content-Type")?.lowercased(),
            !contentType.contains("json")
        {
            throw SCIMError(.unsupportedMediaType, "Send application/scim+json (or application/json).")
        }
        return try JSONValue.parse(data)
    }

    private func projection(_ request: SCIMRequest, _ type: SCIMResourceType) -> SCIMProjection {
        SCIMProjection(
            attributes: request.parameter("attributes"), excludedAttributes: request.parameter("excludedAttributes"),
            type: type)
    }

    private func single(_ status: Int, _ resource: SCIMResource, _ projection: SCIMProjection, location: Bool = false)
        -> SCIMResponse
    {
        var headers = ["ETag": resource.meta.version]
        if location { headers["Location"] = resource.location(baseURL: configuration.baseURL) }
        return .json(status, .object(projection.apply(resource.json(baseURL: configuration.baseURL))), headers: headers)
    }

    private func create(_ type: SCIMResourceType, _ request: SCIMRequest) async throws -> SCIMResponse {
        let attributes = try SCIMResource.normalizedAttributes(from: try body(request), for: type)
        let timestamp = now()
        let resource = SCIMResource(
            type: type, id: makeID(), attributes: attributes,
            meta: SCIMMeta(created: timestamp, lastModified: timestamp, revision: 1))
        let stored = try await store.create(resource)
        return single(201, stored, projection(request, type), location: true)
    }

    private func get(_ type: SCIMResourceType, _ id: String, _ request: SCIMRequest) async throws -> SCIMResponse {
        guard let resource = try await store.resource(type, id: id) else {
            throw SCIMError(.notFound, "\(type.name) \(id) not found.")
        }
        if let tags = request.header("If-None-Match"), Self.matches(tags, resource.meta.version) {
            return SCIMResponse(status: 304, headers: ["ETag": resource.meta.version])
        }
        return single(200, resource, projection(request, type))
    }

    private func replace(_ type: SCIMResourceType, _ id: String, _ request: SCIMRequest) async throws -> SCIMResponse {
        let attributes = try SCIMResource.normalizedAttributes(from: try body(request), for: type)
        let timestamp = now()
        let updated = try await store.update(type, id: id, expectedVersions: Self.expectedVersions(request)) { current in
            var next = current
            next.attributes = attributes
            var currentAttributes = current.attributes
            currentAttributes["groups"] = nil
            if currentAttributes != attributes {
                next.meta.lastModified = timestamp
                next.meta.revision += 1
            }
            return next
        }
        return single(200, updated, projection(request, type))
    }

    private func patch(_ type: SCIMResourceType, _ id: String, _ request: SCIMRequest) async throws -> SCIMResponse {
        let patch = try SCIMPatchRequest(json: try body(request))
        if patch.operations.count > configuration.maxPatchOperations {
            throw SCIMError(
                .payloadTooLarge, "A PATCH request may carry at most \(configuration.maxPatchOperations) operations.")
        }
        let timestamp = now()
        let updated = try await store.update(type, id: id, expectedVersions: Self.expectedVersions(request)) { current in
            var next = try current.applying(patch)
            if next.attributes != current.attributes {
                next.meta.lastModified = timestamp
                next.meta.revision += 1
            }
            return next
        }
        return single(200, updated, projection(request, type))
    }

    private func delete(_ type: SCIMResourceType, _ id: String, _ request: SCIMRequest) async throws -> SCIMResponse {
        try await store.delete(type, id: id, expectedVersions: Self.expectedVersions(request))
        return SCIMResponse(status: 204)
    }

    // MARK: Lists

    private struct ListParameters {
        var filter: String?
        var sortBy: String?
        var sortOrder: String?
        var startIndex: Int
        var count: Int
        var attributes: String?
        var excludedAttributes: String?
    }

    private func listParameters(_ request: SCIMRequest) throws(SCIMError) -> ListParameters {
        func integer(_ name: String) throws(SCIMError) -> Int? {
            guard let text = request.parameter(name) else { return nil }
            guard let value = Int(text) else {
                throw SCIMError(.invalidValue, "'\(name)' must be an integer.")
            }
            return value
        }
        return ListParameters(
            filter: request.parameter("filter"), sortBy: request.parameter("sortBy"),
            sortOrder: request.parameter("sortOrder"), startIndex: try integer("startIndex") ?? 1,
            count: try integer("count") ?? configuration.defaultPageSize, attributes: request.parameter("attributes"),
            excludedAttributes: request.parameter("excludedAttributes"))
    }

    private func searchParameters(_ request: SCIMRequest) throws(SCIMError) -> ListParameters {
        guard case .object(let object) = try body(request) else {
            throw SCIMError(.invalidSyntax, "A SearchRequest must be a JSON object.")
        }
        func string(_ name: String) throws(SCIMError) -> String? {
            guard let value = object.caseInsensitiveEntry(name)?.value, !value.isNull else { return nil }
            if let text = value.stringValue { return text }
            if let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) {
                return list.compactMap(\.stringValue).joined(separator: ",")
            }
            throw SCIMError(.invalidValue, "'\(name)' must be a string.")
        }
        func integer(_ name: String) throws(SCIMError) -> Int? {
            guard let value = object.caseInsensitiveEntry(name)?.value, !value.isNull else { return nil }
            guard case .integer(let number) = value else { throw SCIMError(.invalidValue, "'\(name)' must be an integer.") }
            return number
        }
        return ListParameters(
            filter: try string("filter"), sortBy: try string("sortBy"), sortOrder: try string("sortOrder"),
            startIndex: try integer("startIndex") ?? 1, count: try integer("count") ?? configuration.defaultPageSize,
            attributes: try string("attributes"), excludedAttributes: try string("excludedAttributes"))
    }

    private func query(_ parameters: ListParameters, _ type: SCIMResourceType) throws(SCIMError) -> SCIMQuery {
        var filter: SCIMFilter?
        if let text = parameters.filter, !text.isEmpty {
            filter = try SCIMFilter(parsing: text).resolved(for: type)
        }
        var sort: SCIMSort?
        if let sortBy = parameters.sortBy, !sortBy.isEmpty {
            guard let path = try? SCIMPatchPath(parsing: sortBy), path.valueFilter == nil,
                let resolved = type.resolve(path.attribute)
            else { throw SCIMError(.invalidValue, "Cannot sort by '\(sortBy)'.") }
            sort = SCIMSort(path: resolved.path, ascending: try Self.ascending(parameters.sortOrder))
        }
        return SCIMQuery(
            filter: filter, sort: sort, startIndex: parameters.startIndex,
            count: min(max(0, parameters.count), configuration.maxPageSize))
    }

    private static func ascending(_ order: String?) throws(SCIMError) -> Bool {
        guard let order, !order.isEmpty else { return true }
        if order.caseInsensitiveEquals("ascending") { return true }
        if order.caseInsensitiveEquals("descending") { return false }
        throw SCIMError(.invalidValue, "'sortOrder' must be 'ascending' or 'descending'.")
    }

    private func list(_ type: SCIMResourceType, _ request: SCIMRequest) async throws -> SCIMResponse {
        try await respond(try listParameters(request), type)
    }

    private func search(_ type: SCIMResourceType?, _ request: SCIMRequest) async throws -> SCIMResponse {
        let parameters = try searchParameters(request)
        if let type { return try await respond(parameters, type) }
        // Root search: each type answers the filter it understands; results are merged, then paged.
        var all: [SCIMResource] = []
        var understood = false
        var firstError: SCIMError?
        var sorts: [SCIMSort] = []
        for type in SCIMResourceType.all {
            var unpaged = parameters
            unpaged.startIndex = 1
            var query: SCIMQuery
            do {
                query = try self.query(unpaged, type)
            } catch {
                firstError = firstError ?? error
                continue
            }
            understood = true
            query.count = Int.max
            if let sort = query.sort { sorts.append(sort) }
            query.sort = nil
            all += try await store.query(type, query).resources
        }
        guard understood else { throw firstError ?? SCIMError(.invalidFilter) }
        if let sort = sorts.first { all = SCIMSorting.sorted(all, by: sort) }
        let startIndex = max(1, parameters.startIndex)
        let count = min(max(0, parameters.count), configuration.maxPageSize)
        let start = min(startIndex - 1, all.count)
        let page = all[start..<min(all.count, start + count)]
        let documents = page.map { resource in
            JSONValue.object(
                SCIMProjection(
                    attributes: parameters.attributes, excludedAttributes: parameters.excludedAttributes,
                    type: resource.type
                ).apply(resource.json(baseURL: configuration.baseURL)))
        }
        return .json(200, Self.listResponse(documents, total: all.count, startIndex: startIndex))
    }

    private func respond(_ parameters: ListParameters, _ type: SCIMResourceType) async throws -> SCIMResponse {
        let query = try self.query(parameters, type)
        let result = try await store.query(type, query)
        let projection = SCIMProjection(
            attributes: parameters.attributes, excludedAttributes: parameters.excludedAttributes, type: type)
        let documents = result.resources.map {
            JSONValue.object(projection.apply($0.json(baseURL: configuration.baseURL)))
        }
        return .json(200, Self.listResponse(documents, total: result.totalResults, startIndex: query.startIndex))
    }

    static func listResponse(_ documents: [JSONValue], total: Int, startIndex: Int) -> JSONValue {
        SCIMListResponse(totalResults: total, startIndex: startIndex, resources: documents).json
    }

    // MARK: ETags

    /// `If-Match` as a list of versions; nil for absent or `*`.
    static func expectedVersions(_ request: SCIMRequest) -> [String]? {
        guard let header = request.header("If-Match") else { return nil }
        let tags = entityTags(header)
        return tags.contains("*") ? nil : tags
    }

    /// Whether an `If-None-Match` list matches `version` (weak comparison).
    static func matches(_ header: String, _ version: String) -> Bool {
        let tags = entityTags(header)
        return tags.contains("*") || tags.contains(version)
    }

    /// Splits an entity-tag list and normalises each tag to the weak form `W/"…"` used by `meta.version`.
    static func entityTags(_ header: String) -> [String] {
        header.split(separator: ",").map { raw in
            let tag = raw.filter { $0 != " " }
            if tag == "*" { return "*" }
            if tag.hasPrefix("W/") || tag.hasPrefix("w/") { return "W/" + tag.dropFirst(2) }
            return "W/" + tag
        }
    }
}
