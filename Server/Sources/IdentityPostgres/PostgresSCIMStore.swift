#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import PostgresNIO
public import SCIMCore

/// A `SCIMStore` on PostgreSQL, shared by every instance that points at the same database and schema.
///
/// Semantics match `InMemorySCIMStore` (one conformance suite runs against both):
/// - `userName` (users) and `displayName` (groups) are unique case-insensitively through a unique index on a
///   folded key computed by the same case folding as the in-memory store (not the database's `lower()`, whose
///   result depends on the database's collation).
/// - Filters: `userName`/`displayName`/`externalId`/`id` `eq` run as indexed SQL lookups; other filters are
///   narrowed in SQL where a conjunct is indexable and evaluated exactly with the library's filter evaluator,
///   so no filter can mean something different here. Unfiltered, unsorted pages are fetched with
///   `LIMIT`/`OFFSET`.
/// - ``update(_:id:expectedVersions:_:)`` locks the row (`SELECT … FOR UPDATE`) in a transaction, checks the
///   version, applies the transform and writes, so concurrent PATCHes from any instance serialise and lose
///   nothing. Deadlocks and serialization failures are retried.
/// - Deleting a user removes it from every group (bumping the groups' versions); a user's computed `groups`
///   comes from a membership table.
///
/// Database failures throw ``IdentityPostgresError`` (``IdentityPostgresError/isTransient`` when the database
/// is down or slow; hosts answer 503).
public struct PostgresSCIMStore: SCIMStore {
    private let database: IdentityPostgresDatabase

    /// Creates the store on a migrated database (see ``IdentityPostgresDatabase/migrate()``).
    public init(database: IdentityPostgresDatabase) {
        self.database = database
    }

    /// The number of stored resources of `type`.
    public func count(_ type: SCIMResourceType) async throws -> Int {
        let resources = database.table("scim_resources")
        return try await database.perform("scim.count") { [database] in
            let rows = try await database.client.query(
                PostgresQuery(
                    unsafeSQL: "SELECT count(*) FROM \(resources) WHERE resource_type = $1",
                    binds: try binds(type.name)), logger: database.logger)
            var total = 0
            for try await count in rows.decode(Int.self) { total = count }
            return total
        }
    }

    // MARK: SCIMStore

    /// Inserts a resource, enforcing uniqueness and member references.
    public func create(_ resource: SCIMResource) async throws -> SCIMResource {
        let database = self.database
        return try await database.perform("scim.create") {
            try await database.client.withTransaction(logger: database.logger) { connection in
                let sql = SQL(database: database, connection: connection)
                var resource = resource
                resource.attributes["groups"] = nil
                if resource.type == .group { resource = try await sql.checkMembers(resource) }
                try await sql.insert(resource)
                if resource.type == .group { try await sql.replaceMemberships(group: resource) }
                return resource
            }
        }
    }

    /// The resource with `id`, with computed `groups` for users.
    public func resource(_ type: SCIMResourceType, id: String) async throws -> SCIMResource? {
        let database = self.database
        return try await database.perform("scim.get") {
            try await database.client.withConnection { connection in
                let sql = SQL(database: database, connection: connection)
                guard let row = try await sql.rows(type, where: "id = $2", binds: try binds(type.name, id)).first
                else { return nil }
                return try await sql.materialize([row]).first
            }
        }
    }

    /// Answers a query with indexed SQL where possible and the library's filter evaluator for exactness.
    public func query(_ type: SCIMResourceType, _ query: SCIMQuery) async throws -> SCIMQueryResult {
        let database = self.database
        return try await database.perform("scim.query") {
            try await database.client.withConnection { connection in
                try await SQL(database: database, connection: connection).query(type, query)
            }
        }
    }

    /// Atomic read-modify-write under a row lock, with an optional version check.
    public func update(
        _ type: SCIMResourceType, id: String, expectedVersions: [String]?,
        _ transform: @escaping @Sendable (SCIMResource) throws -> SCIMResource
    ) async throws -> SCIMResource {
        let database = self.database
        return try await database.perform("scim.update") {
            try await database.client.withTransaction(logger: database.logger) { connection in
                let sql = SQL(database: database, connection: connection)
                guard
                    let row = try await sql.rows(
                        type, where: "id = $2", binds: try binds(type.name, id), lock: true
                    ).first
                else { throw SCIMError(.notFound, "\(type.name) \(id) not found.") }
                let current = try await sql.materialize([row])[0]
                if let expectedVersions, !expectedVersions.contains(current.meta.version) {
                    throw SCIMError(.preconditionFailed, "The resource was modified: its version is not the expected one.")
                }
                var updated = try transform(current)
                updated.id = current.id
                updated.type = current.type
                updated.attributes["groups"] = nil
                if type == .group { updated = try await sql.checkMembers(updated) }
                try await sql.write(updated)
                if type == .group { try await sql.replaceMemberships(group: updated) }
                return try await sql.materialize([updated]).first ?? updated
            }
        }
    }

