#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// One of the host's current users (a member of the Kisi group the import keeps in sync).
public struct ExistingUser: Sendable, Hashable, Codable {
    /// The JumpCloud `_id` this entry is managed by, or `nil` for an entry the import does not manage (yet).
    public var externalId: String?
    /// The entry's email.
    public var email: String
    /// The entry's first name.
    public var firstName: String
    /// The entry's last name.
    public var lastName: String
    /// Whether the entry is active.
    public var active: Bool

    /// Creates an entry.
    public init(externalId: String?, email: String, firstName: String, lastName: String, active: Bool) {
        self.externalId = externalId
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.active = active
    }

    private enum CodingKeys: String, CodingKey { case externalId, email, firstName, lastName, active }

    /// Decodes strictly: `email`, `firstName`, `lastName` strings, `active` a boolean, `externalId` a non-empty
    /// string, `null`, or absent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        externalId = try container.decodeIfPresent(String.self, forKey: .externalId)
        if externalId?.isEmpty == true {
            throw DecodingError.dataCorruptedError(
                forKey: .externalId, in: container, debugDescription: "externalId must be null or non-empty")
        }
        email = try container.decode(String.self, forKey: .email)
        firstName = try container.decode(String.self, forKey: .firstName)
        lastName = try container.decode(String.self, forKey: .lastName)
        active = try container.decode(Bool.self, forKey: .active)
    }

    /// Encodes every key, with an explicit `null` external ID for unmanaged entries.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(externalId, forKey: .externalId)
        try container.encode(email, forKey: .email)
        try container.encode(firstName, forKey: .firstName)
        try container.encode(lastName, forKey: .lastName)
        try container.encode(active, forKey: .active)
    }
}

/// The `--existing` document: `{"users":[ExistingUser…]}`.
public struct ExistingUsersDocument: Sendable, Hashable, Codable {
    /// The host's current users.
    public var users: [ExistingUser]

    /// Wraps a list of users.
    public init(users: [ExistingUser]) { self.users = users }

    /// Decodes and checks the document: the shape above and no external ID twice.
    /// - Throws: ``DirectoryImportError`` `invalid_existing`.
    public static func decode(_ data: Data) throws -> ExistingUsersDocument {
        let document: ExistingUsersDocument
        do {
            document = try JSONDecoder().decode(ExistingUsersDocument.self, from: data)
        } catch let error as DecodingError {
            throw DirectoryImportError(
                .invalidExisting,
                #"The existing users must be {"users":[{"externalId","email","firstName","lastName","active"}]}."#,
                detail: Self.describe(error))
        } catch {
            throw DirectoryImportError(.invalidExisting, "The existing users are not valid JSON.")
        }
        try validate(document.users)
        return document
    }

    /// Throws `invalid_existing` when two entries share an external ID.
    public static func validate(_ users: [ExistingUser]) throws {
        var seen = Set<String>(minimumCapacity: users.count)
        for (index, user) in users.enumerated() {
            if let id = user.externalId, !seen.insert(id).inserted {
                throw DirectoryImportError(
                    .invalidExisting, "Two existing users have the external ID \(id).", detail: "users[\(index)]")
            }
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(path(context)).\(key.stringValue): missing"
        @unknown default:
            return "malformed"
        }
    }
}
