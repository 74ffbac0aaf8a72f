/// A fast in-memory ``SCIMStore`` for tests, the reference server and small deployments.
///
/// Users and groups live in dictionaries with case-folded indexes on `userName`, group `displayName` and
/// user `externalId`, so the lookups IdPs issue before every change (`userName eq "…"`) do not scan. Other
/// filters are evaluated in memory. Listing order is creation order. The actor serialises all access, which
/// makes ``update(_:id:expectedVersions:_:)`` atomic.
public actor InMemorySCIMStore: SCIMStore {
    private struct Table {
        var resources: [String: SCIMResource] = [:]
        var order: [String] = []
        var nameIndex: [String: String] = [:]
        var externalIDIndex: [String: Set<String>] = [:]
    }

    private var users = Table()
    private var groups = Table()
    /// user id → ids of the groups listing it as a direct member.
    private var memberships: [String: Set<String>] = [:]

    /// Creates an empty store.
    public init() {}

    /// The number of stored resources of `type`.
    public func count(_ type: SCIMResourceType) -> Int {
        type == .user ? users.resources.count : groups.resources.count
    }

    // MARK: SCIMStore

    /// Inserts a resource, enforcing uniqueness and member references.
    public func create(_ resource: SCIMResource) throws -> SCIMResource {
        var resource = resource
        resource.attributes["groups"] = nil
        if resource.type == .group { resource = try checkMembers(resource) }
        let key = try uniqueKey(resource, replacing: nil)
        guard table(resource.type).resources[resource.id] == nil else {
            throw SCIMError(.uniqueness, "A resource with this id already exists.")
        }
        insert(resource, key: key)
        if resource.type == .group { updateMemberships(group: resource.id, old: [], new: resource.memberIDs) }
        return materialize(resource)
    }

    /// The resource with `id`, with computed `groups` for users.
    public func resource(_ type: SCIMResourceType, id: String) -> SCIMResource? {
        table(type).resources[id].map(materialize)
    }

    /// Answers a query: indexed for top-level `eq` on `userName`/`displayName`/`externalId`/`id`, else a scan.
    public func query(_ type: SCIMResourceType, _ query: SCIMQuery) -> SCIMQueryResult {
        let table = table(type)
        var candidates: [SCIMResource]
        var filter = query.filter
        if let (attribute, value) = query.filter?.simpleEquality {
            let nameAttribute = type == .user ? "userName" : "displayName"
            if attribute == nameAttribute {
                candidates = table.nameIndex[foldedKey(value)].flatMap { table.resources[$0] }.map { [$0] } ?? []
                filter = nil
            } else if attribute == "externalId" {
                candidates = (table.externalIDIndex[value] ?? []).compactMap { table.resources[$0] }
                    .sorted { ($0.meta.created, $0.id) < ($1.meta.created, $1.id) }
                filter = nil
            } else if attribute == "id" {
                candidates = table.resources[value].map { [$0] } ?? []
                filter = nil
            } else {
                candidates = table.order.compactMap { table.resources[$0] }
            }
        } else {
            candidates = table.order.compactMap { table.resources[$0] }
        }
        var matched: [SCIMResource]
        if let filter {
            matched = candidates.compactMap { candidate in
                let materialized = materialize(candidate)
                return filter.matches(materialized) ? materialized : nil
            }
        } else {
            matched = candidates
        }
        if let sort = query.sort { matched = SCIMSorting.sorted(matched.map(materialize), by: sort) }
        let total = matched.count
        let start = min(query.startIndex - 1, total)
        let end = min(total, start + query.count)
        let page = matched[start..<end].map(materialize)
        return SCIMQueryResult(totalResults: total, resources: page)
    }

    /// Atomic read-modify-write with an optional version check.
    public func update(
        _ type: SCIMResourceType, id: String, expectedVersions: [String]?,
        _ transform: @escaping @Sendable (SCIMResource) throws -> SCIMResource
    ) throws -> SCIMResource {
        guard let current = table(type).resources[id] else {
            throw SCIMError(.notFound, "\(type.name) \(id) not found.")
        }
        if let expectedVersions, !expectedVersions.contains(current.meta.version) {
            throw SCIMError(.preconditionFailed, "The resource was modified: its version is not the expected one.")
        }
        var updated = try transform(materialize(current))
        updated.id = current.id
        updated.type = current.type
        updated.attributes["groups"] = nil
        if type == .group { updated = try checkMembers(updated) }
        let key = try uniqueKey(updated, replacing: current)
        remove(current)
        insert(updated, key: key, keepOrder: true)
        if type == .group { updateMemberships(group: id, old: current.memberIDs, new: updated.memberIDs) }
        return materialize(updated)
    }

    /// Deletes a resource; users are removed from every group first.
    public func delete(_ type: SCIMResourceType, id: String, expectedVersions: [String]?) throws {
        guard let current = table(type).resources[id] else {
            throw SCIMError(.notFound, "\(type.name) \(id) not found.")
        }
        if let expectedVersions, !expectedVersions.contains(current.meta.version) {
            throw SCIMError(.preconditionFailed, "The resource was modified: its version is not the expected one.")
        }
        if type == .user {
            for groupID in memberships[id] ?? [] {
                guard var group = groups.resources[groupID], let members = group.attributes["members"]?.arrayValue
                else { continue }
                let remaining = members.filter { $0["value"]?.stringValue != id }
                group.attributes["members"] = remaining.isEmpty ? nil : .array(remaining)
                group.meta.revision += 1
                groups.resources[groupID] = group
            }
            memberships[id] = nil
        } else {
            updateMemberships(group: id, old: current.memberIDs, new: [])
            // Nested group references to the deleted group go too.
            for (groupID, var group) in groups.resources where group.memberIDs.contains(id) {
                let remaining = (group.attributes["members"]?.arrayValue ?? []).filter { $0["value"]?.stringValue != id }
                group.attributes["members"] = remaining.isEmpty ? nil : .array(remaining)
                group.meta.revision += 1
                groups.resources[groupID] = group
            }
        }
        remove(current)
        if type == .user {
            users.order.removeAll { $0 == id }
        } else {
            groups.order.removeAll { $0 == id }
        }
    }

    // MARK: Internals

    private func table(_ type: SCIMResourceType) -> Table { type == .user ? users : groups }

    private func uniqueKey(_ resource: SCIMResource, replacing current: SCIMResource?) throws(SCIMError) -> String {
        let name = (resource.type == .user ? resource.userName : resource.displayName) ?? ""
        let key = foldedKey(name)
        if let owner = table(resource.type).nameIndex[key], owner != current?.id {
            let attribute = resource.type == .user ? "userName" : "displayName"
            throw SCIMError(.uniqueness, "The \(attribute) '\(name)' is already in use.")
        }
        return key
    }

    private func insert(_ resource: SCIMResource, key: String, keepOrder: Bool = false) {
        func apply(_ table: inout Table) {
            table.resources[resource.id] = resource
            table.nameIndex[key] = resource.id
            if let externalID = resource.externalId { table.externalIDIndex[externalID, default: []].insert(resource.id) }
            if !keepOrder { table.order.append(resource.id) }
        }
        if resource.type == .user { apply(&users) } else { apply(&groups) }
    }

    private func remove(_ resource: SCIMResource) {
        func apply(_ table: inout Table) {
            table.resources[resource.id] = nil
            let name = (resource.type == .user ? resource.userName : resource.displayName) ?? ""
            if table.nameIndex[foldedKey(name)] == resource.id { table.nameIndex[foldedKey(name)] = nil }
            if let externalID = resource.externalId {
                table.externalIDIndex[externalID]?.remove(resource.id)
                if table.externalIDIndex[externalID]?.isEmpty == true { table.externalIDIndex[externalID] = nil }
            }
        }
        if resource.type == .user { apply(&users) } else { apply(&groups) }
    }

    private func checkMembers(_ group: SCIMResource) throws(SCIMError) -> SCIMResource {
        guard let members = group.attributes["members"]?.arrayValue else { return group }
        var checked: [JSONValue] = []
        checked.reserveCapacity(members.count)
        for member in members {
            guard var object = member.objectValue, let id = object["value"]?.stringValue else {
                throw SCIMError(.invalidValue, "Every member needs a 'value' holding a user or group id.")
            }
            if users.resources[id] != nil {
                object["type"] = .string("User")
            } else if groups.resources[id] != nil, id != group.id {
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

    private func updateMemberships(group: String, old: [String], new: [String]) {
        let oldSet = Set(old)
        let newSet = Set(new)
        for removed in oldSet.subtracting(newSet) {
            memberships[removed]?.remove(group)
            if memberships[removed]?.isEmpty == true { memberships[removed] = nil }
        }
        for added in newSet.subtracting(oldSet) where users.resources[added] != nil {
            memberships[added, default: []].insert(group)
        }
    }

    /// Adds the computed `groups` attribute to users.
    private func materialize(_ resource: SCIMResource) -> SCIMResource {
        guard resource.type == .user, let groupIDs = memberships[resource.id], !groupIDs.isEmpty else {
            return resource
        }
        var result = resource
        result.attributes["groups"] = .array(
            groupIDs.sorted().map { id in
                var entry: [String: JSONValue] = ["value": .string(id), "type": .string("direct")]
                if let name = groups.resources[id]?.displayName { entry["display"] = .string(name) }
                return .object(entry)
            })
        return result
    }
}