    /// Deletes a resource; a user is removed from every group, a group from every group nesting it.
    public func delete(_ type: SCIMResourceType, id: String, expectedVersions: [String]?) async throws {
        let database = self.database
        try await database.perform("scim.delete") {
            try await database.client.withTransaction(logger: database.logger) { connection in
                let sql = SQL(database: database, connection: connection)
                guard
                    let current = try await sql.rows(type, where: "id = $2", binds: try binds(type.name, id), lock: true)
                        .first
                else { throw SCIMError(.notFound, "\(type.name) \(id) not found.") }
                if let expectedVersions, !expectedVersions.contains(current.meta.version) {
                    throw SCIMError(.preconditionFailed, "The resource was modified: its version is not the expected one.")
                }
                try await sql.removeFromGroups(memberID: id, memberType: type.name)
                try await sql.execute(
                    "DELETE FROM \(sql.memberships) WHERE group_id = $1 AND $2 = 'Group'", binds(id, type.name))
                try await sql.execute(
                    "DELETE FROM \(sql.resources) WHERE resource_type = $1 AND id = $2", binds(type.name, id))
            }
        }
    }
}

/// The case folding of `InMemorySCIMStore`'s name index (ASCII lower-casing for ASCII, Unicode otherwise;
/// `lowercased()` does both).
func foldedName(_ value: String) -> String { value.lowercased() }

/// Statements of one operation on one leased connection.
private struct SQL {
    let database: IdentityPostgresDatabase
    let connection: PostgresConnection
    var resources: String { database.table("scim_resources") }
    var memberships: String { database.table("scim_memberships") }
    var logger: Logger { database.logger }

    private static let columns = "resource_type, id, document, created, last_modified, revision"

    @discardableResult
    func execute(_ sql: String, _ bindings: PostgresBindings) async throws -> PostgresRowSequence {
        try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
    }

    /// Rows of `type` matching a SQL condition (binds start at $2; $1 is the type), in creation order.
    func rows(
        _ type: SCIMResourceType, where condition: String, binds bindings: PostgresBindings, lock: Bool = false,
        suffix: String = ""
    ) async throws -> [SCIMResource] {
        let sql = """
            SELECT \(Self.columns) FROM \(resources) WHERE resource_type = $1 AND (\(condition))
            ORDER BY seq \(suffix)\(lock ? " FOR UPDATE" : "")
            """
        var result: [SCIMResource] = []
        let rows = try await execute(sql, bindings)
        for try await (typeName, id, document, created, modified, revision) in rows.decode(
            (String, String, String, Double, Double, Int).self)
        {
            result.append(try decode(typeName, id, document, created, modified, revision))
        }
        return result
    }

    private func decode(
        _ typeName: String, _ id: String, _ document: String, _ created: Double, _ modified: Double, _ revision: Int
    ) throws -> SCIMResource {
        guard let type = SCIMResourceType.all.first(where: { $0.name == typeName }),
            let attributes = (try? JSONValue.parse(Data(document.utf8)))?.objectValue
        else {
            throw IdentityPostgresError(.corruptRow, "A stored SCIM resource could not be read.", detail: id)
        }
        return SCIMResource(
            type: type, id: id, attributes: attributes,
            meta: SCIMMeta(
                created: Date(timeIntervalSinceReferenceDate: created),
                lastModified: Date(timeIntervalSinceReferenceDate: modified), revision: revision))
    }

    private func name(_ resource: SCIMResource) -> String {
        (resource.type == .user ? resource.userName : resource.displayName) ?? ""
    }

    private func document(_ resource: SCIMResource) -> String {
        String(decoding: JSONValue.object(resource.attributes).serialized(), as: UTF8.self)
    }

    private func uniqueness(_ error: PSQLError, _ resource: SCIMResource) -> any Error {
        guard error.serverInfo?[.sqlState] == "23505" else { return error }
        if error.serverInfo?[.constraintName]?.hasSuffix("name_key") == true {
            let attribute = resource.type == .user ? "userName" : "displayName"
            return SCIMError(.uniqueness, "The \(attribute) '\(name(resource))' is already in use.")
        }
        return SCIMError(.uniqueness, "A resource with this id already exists.")
    }

