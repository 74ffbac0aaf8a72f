#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// What a matching rule does.
public enum RuleEffect: String, Sendable, Hashable, Codable, CaseIterable {
    /// Allows the action, unless any forbid also matches.
    case permit
    /// Denies the action, whatever permits match.
    case forbid
    /// Adds a warning; never changes whether the action is allowed.
    case advise
}

/// One row of the rule table: which actions it covers, when it matches, and what it says.
///
/// Rules are data; ``GatingPolicy/decide(_:actor:organization:license:now:logger:)`` evaluates every
/// rule whose scope contains the action and combines the matches. The order of the table never matters.
public struct PolicyRule: Sendable {
    /// Stable dotted id, e.g. `config.not_owner`.
    public let id: String
    /// Permit, forbid or advise.
    public let effect: RuleEffect
    /// The actions the rule applies to.
    public let actions: Set<GatedAction>
    /// The reason code (or warning code for `advise`) the rule contributes when it matches.
    public let reason: ReasonCode
    /// The condition in words, as in the "Gating SSO and SCIM" rule table.
    public let condition: String
    let matches: @Sendable (DecisionFacts) -> Bool
    let details: @Sendable (DecisionFacts) -> [String]

    init(
        _ id: String,
        _ effect: RuleEffect,
        _ actions: Set<GatedAction>,
        _ reason: ReasonCode,
        _ condition: String,
        details: @escaping @Sendable (DecisionFacts) -> [String] = { _ in [] },
        when matches: @escaping @Sendable (DecisionFacts) -> Bool
    ) {
        self.id = id
        self.effect = effect
        self.actions = actions
        self.reason = reason
        self.condition = condition
        self.matches = matches
        self.details = details
    }
}

/// The facts a rule condition reads, derived once per decision.
struct DecisionFacts: Sendable {
    let action: GatedAction
    let actor: ActingUser
    let organization: OrganizationState
    let license: LicenseAssessment
    let now: Date
    let configuration: GatingConfiguration

    /// The actor's owner entry, if the actor is an owner.
    let ownerEntry: OwnerAccount?

    init(
        action: GatedAction,
        actor: ActingUser,
        organization: OrganizationState,
        license: LicenseAssessment,
        now: Date,
        configuration: GatingConfiguration
    ) {
        self.action = action
        self.actor = actor
        self.organization = organization
        self.license = license
        self.now = now
        self.configuration = configuration
        self.ownerEntry = organization.owner(actor.id)
    }

    var isOwner: Bool { ownerEntry != nil }
    var orgHasOwner: Bool { !organization.owners.isEmpty }
    var isBreakGlassOwner: Bool { ownerEntry?.hasBreakGlass ?? false }
    var anyOwnerHasBreakGlass: Bool { organization.owners.contains { $0.hasBreakGlass } }
    var ssoActive: Bool { organization.sso?.isActive ?? false }
    /// SSO logins work: active connection, license active or in grace, `sso` granted.
    var ssoUsable: Bool { ssoActive && license.allowsLogins && license.grants(.sso) }
    /// The login mode makes SSO mandatory for this actor.
    var modeRequiresSSO: Bool {
        switch organization.loginMode {
        case .optional: false
        case .required: true
        case .requiredExceptOwners: !isOwner
        }
    }
    /// An owner whom a lapsed license or inactive SSO must not lock out.
    var ownerFallback: Bool { isOwner && !ssoUsable }
    /// Password login is exempt from the mode and the switch for this actor.
    var passwordExempt: Bool { isBreakGlassOwner || ownerFallback }

    var reauthenticatedRecently: Bool {
        guard let window = configuration.reauthenticationWindow else { return true }
        guard let at = actor.reauthenticatedAt else { return false }
        let age = now.timeIntervalSince(at)
        return age <= window && age >= -GatingConfiguration.futureSkew
    }
    /// The license payload lacks `feature` (only when there is a verified payload).
    func lacks(_ feature: LicenseFeature) -> Bool {
        license.license.map { !$0.features.contains(feature) } ?? false
    }
    func licenseIs(_ state: LicenseState) -> Bool { license.state == state }
}

/// Host settings for the gate.
public struct GatingConfiguration: Sendable, Hashable {
    /// Re-authentication timestamps this far in the future still count (clock skew), in seconds.
    public static let futureSkew: TimeInterval = 300

    /// When set, configuration needs a re-authentication no older than this many seconds.
    public var reauthenticationWindow: TimeInterval?
    /// License ids the vendor revoked.
    public var revokedLicenseIDs: Set<String>
    /// The product licenses must name.
    public var product: String

    /// Creates a configuration: no re-authentication requirement, nothing revoked, this suite's product.
    public init(
        reauthenticationWindow: TimeInterval? = nil,
        revokedLicenseIDs: Set<String> = [],
        product: String = License.defaultProduct
    ) {
        self.reauthenticationWindow = reauthenticationWindow
        self.revokedLicenseIDs = revokedLicenseIDs
        self.product = product
    }
}
