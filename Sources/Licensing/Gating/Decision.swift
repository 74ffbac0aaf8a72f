#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// The outcome of ``GatingPolicy/decide(_:actor:organization:license:now:logger:)``, with its reasons.
public struct Decision: Sendable, Hashable, Codable {
    /// One deciding rule and what it said.
    public struct Explanation: Sendable, Hashable, Codable, Comparable {
        /// The rule id (or `default.deny`).
        public var ruleID: String
        /// The rule's reason code.
        public var reason: ReasonCode
        /// Extra detail, e.g. what `sso_not_ready` found missing.
        public var details: [String]

        /// Creates an explanation.
        public init(ruleID: String, reason: ReasonCode, details: [String]) {
            self.ruleID = ruleID
            self.reason = reason
            self.details = details
        }

        /// Orders by rule id.
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.ruleID < rhs.ruleID }

        enum CodingKeys: String, CodingKey {
            case ruleID = "rule_id"
            case reason, details
        }
    }

    /// The action decided.
    public var action: GatedAction
    /// The actor's id.
    public var actorID: String
    /// The organization's id.
    public var organizationID: String
    /// Whether the action may proceed.
    public var allowed: Bool
    /// The rules that decided, sorted by id: the matching permits when allowed, else the matching forbids
    /// (or `default.deny`).
    public var explanations: [Explanation]
    /// Warnings (license expiry and grace, advice rules), sorted by code.
    public var warnings: [DecisionWarning]
    /// The license's id, when a verified license was involved.
    public var licenseID: String?
    /// The license's state.
    public var licenseState: LicenseState
    /// The instant the decision was made for.
    public var evaluatedAt: Date

    /// Creates a decision (the gate makes them; hosts normally do not).
    public init(
        action: GatedAction,
        actorID: String,
        organizationID: String,
        allowed: Bool,
        explanations: [Explanation],
        warnings: [DecisionWarning],
        licenseID: String?,
        licenseState: LicenseState,
        evaluatedAt: Date
    ) {
        self.action = action
        self.actorID = actorID
        self.organizationID = organizationID
        self.allowed = allowed
        self.explanations = explanations
        self.warnings = warnings
        self.licenseID = licenseID
        self.licenseState = licenseState
        self.evaluatedAt = evaluatedAt
    }

    /// The deciding reason codes, sorted and unique.
    public var reasons: [ReasonCode] { Array(Set(explanations.map(\.reason))).sorted() }
    /// The deciding rule ids, sorted.
    public var ruleIDs: [String] { explanations.map(\.ruleID) }

    /// The audit record of this decision.
    public var auditEvent: AuditEvent {
        AuditEvent(
            action: action,
            actorID: actorID,
            organizationID: organizationID,
            outcome: allowed ? .allowed : .denied,
            reasons: reasons,
            ruleIDs: ruleIDs,
            licenseID: licenseID,
            licenseState: licenseState,
            occurredAt: evaluatedAt
        )
    }

    enum CodingKeys: String, CodingKey {
        case action
        case actorID = "actor_id"
        case organizationID = "organization_id"
        case allowed, explanations, warnings
        case licenseID = "license_id"
        case licenseState = "license_state"
        case evaluatedAt = "evaluated_at"
    }
}

/// A record of a gating decision for the host's audit log. It names ids and codes only, never secrets.
public struct AuditEvent: Sendable, Hashable, Codable {
    /// Allowed or denied.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// The action was allowed.
        case allowed
        /// The action was denied.
        case denied
    }

    /// The event type, constant: `kisi_identity.gating_decision`.
    public var type: String = "kisi_identity.gating_decision"
    /// The action decided.
    public var action: GatedAction
    /// The actor's id.
    public var actorID: String
    /// The organization's id.
    public var organizationID: String
    /// The outcome.
    public var outcome: Outcome
    /// The deciding reason codes.
    public var reasons: [ReasonCode]
    /// The deciding rule ids.
    public var ruleIDs: [String]
    /// The license id, if any.
    public var licenseID: String?
    /// The license state.
    public var licenseState: LicenseState
    /// When the decision was made.
    public var occurredAt: Date

    /// Creates an audit event.
    public init(
        action: GatedAction,
        actorID: String,
        organizationID: String,
        outcome: Outcome,
        reasons: [ReasonCode],
        ruleIDs: [String],
        licenseID: String?,
        licenseState: LicenseState,
        occurredAt: Date
    ) {
        self.action = action
        self.actorID = actorID
        self.organizationID = organizationID
        self.outcome = outcome
        self.reasons = reasons
        self.ruleIDs = ruleIDs
        self.licenseID = licenseID
        self.licenseState = licenseState
        self.occurredAt = occurredAt
    }

    enum CodingKeys: String, CodingKey {
        case type, action
        case actorID = "actor_id"
        case organizationID = "organization_id"
        case outcome, reasons
        case ruleIDs = "rule_ids"
        case licenseID = "license_id"
        case licenseState = "license_state"
        case occurredAt = "occurred_at"
    }
}