    func insert(_ resource: SCIMResource) async throws {
        do {
            try await execute(
                """
                INSERT INTO \(resources) (resource_type, id, name, name_key, external_id, document, created,
                    last_modified, revision) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """,
                binds(
                    resource.type.name, resource.id, name(resource), foldedName(name(resource)), resource.externalId,
                    document(resource), resource.meta.created.timeIntervalSinceReferenceDate,
                    resource.meta.lastModified.timeIntervalSinceReferenceDate, resource.meta.revision))
        } catch let error as PSQLError {
            throw uniqueness(error, resource)
        }
    }

    func write(_ resource: SCIMResource) async throws {
        do {
            try await execute(
                """
                UPDATE \(resources) SET name = $3, name_key = $4, external_id = $5, document = $6, created = $7,
                    last_modified = $8, revision = $9 WHERE resource_type = $1 AND id = $2
                """,
                binds(
                    resource.type.name, resource.id, name(resource), foldedName(name(resource)), resource.externalId,
                    document(resource), resource.meta.created.timeIntervalSinceReferenceDate,
                    resource.meta.lastModified.timeIntervalSinceReferenceDate, resource.meta.revision))
        } catch let error as PSQLError {
            throw uniqueness(error, resource)
        }
    }

    /// Checks member references and fills their `type`; locks the referenced rows against concurrent deletes.
    func checkMembers(_ group: SCIMResource) async throws -> SCIMResource {
        guard let members = group.attributes["members"]?.arrayValue else { return group }
        var ids: [String] = []
        for member in members {
            guard let id = member.objectValue?["value"]?.stringValue else {
                throw SCIMError(.invalidValue, "Every member needs a 'value' holding a user or group id.")
            }
            ids.append(id)
        }
        var users = Set<String>()
        var groups = Set<String>()
        let rows = try await execute(
            "SELECT resource_type, id FROM \(resources) WHERE id = ANY($1) ORDER BY resource_type, id FOR SHARE",
            binds(Array(Set(ids))))
        for try await (type, id) in rows.decode((String, String).self) {
            if type == SCIMResourceType.user.name { users.insert(id) } else { groups.insert(id) }
        }
        var checked: [JSONValue] = []
        checked.reserveCapacity(members.count)
        for member in members {
            guard var object = member.objectValue, let id = object["value"]?.stringValue else { continue }
            if users.contains(id) {
                object["type"] = .string("User")
            } else if groups.contains(id), id != group.id {
                object["type"] = .string("Group")
            } else {
                throw SCIMError(.invalidValue, "The member '\(id)' is not an existing user or group.")
            }
            checked.append(.object(object))
        }
        var result = group
        result.attributes["members"] = .array(checked)
        return result
    }

    func replaceMemberships(group: SCIMResource) async throws {
        try await execute("DELETE FROM \(memberships) WHERE group_id = $1", binds(group.id))
        var ids: [String] = []
        var types: [String] = []
        var seen = Set<String>()
        for member in group.attributes["members"]?.arrayValue ?? [] {
            guard let id = member["value"]?.stringValue, seen.insert(id).inserted else { continue }
            ids.append(id)
            types.append(member["type"]?.stringValue ?? "User")
        }
        guard !ids.isEmpty else { return }
        try await execute(
            """
            INSERT INTO \(memberships) (group_id, member_id, member_type)
            SELECT $1, m.id, m.type FROM unnest($2::text[], $3::text[]) AS m(id, type)
            """, binds(group.id, ids, types))
    }

    /// Removes a deleted user or group from every group listing it, bumping those groups' revisions.
    func removeFromGroups(memberID: String, memberType: String) async throws {
        let groupRows = try await rows(
            .group,
            where: "id IN (SELECT group_id FROM \(memberships) WHERE member_id = $2 AND member_type = $3)",
            binds: binds(SCIMResourceType.group.name, memberID, memberType), lock: true)
        for var group in groupRows {
            let remaining = (group.attributes["members"]?.arrayValue ?? []).filter {
                $0["value"]?.stringValue != memberID
            }
            group.attributes["members"] = remaining.isEmpty ? nil : .array(remaining)
            group.meta.revision += 1
            try await write(group)
        }
        try await execute(
            "DELETE FROM \(memberships) WHERE member_id = $1 AND member_type = $2", binds(memberID, memberType))
    }

