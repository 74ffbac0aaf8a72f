#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// What the host knows about the organization's license before a decision.
public enum LicenseEvidence: Sendable, Hashable {
    /// No license is installed.
    case none
    /// A license was supplied but failed verification with this code.
    case rejected(LicensingError.Code)
    /// A license whose signature verified.
    case verified(License)

    /// Verifies `envelope` (if any) with `verifier` and wraps the outcome.
    public init(envelope: String?, verifier: LicenseVerifier) {
        guard let envelope else {
            self = .none
            return
        }
        do {
            self = .verified(try verifier.verify(envelope))
        } catch {
            self = .rejected(error.code)
        }
    }
}

/// The state of a license at an instant, for an organization.
///
/// When several apply, the first in this order wins: `invalid`, `wrong_product`, `org_mismatch`,
/// `revoked`, `superseded`, `not_activated`, `not_started`, `expired`, `in_grace`, `active`.
public enum LicenseState: String, Sendable, Hashable, Codable, CaseIterable {
    /// No license.
    case missing
    /// The license failed verification (tampered, truncated, unknown key, …).
    case invalid
    /// The license is for another product.
    case wrongProduct = "wrong_product"
    /// The license is for another organization.
    case orgMismatch = "org_mismatch"
    /// The host's revocation list names the license.
    case revoked
    /// The organization installed a newer license, or a paid one and this is a trial.
    case superseded
    /// The license is pending activation.
    case notActivated = "not_activated"
    /// `now` is before `notBefore`.
    case notStarted = "not_started"
    /// Past `notAfter` plus grace.
    case expired
    /// Past `notAfter` but within grace: logins work, configuration changes are blocked.
    case inGrace = "in_grace"
    /// Valid.
    case active
}

/// A non-blocking notice attached to a decision or a license check.
public struct DecisionWarning: Sendable, Hashable, Codable, Comparable {
    /// Stable snake_case code, e.g. `license_expires_in_30_days`.
    public var code: String
    /// A human sentence.
    public var message: String
    /// Whole days left (rounded up) when the warning counts down to something.
    public var daysRemaining: Int?

    /// Creates a warning.
    public init(code: String, message: String, daysRemaining: Int? = nil) {
        self.code = code
        self.message = message
        self.daysRemaining = daysRemaining
    }

    /// Orders warnings by code.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.code < rhs.code }

    enum CodingKeys: String, CodingKey {
        case code, message
        case daysRemaining = "days_remaining"
    }
}

/// A license evaluated for one organization at one instant: its ``LicenseState`` and warnings.
public struct LicenseAssessment: Sendable, Hashable {
    /// Days before `notAfter` at which a warning starts, most distant first.
    public static let warningThresholds = [60, 30, 7, 1]

    /// The state.
    public let state: LicenseState
    /// The verified payload, when there is one (also for mismatched, revoked, expired… licenses).
    public let license: License?
    /// The verification failure, when `state` is `invalid`.
    public let failure: LicensingError.Code?
    /// Expiry and grace warnings.
    public let warnings: [DecisionWarning]

    /// Assesses `evidence` for `organizationID` at `now`.
    /// - Parameters:
    ///   - evidence: the license as the host knows it (none, rejected, verified).
    ///   - organizationID: the organization the license must belong to; `nil` skips that check (used by
    ///     `license verify` without `--org`).
    ///   - history: the organization's earlier licenses (for `superseded`).
    ///   - revokedLicenseIDs: the host's revocation list.
    ///   - product: the product licenses must name.
    ///   - now: the instant to assess at.
    public init(
        evidence: LicenseEvidence,
        organizationID: String?,
        history: LicenseHistory = LicenseHistory(),
        revokedLicenseIDs: Set<String> = [],
        product: String = License.defaultProduct,
        now: Date
    ) {
        switch evidence {
        case .none:
            (state, license, failure, warnings) = (.missing, nil, nil, [])
        case .rejected(let code):
            (state, license, failure, warnings) = (.invalid, nil, code, [])
        case .verified(let license):
            self.license = license
            failure = nil
            let state = Self.state(of: license, organizationID, history, revokedLicenseIDs, product, now)
            self.state = state
            warnings = Self.warnings(for: license, state: state, now: now)
        }
    }

    /// Whether the license grants `feature` (a verified payload listing it).
    public func grants(_ feature: LicenseFeature) -> Bool { license?.features.contains(feature) ?? false }

    /// SSO logins work in `active` and `in_grace`.
    public var allowsLogins: Bool { state == .active || state == .inGrace }

    private static func state(
        of license: License,
        _ organizationID: String?,
        _ history: LicenseHistory,
        _ revoked: Set<String>,
        _ product: String,
        _ now: Date
    ) -> LicenseState {
        if license.product != product { return .wrongProduct }
        if let organizationID, license.organizationID != organizationID { return .orgMismatch }
        if revoked.contains(license.id) { return .revoked }
        if let newest = history.newestIssuedAt, license.issuedAt < newest { return .superseded }
        if license.kind == .trial && history.hasHadPaidLicense { return .superseded }
        if license.activation != .activated { return .notActivated }
        if now < license.notBefore { return .notStarted }
        if now >= license.graceEndsAt { return .expired }
        if now >= license.notAfter { return .inGrace }
        return .active
    }

    private static func daysUntil(_ date: Date, from now: Date) -> Int {
        Int((date.timeIntervalSince(now) / 86_400).rounded(.up))
    }

    private static func warnings(for license: License, state: LicenseState, now: Date) -> [DecisionWarning] {
        switch state {
        case .active:
            let days = daysUntil(license.notAfter, from: now)
            guard let threshold = warningThresholds.last(where: { days <= $0 }) else { return [] }
            let unit = threshold == 1 ? "day" : "days"
            return [
                DecisionWarning(
                    code: "license_expires_in_\(threshold)_\(unit)",
                    message: "The license expires in \(days) \(days == 1 ? "day" : "days").",
                    daysRemaining: days
                )
            ]
        case .inGrace:
            let days = daysUntil(license.graceEndsAt, from: now)
            return [
                DecisionWarning(
                    code: "license_in_grace",
                    message: "The license expired; logins keep working for \(days) more "
                        + "\(days == 1 ? "day" : "days") but configuration changes are blocked.",
                    daysRemaining: days
                )
            ]
        default:
            return []
        }
    }
}
