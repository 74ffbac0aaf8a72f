public import Logging

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// The decision function over the rule table.
///
/// Evaluation: every rule whose scope contains the action is evaluated. The action is allowed only if at
/// least one `permit` rule matches and no `forbid` rule matches (deny by default; any forbid beats any
/// permit). `advise` rules add warnings. Results are sorted, so the table's order never matters.
public struct GatingPolicy: Sendable {
    /// The id reported when no permit matched and no forbid matched.
    public static let defaultDenyRuleID = "default.deny"

    /// The rules evaluated.
    public let rules: [PolicyRule]
    /// Host settings.
    public var configuration: GatingConfiguration
    /// The rules grouped by the actions they apply to (same rules, looked up faster).
    private let rulesByAction: [GatedAction: [PolicyRule]]

    /// Creates the standard policy with `configuration`.
    public init(configuration: GatingConfiguration = GatingConfiguration()) {
        self.init(configuration: configuration, rules: Self.standardRules)
    }

    /// Creates a policy over a custom rule table (tests permute the standard one).
    init(configuration: GatingConfiguration, rules: [PolicyRule]) {
        self.configuration = configuration
        self.rules = rules
        var grouped: [GatedAction: [PolicyRule]] = [:]
        for rule in rules {
            for action in rule.actions { grouped[action, default: []].append(rule) }
        }
        self.rulesByAction = grouped
    }

    /// Assesses `license` for `organization` at `now` using this policy's configuration.
    public func assess(_ license: LicenseEvidence, for organization: OrganizationState, now: Date) -> LicenseAssessment
    {
        LicenseAssessment(
            evidence: license,
            organizationID: organization.id,
            history: organization.licenseHistory,
            revokedLicenseIDs: configuration.revokedLicenseIDs,
            product: configuration.product,
            now: now
        )
    }

    /// Decides whether `actor` may perform `action` in `organization` at `now`.
    ///
    /// For `install_license`, `license` is the candidate license.
    public func decide(
        _ action: GatedAction,
        actor: ActingUser,
        organization: OrganizationState,
        license: LicenseEvidence,
        now: Date,
        logger: Logger? = nil
    ) -> Decision {
        decide(
            action, actor: actor, organization: organization, assessment: assess(license, for: organization, now: now),
            now: now, logger: logger)
    }

    /// Decides with an already computed license assessment.
    public func decide(
        _ action: GatedAction,
        actor: ActingUser,
        organization: OrganizationState,
        assessment: LicenseAssessment,
        now: Date,
        logger: Logger? = nil
    ) -> Decision {
        let facts = DecisionFacts(
            action: action,
            actor: actor,
            organization: organization,
            license: assessment,
            now: now,
            configuration: configuration
        )
        var permits: [Decision.Explanation] = []
        var forbids: [Decision.Explanation] = []
        var advice: [Decision.Explanation] = []
        for rule in rulesByAction[action] ?? [] where rule.matches(facts) {
            let explanation = Decision.Explanation(ruleID: rule.id, reason: rule.reason, details: rule.details(facts))
            switch rule.effect {
            case .permit: permits.append(explanation)
            case .forbid: forbids.append(explanation)
            case .advise: advice.append(explanation)
            }
        }
        let allowed = forbids.isEmpty && !permits.isEmpty
        var deciding = allowed ? permits : forbids
        if deciding.isEmpty {
            deciding = [Decision.Explanation(ruleID: Self.defaultDenyRuleID, reason: .noPermit, details: [])]
        }
        var warnings = Set(assessment.warnings)
        for item in advice {
            warnings.insert(
                DecisionWarning(code: item.reason.rawValue, message: Self.adviceMessages[item.reason] ?? ""))
        }
        let decision = Decision(
            action: action,
            actorID: actor.id,
            organizationID: organization.id,
            allowed: allowed,
            explanations: deciding.sorted(),
            warnings: warnings.sorted(),
            licenseID: assessment.license?.id,
            licenseState: assessment.state,
            evaluatedAt: now
        )
        logger?.debug(
            "gating decision",
            metadata: [
                "action": "\(action.rawValue)",
                "organization": "\(organization.id)",
                "allowed": "\(allowed)",
                "reasons": "\(decision.reasons.map(\.rawValue).joined(separator: ","))",
            ]
        )
        return decision
    }

    private static let adviceMessages: [ReasonCode: String] = [
        .ownerLoginFallback: "SSO is not usable, so the owner may sign in with a password despite the login mode.",
        .breakGlassLogin: "An owner used the break-glass password path; review this sign-in.",
    ]
}
