/// Limits of the mass-deactivation brake (like Entra Connect's accidental-delete guard).
public struct BrakeConfiguration: Sendable, Hashable {
    /// A plan deactivating more than this share of the managed active entries needs confirmation.
    public var maxDeactivationShare: Double
    /// A plan deactivating more than this many entries needs confirmation.
    public var maxDeactivationCount: Int

    /// Defaults: 20 % and 500.
    public init(maxDeactivationShare: Double = 0.20, maxDeactivationCount: Int = 500) {
        self.maxDeactivationShare = maxDeactivationShare
        self.maxDeactivationCount = maxDeactivationCount
    }
}

/// Diffs a complete ``DirectorySnapshot`` against the host's users; pure and deterministic.
///
/// Rules:
/// - match on `externalId` (= JumpCloud `_id`); an entitled user with no such entry adopts the one unmanaged
///   entry (externalId `nil`) with the same email ignoring case (update with change `externalId`), else is
///   created;
/// - update when the email differs ignoring case, a name differs after Unicode normalization (Swift string
///   equality is canonical equivalence, i.e. equal NFC forms), or the entry is inactive;
/// - deactivate managed, active entries that are no longer entitled, with a reason; inactive entries are not
///   listed, unmanaged ones never touched;
/// - `unchanged` counts the entries in neither update nor deactivate.
public struct ImportPlanner: Sendable {
    /// The brake's limits.
    public var brake: BrakeConfiguration

    /// Creates a planner.
    public init(brake: BrakeConfiguration = BrakeConfiguration()) {
        self.brake = brake
    }

    /// Plans the import.
    /// - Throws: ``DirectoryImportError`` `invalid_existing` when two entries share an external ID.
    public func plan(snapshot: DirectorySnapshot, existing: [ExistingUser]) throws -> ImportPlan {
        var byExternalID: [String: Int] = [:]
        byExternalID.reserveCapacity(existing.count)
        var unmanagedByEmail: [String: [Int]] = [:]
        var managedActive = 0
        for index in existing.indices {
            let entry = existing[index]
            if let id = entry.externalId {
                guard byExternalID.updateValue(index, forKey: id) == nil else {
                    throw DirectoryImportError(
                        .invalidExisting, "Two existing users have the external ID \(id).", detail: "users[\(index)]")
                }
                if entry.active { managedActive += 1 }
            } else {
                unmanagedByEmail[Self.emailKey(entry.email), default: []].append(index)
            }
        }

        var create: [ImportPlan.Create] = []
        var update: [ImportPlan.Update] = []
        var conflicts: [ImportPlan.Conflict] = []
        var adopted = Set<Int>()
        var entitledCount = 0
        // Per existing entry: how its JumpCloud user stands (filled for managed entries of members only).
        var standing = [MemberStanding](repeating: .notAMember, count: existing.count)

        for user in snapshot.members {
            let ineligibility = user.ineligibility
            let index = byExternalID[user.id]
            if let index { standing[index] = ineligibility.map(MemberStanding.ineligible) ?? .entitled }
            guard ineligibility == nil else { continue }
            entitledCount += 1
            if let index {
                let changes = Self.changes(from: existing[index], to: user)
                if !changes.isEmpty {
                    update.append(.init(user: user, changes: changes))
                }
                continue
            }
            guard !user.email.isEmpty else {
                conflicts.append(.init(externalId: user.id, email: user.email, reason: .missingEmail))
                continue
            }
            let candidates = unmanagedByEmail.isEmpty ? [] : unmanagedByEmail[Self.emailKey(user.email)] ?? []
            if candidates.count > 1 || (candidates.count == 1 && adopted.contains(candidates[0])) {
                conflicts.append(.init(externalId: user.id, email: user.email, reason: .ambiguousEmail))
            } else if let index = candidates.first {
                adopted.insert(index)
                update.append(.init(user: user, changes: [.externalId] + Self.changes(from: existing[index], to: user)))
            } else {
                create.append(
                    .init(externalId: user.id, email: user.email, firstName: user.firstName, lastName: user.lastName))
            }
        }

        var deactivate: [ImportPlan.Deactivation] = []
        for index in existing.indices where existing[index].active {
            guard let id = existing[index].externalId else { continue }
            let reason: DeactivationReason
            switch standing[index] {
            case .entitled:
                continue
            case .ineligible(let why):
                reason = why
            case .notAMember:
                reason = snapshot.directoryUserIDs.contains(id) ? .notInSelectedGroups : .deleted
            }
            deactivate.append(.init(externalId: id, email: existing[index].email, reason: reason))
        }
        deactivate.sort { $0.externalId < $1.externalId }

        let share = managedActive == 0 ? 0 : Double(deactivate.count) / Double(managedActive)
        let verdict = ImportPlan.Brake(
            needsConfirmation: deactivate.count > brake.maxDeactivationCount || share > brake.maxDeactivationShare,
            deactivations: deactivate.count, managedActive: managedActive, share: share,
            maxShare: brake.maxDeactivationShare, maxCount: brake.maxDeactivationCount)
        return ImportPlan(
            create: create, update: update, deactivate: deactivate,
            unchanged: existing.count - update.count - deactivate.count,
            conflicts: conflicts, brake: verdict,
            stats: .init(
                directoryUsers: snapshot.directoryUserIDs.count, members: snapshot.members.count,
                entitled: entitledCount, existing: existing.count, managed: byExternalID.count))
    }

    /// The fields that differ between an entry and the JumpCloud user (external ID excluded).
    static func changes(from entry: ExistingUser, to user: DirectoryUser) -> [ImportPlan.Change] {
        var changes: [ImportPlan.Change] = []
        if !emailsMatch(entry.email, user.email) { changes.append(.email) }
        if entry.firstName != user.firstName { changes.append(.firstName) }
        if entry.lastName != user.lastName { changes.append(.lastName) }
        if !entry.active { changes.append(.active) }
        return changes
    }

    /// Case-insensitive email equality, with a byte-equal fast path.
    static func emailsMatch(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.elementsEqual(rhs.utf8) || emailKey(lhs) == emailKey(rhs)
    }

    /// The lookup key of an email: lowercased.
    static func emailKey(_ email: String) -> String { email.lowercased() }
}

/// How a managed entry's JumpCloud user stands in the snapshot.
private enum MemberStanding {
    case entitled
    case ineligible(DeactivationReason)
    case notAMember
}

extension ImportPlan.Update {
    fileprivate init(user: DirectoryUser, changes: [ImportPlan.Change]) {
        self.init(
            externalId: user.id, email: user.email, firstName: user.firstName, lastName: user.lastName, changes: changes
        )
    }
}
