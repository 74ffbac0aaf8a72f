/// Everything the planner needs from JumpCloud, read completely or not at all.
///
/// ``members`` is the union of the selected groups' users (a user in two groups appears once);
/// ``directoryUserIDs`` is every user of the organization, so the planner can tell a user removed from the
/// groups (`not_in_selected_groups`) from a deleted one (`deleted`).
public struct DirectorySnapshot: Sendable {
    /// The selected groups, in selection order.
    public let groups: [DirectoryGroup]
    /// The selected groups' users, sorted by ID.
    public let members: [DirectoryUser]
    /// Every user ID in the organization.
    public let directoryUserIDs: Set<String>
    /// For each member's ID, the selected groups they are in.
    public let groupIDsByUser: [String: [String]]
    /// Member IDs listed by a group but absent from the user list (deleted while reading); treated as deleted.
    public let missingMemberIDs: [String]

    /// Builds a snapshot from the organization's users and the selected groups' membership.
    /// - Parameters:
    ///   - groups: the selected groups.
    ///   - directoryUsers: every user of the organization.
    ///   - membership: user ID → IDs of the selected groups the user is in.
    public init(groups: [DirectoryGroup], directoryUsers: [DirectoryUser], membership: [String: [String]]) {
        self.groups = groups
        var ids = Set<String>(minimumCapacity: directoryUsers.count)
        var members: [DirectoryUser] = []
        members.reserveCapacity(membership.count)
        for user in directoryUsers {
            ids.insert(user.id)
            if membership[user.id] != nil { members.append(user) }
        }
        members.sort { $0.id < $1.id }
        self.members = members
        self.directoryUserIDs = ids
        self.groupIDsByUser = membership
        self.missingMemberIDs = membership.keys.filter { !ids.contains($0) }.sorted()
    }

    /// The members who are entitled (state `ACTIVATED` or none, not suspended), sorted by ID.
    public var entitledUsers: [DirectoryUser] { members.filter { $0.ineligibility == nil } }
}
