/// Schema URNs used by SCIM 2.0 (RFC 7643, RFC 7644).
public enum SCIMSchemaURN {
    /// Core User schema.
    public static let user = "urn:ietf:params:scim:schemas:core:2.0:User"
    /// Enterprise User extension.
    public static let enterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    /// Core Group schema.
    public static let group = "urn:ietf:params:scim:schemas:core:2.0:Group"
    /// ListResponse message.
    public static let listResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    /// PatchOp message.
    public static let patchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    /// SearchRequest message.
    public static let searchRequest = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
    /// Error message.
    public static let error = "urn:ietf:params:scim:api:messages:2.0:Error"
    /// ServiceProviderConfig schema.
    public static let serviceProviderConfig = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
    /// ResourceType schema.
    public static let resourceType = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
    /// Schema schema.
    public static let schema = "urn:ietf:params:scim:schemas:core:2.0:Schema"
}

/// One attribute definition of a ``SCIMSchema`` (RFC 7643 §7).
public struct SCIMAttribute: Sendable, Hashable {
    /// Attribute data types.
    public enum DataType: String, Sendable, Hashable {
        /// A string.
        case string
        /// A boolean.
        case boolean
        /// A decimal number.
        case decimal
        /// An integer.
        case integer
        /// An xsd:dateTime string.
        case dateTime
        /// A URI reference string.
        case reference
        /// Base64 binary string.
        case binary
        /// An object with sub-attributes.
        case complex
    }

    /// Whether and how clients may change the attribute.
    public enum Mutability: String, Sendable, Hashable {
        /// Set by the service provider only; ignored on input.
        case readOnly
        /// Read and written by clients.
        case readWrite
        /// Set once; changes are refused with `mutability`.
        case immutable
        /// Written but never returned.
        case writeOnly
    }

    /// When the attribute appears in responses.
    public enum Returned: String, Sendable, Hashable {
        /// Always, even when `attributes` does not name it.
        case always
        /// Never.
        case never
        /// Unless excluded.
        case `default`
        /// Only when named in `attributes`.
        case request
    }

    /// Uniqueness scope.
    public enum Uniqueness: String, Sendable, Hashable {
        /// No uniqueness.
        case none
        /// Unique within the service provider (tenant).
        case server
        /// Globally unique.
        case global
    }

    /// The attribute's name as defined (canonical case).
    public var name: String
    /// The data type.
    public var type: DataType
    /// Whether the attribute is an array.
    public var multiValued: Bool
    /// Human description.
    public var description: String
    /// Whether the attribute must be present.
    public var required: Bool
    /// Whether string comparisons are case-sensitive.
    public var caseExact: Bool
    /// Mutability.
    public var mutability: Mutability
    /// Returned rule.
    public var returned: Returned
    /// Uniqueness.
    public var uniqueness: Uniqueness
    /// Sub-attributes of a complex attribute.
    public var subAttributes: [SCIMAttribute]
    /// Suggested values.
    public var canonicalValues: [String]
    /// Reference types of a reference attribute.
    public var referenceTypes: [String]

    /// Creates an attribute definition with RFC 7643 §2.2 defaults.
    public init(
        _ name: String, _ type: DataType = .string, multiValued: Bool = false, description: String = "",
        required: Bool = false, caseExact: Bool = false, mutability: Mutability = .readWrite,
        returned: Returned = .default, uniqueness: Uniqueness = .none, subAttributes: [SCIMAttribute] = [],
        canonicalValues: [String] = [], referenceTypes: [String] = []
    ) {
        self.name = name
        self.type = type
        self.multiValued = multiValued
        self.description = description
        self.required = required
        self.caseExact = caseExact
        self.mutability = mutability
        self.returned = returned
        self.uniqueness = uniqueness
        self.subAttributes = subAttributes
        self.canonicalValues = canonicalValues
        self.referenceTypes = referenceTypes
    }

    /// The sub-attribute named `name`, ignoring case.
    public func subAttribute(named name: String) -> SCIMAttribute? {
        subAttributes.first { $0.name.caseInsensitiveEquals(name) }
    }

