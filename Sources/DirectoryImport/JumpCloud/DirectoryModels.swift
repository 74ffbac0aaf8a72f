/// A JumpCloud user group (`/api/v2/usergroups`).
public struct DirectoryGroup: Sendable, Hashable, Codable {
    /// The group's ID.
    public var id: String
    /// The group's name.
    public var name: String
    /// The group's description, when JumpCloud has one.
    public var description: String?

    /// Creates a group value.
    public init(id: String, name: String, description: String? = nil) {
        self.id = id
        self.name = name
        self.description = description
    }

    private enum CodingKeys: String, CodingKey { case id, name, description }

    /// Decodes JumpCloud's group object; `name` may be missing (then empty).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        description = try container.decodeIfPresent(String.self, forKey: .description)
    }

    /// Encodes `id`, `name` and `description` (explicit `null` when absent).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(description, forKey: .description)
    }
}

/// Why a managed user is no longer entitled.
public enum DeactivationReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The user exists in JumpCloud but in none of the selected groups.
    case notInSelectedGroups = "not_in_selected_groups"
    /// The user is suspended in JumpCloud.
    case suspended
    /// The user has not been activated (state `STAGED` or another state than `ACTIVATED`).
    case notActivated = "not_activated"
    /// The user no longer exists in JumpCloud.
    case deleted
}

/// A JumpCloud system user (`/api/systemusers`), reduced to what the import needs.
public struct DirectoryUser: Sendable, Hashable, Codable {
    /// JumpCloud's `_id`; becomes the host's `externalId`.
    public var id: String
    /// The user's email (may differ in case from the host's copy).
    public var email: String
    /// JumpCloud's `username`.
    public var username: String?
    /// `firstname`.
    public var firstName: String
    /// `lastname`.
    public var lastName: String
    /// `state`: `STAGED`, `ACTIVATED` or `SUSPENDED`; older records have none.
    public var state: String?
    /// `suspended`.
    public var suspended: Bool
    /// `activated` (a password is set); does not affect entitlement.
    public var activated: Bool?
    /// `account_locked`; does not affect entitlement.
    public var accountLocked: Bool?

    /// Creates a user value.
    public init(
        id: String, email: String, username: String? = nil, firstName: String = "", lastName: String = "",
        state: String? = "ACTIVATED", suspended: Bool = false, activated: Bool? = true, accountLocked: Bool? = false
    ) {
        self.id = id
        self.email = email
        self.username = username
        self.firstName = firstName
        self.lastName = lastName
        self.state = state
        self.suspended = suspended
        self.activated = activated
        self.accountLocked = accountLocked
    }

    /// `nil` when the user is entitled (state `ACTIVATED`, or no state and not suspended; never suspended),
    /// otherwise why not. `account_locked`, `password_expired` and `activated` are ignored.
    public var ineligibility: DeactivationReason? {
        if suspended || state == "SUSPENDED" { return .suspended }
        if let state, state != "ACTIVATED" { return .notActivated }
        return nil
    }

    private enum CodingKeys: String, CodingKey {
        case id = "_id"
        case email, username
        case firstName = "firstname"
        case lastName = "lastname"
        case state, suspended, activated
        case accountLocked = "account_locked"
    }

    /// Decodes JumpCloud's wire names (`_id`, `firstname`, `account_locked`, …); absent text becomes empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        email = try container.decodeIfPresent(String.self, forKey: .email) ?? ""
        username = try container.decodeIfPresent(String.self, forKey: .username)
        firstName = try container.decodeIfPresent(String.self, forKey: .firstName) ?? ""
        lastName = try container.decodeIfPresent(String.self, forKey: .lastName) ?? ""
        state = try container.decodeIfPresent(String.self, forKey: .state)
        suspended = try container.decodeIfPresent(Bool.self, forKey: .suspended) ?? false
        activated = try container.decodeIfPresent(Bool.self, forKey: .activated)
        accountLocked = try container.decodeIfPresent(Bool.self, forKey: .accountLocked)
    }

    /// Encodes with JumpCloud's wire names (used by ``InMemoryJumpCloud``).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(email, forKey: .email)
        try container.encodeIfPresent(username, forKey: .username)
        try container.encode(firstName, forKey: .firstName)
        try container.encode(lastName, forKey: .lastName)
        try container.encodeIfPresent(state, forKey: .state)
        try container.encode(suspended, forKey: .suspended)
        try container.encodeIfPresent(activated, forKey: .activated)
        try container.encodeIfPresent(accountLocked, forKey: .accountLocked)
    }
}

/// Which member endpoint the client reads.
public enum MembershipScope: String, Sendable, Hashable {
    /// `/members`: direct members only.
    case direct
    /// `/membership`: direct and indirect members.
    case transitive
}

/// One item of `/members` (`{"to":{"id","type"}}`) or `/membership` (`{"id","type","paths"}`).
struct MemberRecord: Decodable {
    struct Target: Decodable {
        var id: String
        var type: String?
    }
    var to: Target?
    var id: String?
    var type: String?

    /// The user ID, or `nil` for a non-user member.
    var userID: String? {
        if let to { return to.type == nil || to.type == "user" ? to.id : nil }
        if let id { return type == nil || type == "user" ? id : nil }
        return nil
    }

    var isWellFormed: Bool { to != nil || id != nil }
}

/// `{"totalCount": N, "results": [...]}` (v1 lists).
struct V1List<Item: Decodable>: Decodable {
    var totalCount: Int?
    var results: [Item]
}

/// `{"error": "...", "message": "..."}` error bodies.
struct UpstreamErrorBody: Decodable {
    var error: String?
    var message: String?
}