    /// Adds the computed `groups` attribute to users (sorted by group id, as the in-memory store does).
    func materialize(_ resources: [SCIMResource]) async throws -> [SCIMResource] {
        let userIDs = resources.filter { $0.type == .user }.map(\.id)
        guard !userIDs.isEmpty else { return resources }
        var groups: [String: [(String, String)]] = [:]
        let rows = try await execute(
            """
            SELECT m.member_id, g.id, g.name FROM \(memberships) m
            JOIN \(self.resources) g ON g.resource_type = 'Group' AND g.id = m.group_id
            WHERE m.member_type = 'User' AND m.member_id = ANY($1)
            """, binds(userIDs))
        for try await (member, group, name) in rows.decode((String, String, String).self) {
            groups[member, default: []].append((group, name))
        }
        return resources.map { resource in
            guard resource.type == .user, let entries = groups[resource.id], !entries.isEmpty else { return resource }
            var result = resource
            result.attributes["groups"] = .array(
                entries.sorted { $0.0 < $1.0 }.map { id, name in
                    .object(["value": .string(id), "type": .string("direct"), "display": .string(name)])
                })
            return result
        }
    }

    func query(_ type: SCIMResourceType, _ query: SCIMQuery) async throws -> SCIMQueryResult {
        let nameAttribute = type == .user ? "userName" : "displayName"
        if let (attribute, value) = query.filter?.simpleEquality,
            [nameAttribute, "externalId", "id"].contains(attribute)
        {
            // Indexed lookups answered by SQL alone, exactly as the in-memory store's indexes answer them.
            let condition: String
            let key: String
            switch attribute {
            case nameAttribute: (condition, key) = ("name_key = $2", foldedName(value))
            case "externalId": (condition, key) = ("external_id = $2", value)
            default: (condition, key) = ("id = $2", value)
            }
            var matched = try await rows(type, where: condition, binds: binds(type.name, key))
            if attribute == "externalId" {
                matched.sort { ($0.meta.created, $0.id) < ($1.meta.created, $1.id) }
            }
            return try await page(matched, query)
        }
        if query.filter == nil, query.sort == nil {
            let total = try await count(type)
            let rows = try await rows(
                type, where: "true", binds: binds(type.name, query.count, query.startIndex - 1),
                suffix: "LIMIT $2 OFFSET $3")
            return SCIMQueryResult(totalResults: total, resources: try await materialize(rows))
        }
        var bindings = try binds(type.name)
        let condition = query.filter.map { narrowing($0, type: type, nameAttribute: nameAttribute, &bindings) } ?? "true"
        let candidates = try await materialize(rows(type, where: condition, binds: bindings))
        var matched = query.filter.map { filter in candidates.filter { filter.matches($0) } } ?? candidates
        if let sort = query.sort { matched = SCIMSorting.sorted(matched, by: sort) }
        return try await page(matched, query, materialized: true)
    }

    private func count(_ type: SCIMResourceType) async throws -> Int {
        let rows = try await execute("SELECT count(*) FROM \(resources) WHERE resource_type = $1", binds(type.name))
        var total = 0
        for try await count in rows.decode(Int.self) { total = count }
        return total
    }

    private func page(_ matched: [SCIMResource], _ query: SCIMQuery, materialized: Bool = false) async throws
        -> SCIMQueryResult
    {
        let total = matched.count
        let start = min(query.startIndex - 1, total)
        let end = min(total, start + query.count)
        let page = Array(matched[start..<end])
        return SCIMQueryResult(totalResults: total, resources: materialized ? page : try await materialize(page))
    }

    /// A SQL condition selecting a superset of the filter's matches (exactness comes from the evaluator):
    /// indexable equalities inside `and`/`or` narrow the scan; anything else is `true`.
    private func narrowing(
        _ filter: SCIMFilter, type: SCIMResourceType, nameAttribute: String, _ bindings: inout PostgresBindings
    ) -> String {
        switch filter {
        case .and(let lhs, let rhs):
            let left = narrowing(lhs, type: type, nameAttribute: nameAttribute, &bindings)
            let right = narrowing(rhs, type: type, nameAttribute: nameAttribute, &bindings)
            return "(\(left)) AND (\(right))"
        case .or(let lhs, let rhs):
            let left = narrowing(lhs, type: type, nameAttribute: nameAttribute, &bindings)
            let right = narrowing(rhs, type: type, nameAttribute: nameAttribute, &bindings)
            return left == "true" || right == "true" ? "true" : "(\(left)) OR (\(right))"
        default:
            guard let (attribute, value) = filter.simpleEquality else { return "true" }
            if attribute == nameAttribute {
                bindings.append(foldedName(value))
                return "name_key = $\(bindings.count)"
            }
            if attribute == "id" {
                bindings.append(value)
                return "id = $\(bindings.count)"
            }
            return "true"
        }
    }
}
