import Foundation
internal import GRDB
public import SCIMCore

/// A `SCIMCore/SCIMStore` over SQLite, with the same contract as `InMemorySCIMStore`.
///
/// Resources are stored as their normalised JSON plus indexed columns: the case-folded `userName` /
/// `displayName` (unique), `externalId`, `active`, one row per user email (case-folded) and one row per group
/// membership. Filters are translated to SQL over those columns where possible (`SQLFilter`); what is
/// left is evaluated in memory over the SQL-selected candidates, which are refused with `tooMany` beyond
/// ``maxCandidates``. Updates run in one write transaction: read, version check, transform, write.
public struct SQLiteSCIMStore: SCIMStore {
    private let database: SQLiteDatabase
    /// The most candidates a filter that SQL cannot fully answer may evaluate in memory.
    public let maxCandidates: Int

    /// Creates a store over an opened database.
    /// - Parameters:
    ///   - database: The migrated database.
    ///   - maxCandidates: The bound on in-memory filter evaluation.
    public init(database: SQLiteDatabase, maxCandidates: Int = 20_000) {
        self.database = database
        self.maxCandidates = maxCandidates
    }

    // MARK: SCIMStore

    /// Inserts a resource, enforcing uniqueness and member references.
    public func create(_ resource: SCIMResource) async throws -> SCIMResource {
        try await database.pool.write { db in
            var resource = resource
            resource.attributes["groups"] = nil
            if try Self.exists(db, resource.type, id: resource.id) {
                throw SCIMError(.uniqueness, "A resource with this id already exists.")
            }
            if resource.type == .group { resource = try Self.checkMembers(db, resource) }
            try Self.checkUnique(db, resource)
            try Self.insert(db, resource)
            return try Self.materialize(db, resource)
        }
    }

    /// The resource with `id`, with computed `groups` for users.
    public func resource(_ type: SCIMResourceType, id: String) async throws -> SCIMResource? {
        try await database.pool.read { db in
            try Self.fetch(db, type, id: id).map { try Self.materialize(db, $0) }
        }
    }