    /// The definition in RFC 7643 §7 JSON form.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(name), "type": .string(type.rawValue), "multiValued": .bool(multiValued),
            "description": .string(description), "required": .bool(required), "mutability": .string(mutability.rawValue),
            "returned": .string(returned.rawValue),
        ]
        if type == .string || type == .reference || type == .binary {
            object["caseExact"] = .bool(caseExact)
            object["uniqueness"] = .string(uniqueness.rawValue)
        }
        if !subAttributes.isEmpty { object["subAttributes"] = .array(subAttributes.map(\.json)) }
        if !canonicalValues.isEmpty { object["canonicalValues"] = .array(canonicalValues.map(JSONValue.string)) }
        if !referenceTypes.isEmpty { object["referenceTypes"] = .array(referenceTypes.map(JSONValue.string)) }
        return .object(object)
    }
}

/// A SCIM schema: a URN and its attribute definitions (RFC 7643 §7).
public struct SCIMSchema: Sendable, Hashable {
    /// The schema URN.
    public var id: String
    /// Human name.
    public var name: String
    /// Human description.
    public var description: String
    /// Top-level attributes.
    public var attributes: [SCIMAttribute]

    /// Creates a schema.
    public init(id: String, name: String, description: String, attributes: [SCIMAttribute]) {
        self.id = id
        self.name = name
        self.description = description
        self.attributes = attributes
    }

    /// The attribute named `name`, ignoring case.
    public func attribute(named name: String) -> SCIMAttribute? {
        attributes.first { $0.name.caseInsensitiveEquals(name) }
    }

    /// The schema in RFC 7643 §7 JSON form, with `meta.location` under `baseURL`.
    public func json(baseURL: String) -> JSONValue {
        .object([
            "schemas": .array([.string(SCIMSchemaURN.schema)]),
            "id": .string(id), "name": .string(name), "description": .string(description),
            "attributes": .array(attributes.map(\.json)),
            "meta": .object([
                "resourceType": .string("Schema"), "location": .string("\(baseURL)/Schemas/\(id)"),
            ]),
        ])
    }
}

extension SCIMSchema {
    private static func multi(_ name: String, types: [String], description: String) -> SCIMAttribute {
        SCIMAttribute(
            name, .complex, multiValued: true, description: description,
            subAttributes: [
                SCIMAttribute("value", description: "The value."),
                SCIMAttribute("display", description: "A human-readable name."),
                SCIMAttribute("type", description: "A label for the value's function.", canonicalValues: types),
                SCIMAttribute("primary", .boolean, description: "Whether this is the primary value."),
            ])
    }

