#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Resource metadata (RFC 7643 §3.1 `meta`). `location` is derived from the service's base URL on output.
public struct SCIMMeta: Sendable, Hashable {
    /// When the resource was created.
    public var created: Date
    /// When the resource was last modified.
    public var lastModified: Date
    /// A counter incremented on every modification; `version` and the ETag derive from it.
    public var revision: Int

    /// Creates metadata.
    public init(created: Date, lastModified: Date, revision: Int = 1) {
        self.created = created
        self.lastModified = lastModified
        self.revision = revision
    }

    /// `meta.version`, a weak entity tag: `W/"3"`.
    public var version: String { "W/\"\(revision)\"" }
}

/// A User or Group as stored and served: server-assigned ``id``, schema-normalised ``attributes`` and ``meta``.
///
/// ``attributes`` holds core attributes (and `externalId`) under their canonical names and each extension's
/// attributes in an object under the extension URN, exactly as they appear in JSON. For users, the
/// read-only `groups` attribute is filled in by the store.
public struct SCIMResource: Sendable, Hashable {
    /// The resource type.
    public var type: SCIMResourceType
    /// The server-assigned identifier.
    public var id: String
    /// Normalised attributes (no `id`, `meta` or `schemas`).
    public var attributes: [String: JSONValue]
    /// Metadata.
    public var meta: SCIMMeta

    /// Creates a resource.
    public init(type: SCIMResourceType, id: String, attributes: [String: JSONValue], meta: SCIMMeta) {
        self.type = type
        self.id = id
        self.attributes = attributes
        self.meta = meta
    }

    /// Parses and validates a client's JSON document for `type` (RFC 7643 rules, see ``SCIMResourceType``).
    ///
    /// - Throws: ``SCIMError`` `invalidSyntax` (not an object, unknown attribute), `invalidValue` (wrong type,
    ///   missing required attribute, unknown schema).
    public static func normalizedAttributes(
        from document: JSONValue, for type: SCIMResourceType
    ) throws(SCIMError) -> [String: JSONValue] {
        try Normalizer(type: type).normalizeDocument(document)
    }

    // MARK: Typed accessors

    /// `userName` (users).
    public var userName: String? { attributes["userName"]?.stringValue }
    /// `displayName`.
    public var displayName: String? { attributes["displayName"]?.stringValue }
    /// `externalId`.
    public var externalId: String? { attributes["externalId"]?.stringValue }
    /// `active` (users); absent means active.
    public var active: Bool { attributes["active"]?.boolValue ?? true }
    /// Member ids (groups).
    public var memberIDs: [String] {
        attributes["members"]?.arrayValue?.compactMap { $0["value"]?.stringValue } ?? []
    }

    // MARK: Output

    /// The resource location under `baseURL`.
    public func location(baseURL: String) -> String { "\(baseURL)\(type.endpoint)/\(id)" }

    /// The `meta` object.
    public func metaJSON(baseURL: String) -> JSONValue {
        .object([
            "resourceType": .string(type.name),
            "created": .string(SCIMDate.format(meta.created)),
            "lastModified": .string(SCIMDate.format(meta.lastModified)),
            "location": .string(location(baseURL: baseURL)),
            "version": .string(meta.version),
        ])
    }

    /// The full JSON representation, with `$ref`s of members and groups filled in under `baseURL`.
    public func json(baseURL: String) -> [String: JSONValue] {
        var object = attributes
        object["id"] = .string(id)
        var schemas: [JSONValue] = [.string(type.schema.id)]
        for ext in type.extensions where attributes[ext.id] != nil { schemas.append(.string(ext.id)) }
        object["schemas"] = .array(schemas)
        object["meta"] = metaJSON(baseURL: baseURL)
        for key in ["members", "groups"] {
            guard let values = object[key]?.arrayValue else { continue }
            object[key] = .array(
                values.map { value in
                    guard var member = value.objectValue, let id = member["value"]?.stringValue else { return value }
                    let endpoint = (key == "groups" || member["type"]?.stringValue == "Group") ? "/Groups" : "/Users"
                    member["$ref"] = .string("\(baseURL)\(endpoint)/\(id)")
                    return .object(member)
                })
        }
        return object
    }
}

/// `xsd:dateTime` formatting and parsing.
enum SCIMDate {
    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    }

    static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: false).parse(text) { return date }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
    }
}