    /// Answers a query with SQL where the filter and sort allow it, else by bounded in-memory evaluation.
    public func query(_ type: SCIMResourceType, _ query: SCIMQuery) async throws -> SCIMQueryResult {
        let maxCandidates = maxCandidates
        return try await database.pool.read { db in
            let table = Self.table(type)
            let translated = query.filter.map { SQLFilter.translate($0, type: type) }
            let condition = translated.flatMap { $0 }
            let whereSQL = condition?.sql ?? "1"
            let arguments = StatementArguments(condition?.arguments ?? [])
            let exact = query.filter == nil || condition?.exact == true
            let orderSQL: String? = query.sort.map { SQLFilter.orderBy($0, type: type) } ?? "seq"
            if exact, let orderSQL {
                func countAll() throws -> Int {
                    try Int.fetchOne(
                        db.cachedStatement(sql: "SELECT COUNT(*) FROM \(table) WHERE \(whereSQL)"), arguments: arguments) ?? 0
                }
                guard query.count > 0 else { return SCIMQueryResult(totalResults: try countAll(), resources: []) }
                var pageArguments = arguments
                pageArguments += [query.count, query.startIndex - 1]
                let rows = try Row.fetchAll(
                    db.cachedStatement(
                        sql: "SELECT \(Self.columns) FROM \(table) WHERE \(whereSQL) ORDER BY \(orderSQL) LIMIT ? OFFSET ?"),
                    arguments: pageArguments)
                // A first page that is not full holds every match (the IdP lookups): no COUNT needed.
                let total = query.startIndex == 1 && rows.count < query.count ? rows.count : try countAll()
                let page = try rows.map { try Self.materialize(db, Self.decode(type, $0)) }
                return SCIMQueryResult(totalResults: total, resources: page)
            }
            let candidates =
                try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM \(table) WHERE \(whereSQL)"), arguments: arguments)
                ?? 0
            guard candidates <= maxCandidates else {
                throw SCIMError(
                    .tooMany,
                    "The filter would evaluate \(candidates) resources (limit \(maxCandidates)); narrow it with an indexed attribute (id, externalId, \(type == .user ? "userName, emails.value, active" : "displayName, members.value")).")
            }
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT \(Self.columns) FROM \(table) WHERE \(whereSQL) ORDER BY seq"),
                arguments: arguments)
            var matched: [SCIMResource] = []
            for row in rows {
                let resource = try Self.materialize(db, Self.decode(type, row))
                if exact || query.filter?.matches(resource) != false { matched.append(resource) }
            }
            if let sort = query.sort { matched = SCIMSorting.sorted(matched, by: sort) }
            let total = matched.count
            let start = min(query.startIndex - 1, total)
            let end = min(total, start + query.count)
            return SCIMQueryResult(totalResults: total, resources: Array(matched[start..<end]))
        }
    }

    /// Atomic read-modify-write in one transaction, with an optional version check.
    public func update(
        _ type: SCIMResourceType, id: String, expectedVersions: [String]?,
        _ transform: @escaping @Sendable (SCIMResource) throws -> SCIMResource
    ) async throws -> SCIMResource {
        try await database.pool.write { db in
            guard let stored = try Self.fetch(db, type, id: id) else {
                throw SCIMError(.notFound, "\(type.name) \(id) not found.")
            }
            if let expectedVersions, !expectedVersions.contains(stored.meta.version) {
                throw SCIMError(.preconditionFailed, "The resource was modified: its version is not the expected one.")
            }
            var updated = try transform(Self.materialize(db, stored))
            updated.id = stored.id
            updated.type = stored.type
            updated.attributes["groups"] = nil
            if type == .group { updated = try Self.checkMembers(db, updated) }
            try Self.checkUnique(db, updated)
            try Self.write(db, updated)
            return try Self.materialize(db, updated)
        }
    }

    /// Deletes a resource; a deleted user or group leaves every group listing it.
    public func delete(_ type: SCIMResourceType, id: String, expectedVersions: [String]?) async throws {
        try await database.pool.write { db in
            guard let stored = try Self.fetch(db, type, id: id) else {
                throw SCIMError(.notFound, "\(type.name) \(id) not found.")
            }
            if let expectedVersions, !expectedVersions.contains(stored.meta.version) {
                throw SCIMError(.preconditionFailed, "The resource was modified: its version is not the expected one.")
            }
            let groupIDs = try String.fetchAll(
                db, sql: "SELECT group_id FROM scim_memberships WHERE member_id = ?", arguments: [id])
            for groupID in groupIDs where groupID != id {
                guard var group = try Self.fetch(db, .group, id: groupID) else { continue }
                let remaining = (group.attributes["members"]?.arrayValue ?? []).filter { $0["value"]?.stringValue != id }
                group.attributes["members"] = remaining.isEmpty ? nil : .array(remaining)
                group.meta.revision += 1
                try Self.write(db, group)
            }
            try db.execute(sql: "DELETE FROM \(Self.table(type)) WHERE id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM scim_memberships WHERE member_id = ?", arguments: [id])
        }
    }

    /// The number of stored resources of `type`.
    public func count(_ type: SCIMResourceType) async throws -> Int {
        try await database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(Self.table(type))") ?? 0
        }
    }

    // MARK: Rows

    private static let columns = "id, created, last_modified, revision, attributes"

    private static func table(_ type: SCIMResourceType) -> String {
        type == .user ? "scim_users" : "scim_groups"
    }

    private static func exists(_ db: Database, _ type: SCIMResourceType, id: String) throws -> Bool {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM \(table(type)) WHERE id = ?"), arguments: [id]) != nil
    }

    private static func fetch(_ db: Database, _ type: SCIMResourceType, id: String) throws -> SCIMResource? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(columns) FROM \(table(type)) WHERE id = ?"), arguments: [id]
        ).map { try decode(type, $0) }
    }

    private static func decode(_ type: SCIMResourceType, _ row: Row) throws -> SCIMResource {
        let data: Data = row["attributes"]
        guard let attributes = try JSONValue.parse(data).objectValue else {
            throw SCIMError(.internalError, "A stored resource is not a JSON object.")
        }
        return SCIMResource(
            type: type, id: row["id"], attributes: attributes,
            meta: SCIMMeta(
                created: Date(timeIntervalSince1970: row["created"]),
                lastModified: Date(timeIntervalSince1970: row["last_modified"]), revision: row["revision"]))
    }

    private static func nameKey(_ resource: SCIMResource) -> String {
        ((resource.type == .user ? resource.userName : resource.displayName) ?? "").lowercased()
    }

    private static func checkUnique(_ db: Database, _ resource: SCIMResource) throws {
        let column = resource.type == .user ? "user_name_key" : "display_name_key"
        let owner = try String.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM \(table(resource.type)) WHERE \(column) = ?"),
            arguments: [nameKey(resource)])
        if let owner, owner != resource.id {
            let attribute = resource.type == .user ? "userName" : "displayName"
            let name = (resource.type == .user ? resource.userName : resource.displayName) ?? ""
            throw SCIMError(.uniqueness, "The \(attribute) '\(name)' is already in use.")
        }
    }

    private static func checkMembers(_ db: Database, _ group: SCIMResource) throws -> SCIMResource {
        guard let members = group.attributes["members"]?.arrayValue else { return group }
        var checked: [JSONValue] = []
        checked.reserveCapacity(members.count)
        for member in members {
            guard var object = member.objectValue, let id = object["value"]?.stringValue else {
                throw SCIMError(.invalidValue, "Every member needs a 'value' holding a user or group id.")
            }
            if try exists(db, .user, id: id) {
                object["type"] = .string("User")
            } else if id != group.id, try exists(db, .group, id: id) {
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

    private static func insert(_ db: Database, _ resource: SCIMResource) throws {
        let body = JSONValue.object(resource.attributes).serialized()
        let meta = resource.meta
        if resource.type == .user {
            try db.cachedStatement(
                sql: """
                    INSERT INTO scim_users (id, user_name_key, external_id, active, created, last_modified, revision, attributes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                resource.id, nameKey(resource), resource.externalId, resource.attributes["active"]?.boolValue,
                meta.created.timeIntervalSince1970, meta.lastModified.timeIntervalSince1970, meta.revision, body,
            ])
        } else {
            try db.cachedStatement(
                sql: """
                    INSERT INTO scim_groups (id, display_name, display_name_key, external_id, created, last_modified, revision, attributes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                resource.id, resource.displayName ?? "", nameKey(resource), resource.externalId,
                meta.created.timeIntervalSince1970, meta.lastModified.timeIntervalSince1970, meta.revision, body,
            ])
        }
        try writeIndexes(db, resource)
    }

    /// Rewrites an existing row and its index rows.
    private static func write(_ db: Database, _ resource: SCIMResource) throws {
        let body = JSONValue.object(resource.attributes).serialized()
        let meta = resource.meta
        if resource.type == .user {
            try db.cachedStatement(
                sql: """
                    UPDATE scim_users SET user_name_key = ?, external_id = ?, active = ?, last_modified = ?,
                    revision = ?, attributes = ? WHERE id = ?
                    """
            ).execute(arguments: [
                nameKey(resource), resource.externalId, resource.attributes["active"]?.boolValue,
                meta.lastModified.timeIntervalSince1970, meta.revision, body, resource.id,
            ])
            try db.cachedStatement(sql: "DELETE FROM scim_user_emails WHERE user_id = ?").execute(arguments: [resource.id])
        } else {
            try db.cachedStatement(
                sql: """
                    UPDATE scim_groups SET display_name = ?, display_name_key = ?, external_id = ?, last_modified = ?,
                    revision = ?, attributes = ? WHERE id = ?
                    """
            ).execute(arguments: [
                resource.displayName ?? "", nameKey(resource), resource.externalId,
                meta.lastModified.timeIntervalSince1970, meta.revision, body, resource.id,
            ])
            try db.cachedStatement(sql: "DELETE FROM scim_memberships WHERE group_id = ?").execute(arguments: [resource.id])
        }
        try writeIndexes(db, resource)
    }

    private static func writeIndexes(_ db: Database, _ resource: SCIMResource) throws {
        if resource.type == .user {
            let emails = Set(
                (resource.attributes["emails"]?.arrayValue ?? []).compactMap { $0["value"]?.stringValue?.lowercased() })
            for email in emails {
                try db.cachedStatement(sql: "INSERT INTO scim_user_emails (user_id, value_key) VALUES (?, ?)")
                    .execute(arguments: [resource.id, email])
            }
        } else {
            for member in Set(resource.memberIDs) {
                try db.cachedStatement(sql: "INSERT INTO scim_memberships (group_id, member_id) VALUES (?, ?)")
                    .execute(arguments: [resource.id, member])
            }
        }
    }

    /// Adds the computed `groups` attribute to users.
    private static func materialize(_ db: Database, _ resource: SCIMResource) throws -> SCIMResource {
        guard resource.type == .user else { return resource }
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT g.id, g.display_name FROM scim_memberships m JOIN scim_groups g ON g.id = m.group_id
                    WHERE m.member_id = ? ORDER BY g.id
                    """),
            arguments: [resource.id])
        guard !rows.isEmpty else { return resource }
        var result = resource
        result.attributes["groups"] = .array(
            rows.map { row in
                .object(["value": .string(row["id"]), "type": .string("direct"), "display": .string(row["display_name"])])
            })
        return result
    }
}
