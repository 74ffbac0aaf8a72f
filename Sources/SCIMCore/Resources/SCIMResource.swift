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
        object.reserveCapacity(attributes.count + 3)
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
    /// `YYYY-MM-DDThh:mm:ssZ` in UTC, computed with integer civil-date arithmetic (H. Hinnant's
    /// days-to-civil algorithm); this runs for every resource served, so it avoids format-style machinery.
    static func format(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        var days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        guard (0...9999).contains(year) else {
            return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
        }
        var bytes = [UInt8](repeating: 0, count: 20)
        func put(_ value: Int, _ offset: Int, _ width: Int) {
            var value = value
            for index in stride(from: offset + width - 1, through: offset, by: -1) {
                bytes[index] = UInt8(48 + value % 10)
                value /= 10
            }
        }
        put(year, 0, 4)
        bytes[4] = 45
        put(month, 5, 2)
        bytes[7] = 45
        put(day, 8, 2)
        bytes[10] = 84
        put(secondOfDay / 3600, 11, 2)
        bytes[13] = 58
        put(secondOfDay / 60 % 60, 14, 2)
        bytes[16] = 58
        put(secondOfDay % 60, 17, 2)
        bytes[19] = 90
        return String(decoding: bytes, as: UTF8.self)
    }

    static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: false).parse(text) { return date }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
    }
}
