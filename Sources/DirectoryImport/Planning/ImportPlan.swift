/// What to do to bring the host's users in line with JumpCloud; made by ``ImportPlanner``.
///
/// Every list is sorted by `externalId`. Encodes to the CLI's contract:
/// `{"create":[…],"update":[…],"deactivate":[…],"unchanged":N,"conflicts":[…],"brake":{…},"stats":{…}}`.
public struct ImportPlan: Sendable, Hashable, Codable {
    /// A user to create.
    public struct Create: Sendable, Hashable, Codable {
        /// The JumpCloud `_id`.
        public var externalId: String
        /// The email.
        public var email: String
        /// The first name.
        public var firstName: String
        /// The last name.
        public var lastName: String

        /// Creates a value.
        public init(externalId: String, email: String, firstName: String, lastName: String) {
            self.externalId = externalId
            self.email = email
            self.firstName = firstName
            self.lastName = lastName
        }
    }

    /// A field an update changes.
    public enum Change: String, Sendable, Hashable, Codable, CaseIterable {
        /// An unmanaged entry with the same email is adopted: its external ID is set.
        case externalId
        /// The email differs (ignoring case).
        case email
        /// The first name differs (after Unicode normalization).
        case firstName
        /// The last name differs (after Unicode normalization).
        case lastName
        /// The entry is inactive and must be reactivated.
        case active
    }

    /// An existing entry to update; the values are JumpCloud's. An adoption (``Change/externalId``) names an
    /// unmanaged entry whose email matches ``email`` ignoring case.
    public struct Update: Sendable, Hashable, Codable {
        /// The JumpCloud `_id`.
        public var externalId: String
        /// The email to set.
        public var email: String
        /// The first name to set.
        public var firstName: String
        /// The last name to set.
        public var lastName: String
        /// What differs, in the order externalId, email, firstName, lastName, active.
        public var changes: [Change]

        /// Creates a value.
        public init(externalId: String, email: String, firstName: String, lastName: String, changes: [Change]) {
            self.externalId = externalId
            self.email = email
            self.firstName = firstName
            self.lastName = lastName
            self.changes = changes
        }
    }

    /// A managed, active entry to deactivate (never delete).
    public struct Deactivation: Sendable, Hashable, Codable {
        /// The entry's external ID.
        public var externalId: String
        /// The entry's email (the host's copy).
        public var email: String
        /// Why the user is no longer entitled.
        public var reason: DeactivationReason

        /// Creates a value.
        public init(externalId: String, email: String, reason: DeactivationReason) {
            self.externalId = externalId
            self.email = email
            self.reason = reason
        }
    }

    /// An entitled user the planner could neither match nor safely create.
    public struct Conflict: Sendable, Hashable, Codable {
        /// Why.
        public enum Reason: String, Sendable, Hashable, Codable {
            /// Several unmanaged entries share the user's email (ignoring case); pick one by hand.
            case ambiguousEmail = "ambiguous_email"
            /// The JumpCloud user has no email.
            case missingEmail = "missing_email"
        }
        /// The JumpCloud `_id`.
        public var externalId: String
        /// The JumpCloud email.
        public var email: String
        /// Why.
        public var reason: Reason

        /// Creates a value.
        public init(externalId: String, email: String, reason: Reason) {
            self.externalId = externalId
            self.email = email
            self.reason = reason
        }
    }

    /// The mass-deactivation brake's verdict.
    public struct Brake: Sendable, Hashable, Codable {
        /// `true` when the plan deactivates more than ``maxShare`` of the managed active entries or more than
        /// ``maxCount`` entries; ``ImportApplier`` then refuses it unless confirmed.
        public var needsConfirmation: Bool
        /// Planned deactivations.
        public var deactivations: Int
        /// Managed, active entries before the plan (the share's denominator).
        public var managedActive: Int
        /// `deactivations / managedActive` (0 when there are none).
        public var share: Double
        /// The configured share limit.
        public var maxShare: Double
        /// The configured count limit.
        public var maxCount: Int
    }

    /// Counts that help explain the plan.
    public struct Stats: Sendable, Hashable, Codable {
        /// Users in the organization.
        public var directoryUsers: Int
        /// Users in the selected groups (each once).
        public var members: Int
        /// Entitled members.
        public var entitled: Int
        /// Entries the host sent.
        public var existing: Int
        /// Of those, managed (with an external ID).
        public var managed: Int
    }

    /// Users to create.
    public var create: [Create]
    /// Entries to update.
    public var update: [Update]
    /// Entries to deactivate.
    public var deactivate: [Deactivation]
    /// Existing entries in neither ``update`` nor ``deactivate``.
    public var unchanged: Int
    /// Entitled users left alone because acting would be unsafe.
    public var conflicts: [Conflict]
    /// The brake's verdict.
    public var brake: Brake
    /// Counts.
    public var stats: Stats

    /// `true` when there is nothing to create, update or deactivate.
    public var isEmpty: Bool { create.isEmpty && update.isEmpty && deactivate.isEmpty }
}
