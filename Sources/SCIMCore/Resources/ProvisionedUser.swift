/// A provisioned user as the host product sees it: plain fields, no SCIM JSON.
public struct ProvisionedUser: Sendable, Hashable, Codable {
    /// The SCIM resource id (nil before creation).
    public var id: String?
    /// The IdP's login name (`userName`); often, but not always, an email.
    public var userName: String
    /// The email: the primary email, else the `work` email, else the first one.
    public var email: String?
    /// `name.givenName`.
    public var firstName: String?
    /// `name.familyName`.
    public var lastName: String?
    /// `displayName`.
    public var displayName: String?
    /// `active` (deprovisioned users are `false` and remain queryable).
    public var active: Bool
    /// The IdP's identifier (`externalId`).
    public var externalId: String?
    /// Ids of the groups the user is a direct member of.
    public var groupIDs: [String]

    /// Creates a user.
    public init(
        id: String? = nil, userName: String, email: String? = nil, firstName: String? = nil, lastName: String? = nil,
        displayName: String? = nil, active: Bool = true, externalId: String? = nil, groupIDs: [String] = []
    ) {
        self.id = id
        self.userName = userName
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.displayName = displayName
        self.active = active
        self.externalId = externalId
        self.groupIDs = groupIDs
    }

    /// Maps a SCIM User resource.
    /// - Throws: ``SCIMError`` `invalidValue` when the resource is not a user.
    public init(_ resource: SCIMResource) throws(SCIMError) {
        guard resource.type == .user, let userName = resource.userName else {
            throw SCIMError(.invalidValue, "The resource is not a SCIM User.")
        }
        let emails = resource.attributes["emails"]?.arrayValue ?? []
        let chosen = emails.first { $0["primary"] == .bool(true) }
            ?? emails.first { $0["type"]?.stringValue?.caseInsensitiveEquals("work") == true }
            ?? emails.first
        let name = resource.attributes["name"]
        self.init(
            id: resource.id, userName: userName, email: chosen?["value"]?.stringValue,
            firstName: name?["givenName"]?.stringValue, lastName: name?["familyName"]?.stringValue,
            displayName: resource.displayName, active: resource.active, externalId: resource.externalId,
            groupIDs: resource.attributes["groups"]?.arrayValue?.compactMap { $0["value"]?.stringValue } ?? [])
    }

    /// The SCIM User attributes for this user (`emails` as one primary work email). `groups` is computed by
    /// the store and not included.
    public var scimAttributes: [String: JSONValue] {
        var attributes: [String: JSONValue] = ["userName": .string(userName), "active": .bool(active)]
        if let email {
            attributes["emails"] = .array([
                .object(["value": .string(email), "type": .string("work"), "primary": .bool(true)])
            ])
        }
        var name: [String: JSONValue] = [:]
        if let firstName { name["givenName"] = .string(firstName) }
        if let lastName { name["familyName"] = .string(lastName) }
        if !name.isEmpty { attributes["name"] = .object(name) }
        if let displayName { attributes["displayName"] = .string(displayName) }
        if let externalId { attributes["externalId"] = .string(externalId) }
        return attributes
    }
}

/// A provisioned group as the host product sees it.
public struct ProvisionedGroup: Sendable, Hashable, Codable {
    /// The SCIM resource id.
    public var id: String?
    /// `displayName` (unique per tenant).
    public var displayName: String
    /// `externalId`.
    public var externalId: String?
    /// Ids of direct members.
    public var memberIDs: [String]

    /// Creates a group.
    public init(id: String? = nil, displayName: String, externalId: String? = nil, memberIDs: [String] = []) {
        self.id = id
        self.displayName = displayName
        self.externalId = externalId
        self.memberIDs = memberIDs
    }

    /// Maps a SCIM Group resource.
    /// - Throws: ``SCIMError`` `invalidValue` when the resource is not a group.
    public init(_ resource: SCIMResource) throws(SCIMError) {
        guard resource.type == .group, let displayName = resource.displayName else {
            throw SCIMError(.invalidValue, "The resource is not a SCIM Group.")
        }
        self.init(id: resource.id, displayName: displayName, externalId: resource.externalId, memberIDs: resource.memberIDs)
    }

    /// The SCIM Group attributes for this group.
    public var scimAttributes: [String: JSONValue] {
        var attributes: [String: JSONValue] = ["displayName": .string(displayName)]
        if let externalId { attributes["externalId"] = .string(externalId) }
        if !memberIDs.isEmpty { attributes["members"] = .array(memberIDs.map { .object(["value": .string($0)]) }) }
        return attributes
    }
}
