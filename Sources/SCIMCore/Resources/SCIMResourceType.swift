/// A resource type the service provider serves: `User` (with the Enterprise extension) or `Group`.
public struct SCIMResourceType: Sendable, Hashable, CustomStringConvertible {
    /// The resource type name (`User`, `Group`), also `meta.resourceType`.
    public let name: String
    /// The endpoint relative to the base URL (`/Users`).
    public let endpoint: String
    /// The core schema.
    public let schema: SCIMSchema
    /// Extension schemas (all optional).
    public let extensions: [SCIMSchema]

    /// Users: core User schema plus the Enterprise User extension.
    public static let user = SCIMResourceType(
        name: "User", endpoint: "/Users", schema: .user, extensions: [.enterpriseUser])
    /// Groups.
    public static let group = SCIMResourceType(name: "Group", endpoint: "/Groups", schema: .group, extensions: [])
    /// Every resource type served.
    public static let all: [SCIMResourceType] = [.user, .group]

    private let definitions: [String: SCIMAttribute]
    private let coreByLowercasedName: [String: SCIMAttribute]

    private init(name: String, endpoint: String, schema: SCIMSchema, extensions: [SCIMSchema]) {
        self.name = name
        self.endpoint = endpoint
        self.schema = schema
        self.extensions = extensions
        var definitions: [String: SCIMAttribute] = [:]
        for attribute in SCIMSchema.common + schema.attributes { definitions[attribute.name] = attribute }
        for ext in extensions {
            for attribute in ext.attributes { definitions[ext.id + ":" + attribute.name] = attribute }
        }
        self.definitions = definitions
        var core: [String: SCIMAttribute] = [:]
        for attribute in SCIMSchema.common + schema.attributes { core[attribute.name.asciiLowercased] = attribute }
        self.coreByLowercasedName = core
    }

    /// The name.
    public var description: String { name }

    /// Equality by name.
    public static func == (lhs: SCIMResourceType, rhs: SCIMResourceType) -> Bool { lhs.name == rhs.name }
    /// Hashing by name.
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// The definition of a canonical (resolved) path's attribute.
    func definition(schema: String?, attribute: String) -> SCIMAttribute? {
        definitions[schema.map { $0 + ":" + attribute } ?? attribute]
    }

    /// The extension schema whose URN equals `urn`, ignoring case.
    func extensionSchema(_ urn: String) -> SCIMSchema? {
        extensions.first { $0.id.caseInsensitiveEquals(urn) }
    }

    /// Resolves a path to canonical names. Returns nil when the attribute is unknown.
    func resolve(_ path: SCIMAttributePath) -> (path: SCIMAttributePath, definition: SCIMAttribute)? {
        var schemaID: String?
        let key = path.attribute.asciiLowercased
        let found: SCIMAttribute?
        if let urn = path.schema, !urn.caseInsensitiveEquals(schema.id) {
            guard let ext = extensionSchema(urn) else { return nil }
            schemaID = ext.id
            found = ext.attribute(named: path.attribute)
        } else {
            found = coreByLowercasedName[key]
        }
        guard let definition = found else { return nil }
        var resolved = SCIMAttributePath(schema: schemaID, definition.name, position: path.position)
        if let sub = path.subAttribute {
            guard let subDefinition = definition.subAttribute(named: sub) else { return nil }
            resolved.subAttribute = subDefinition.name
            return (resolved, subDefinition)
        }
        return (resolved, definition)
    }

    /// The top-level (common or core) attribute named `name`, ignoring case.
    func coreAttribute(named name: String) -> SCIMAttribute? {
        coreByLowercasedName[name.asciiLowercased]
    }

    /// The ResourceType document (RFC 7643 §6).
    public func json(baseURL: String) -> JSONValue {
        var object: [String: JSONValue] = [
            "schemas": .array([.string(SCIMSchemaURN.resourceType)]),
            "id": .string(name), "name": .string(name), "endpoint": .string(endpoint),
            "description": .string(schema.description), "schema": .string(schema.id),
            "meta": .object([
                "resourceType": .string("ResourceType"), "location": .string("\(baseURL)/ResourceTypes/\(name)"),
            ]),
        ]
        if !extensions.isEmpty {
            object["schemaExtensions"] = .array(
                extensions.map { .object(["schema": .string($0.id), "required": .bool(false)]) })
        }
        return .object(object)
    }
}