    /// The core User schema (RFC 7643 §4.1).
    public static let user = SCIMSchema(
        id: SCIMSchemaURN.user, name: "User", description: "User Account",
        attributes: [
            SCIMAttribute(
                "userName", description: "Unique identifier for the User, used to authenticate.", required: true,
                uniqueness: .server),
            SCIMAttribute(
                "name", .complex, description: "The components of the user's real name.",
                subAttributes: [
                    SCIMAttribute("formatted", description: "The full name."),
                    SCIMAttribute("familyName", description: "The family name."),
                    SCIMAttribute("givenName", description: "The given name."),
                    SCIMAttribute("middleName", description: "The middle name(s)."),
                    SCIMAttribute("honorificPrefix", description: "The honorific prefix(es)."),
                    SCIMAttribute("honorificSuffix", description: "The honorific suffix(es)."),
                ]),
            SCIMAttribute("displayName", description: "The name displayed to end-users."),
            SCIMAttribute("nickName", description: "The casual name."),
            SCIMAttribute("profileUrl", .reference, description: "A URI of the user's profile.", referenceTypes: ["external"]),
            SCIMAttribute("title", description: "The user's title."),
            SCIMAttribute("userType", description: "The organisation-to-user relationship."),
            SCIMAttribute("preferredLanguage", description: "Preferred written or spoken language."),
            SCIMAttribute("locale", description: "Default location for localisation."),
            SCIMAttribute("timezone", description: "Time zone in IANA format."),
            SCIMAttribute("active", .boolean, description: "The user's administrative status."),
            SCIMAttribute(
                "password", description: "Accepted and discarded: this service provider does not keep passwords.",
                mutability: .writeOnly, returned: .never),
            multi("emails", types: ["work", "home", "other"], description: "Email addresses."),
            multi("phoneNumbers", types: ["work", "home", "mobile", "fax", "pager", "other"], description: "Phone numbers."),
            multi("ims", types: ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"], description: "Instant messaging addresses."),
            multi("photos", types: ["photo", "thumbnail"], description: "URLs of photos."),
            SCIMAttribute(
                "addresses", .complex, multiValued: true, description: "Physical mailing addresses.",
                subAttributes: [
                    SCIMAttribute("formatted", description: "The full address."),
                    SCIMAttribute("streetAddress", description: "The street address."),
                    SCIMAttribute("locality", description: "The city or locality."),
                    SCIMAttribute("region", description: "The state or region."),
                    SCIMAttribute("postalCode", description: "The zip or postal code."),
                    SCIMAttribute("country", description: "The ISO 3166-1 alpha-2 country code."),
                    SCIMAttribute("type", description: "A label.", canonicalValues: ["work", "home", "other"]),
                    SCIMAttribute("primary", .boolean, description: "Whether this is the primary address."),
                ]),
            SCIMAttribute(
                "groups", .complex, multiValued: true, description: "Groups the user belongs to (computed).",
                mutability: .readOnly,
                subAttributes: [
                    SCIMAttribute("value", description: "The group's id.", mutability: .readOnly),
                    SCIMAttribute("$ref", .reference, description: "The group's URI.", mutability: .readOnly, referenceTypes: ["Group"]),
                    SCIMAttribute("display", description: "The group's displayName.", mutability: .readOnly),
                    SCIMAttribute("type", description: "direct or indirect.", mutability: .readOnly, canonicalValues: ["direct", "indirect"]),
                ]),
            multi("entitlements", types: [], description: "Entitlements."),
            multi("roles", types: [], description: "Roles."),
            multi("x509Certificates", types: [], description: "Certificates (base64 DER values)."),
        ])

    /// The Enterprise User extension (RFC 7643 §4.3).
    public static let enterpriseUser = SCIMSchema(
        id: SCIMSchemaURN.enterpriseUser, name: "EnterpriseUser", description: "Enterprise User",
        attributes: [
            SCIMAttribute("employeeNumber", description: "Organisation-assigned employee number."),
            SCIMAttribute("costCenter", description: "Cost center."),
            SCIMAttribute("organization", description: "Organisation."),
            SCIMAttribute("division", description: "Division."),
            SCIMAttribute("department", description: "Department."),
            SCIMAttribute(
                "manager", .complex, description: "The user's manager.",
                subAttributes: [
                    SCIMAttribute("value", description: "The manager's id."),
                    SCIMAttribute("$ref", .reference, description: "The manager's URI.", referenceTypes: ["User"]),
                    SCIMAttribute("displayName", description: "The manager's displayName.", mutability: .readOnly),
                ]),
        ])

    /// The core Group schema (RFC 7643 §4.2).
    public static let group = SCIMSchema(
        id: SCIMSchemaURN.group, name: "Group", description: "Group",
        attributes: [
            SCIMAttribute("displayName", description: "A human-readable name for the Group.", required: true, uniqueness: .server),
            SCIMAttribute(
                "members", .complex, multiValued: true, description: "A list of members of the Group.",
                subAttributes: [
                    SCIMAttribute("value", description: "The member's id.", mutability: .immutable),
                    SCIMAttribute("$ref", .reference, description: "The member's URI.", mutability: .immutable, referenceTypes: ["User", "Group"]),
                    SCIMAttribute("display", description: "The member's display name.", mutability: .readOnly),
                    SCIMAttribute("type", description: "User or Group.", mutability: .immutable, canonicalValues: ["User", "Group"]),
                ]),
        ])

    /// Attributes every resource has (RFC 7643 §3.1), used for filtering and sorting.
    static let common: [SCIMAttribute] = [
        SCIMAttribute("schemas", .reference, multiValued: true, caseExact: true, mutability: .readOnly, returned: .always),
        SCIMAttribute("id", caseExact: true, mutability: .readOnly, returned: .always, uniqueness: .server),
        SCIMAttribute("externalId", caseExact: true),
        SCIMAttribute(
            "meta", .complex, mutability: .readOnly,
            subAttributes: [
                SCIMAttribute("resourceType", caseExact: true, mutability: .readOnly),
                SCIMAttribute("created", .dateTime, mutability: .readOnly),
                SCIMAttribute("lastModified", .dateTime, mutability: .readOnly),
                SCIMAttribute("location", .reference, caseExact: true, mutability: .readOnly),
                SCIMAttribute("version", caseExact: true, mutability: .readOnly),
            ]),
    ]
}
