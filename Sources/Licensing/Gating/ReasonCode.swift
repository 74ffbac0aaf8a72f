/// A stable snake_case reason attached to a decision by the rules that decided it.
public struct ReasonCode: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The snake_case text.
    public let rawValue: String

    /// Wraps a code text.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The snake_case text.
    public var description: String { rawValue }

    /// Orders codes by text.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Decodes the bare string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the bare string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    // MARK: Permits
    /// An owner may change configuration.
    public static let ownerConfiguration = ReasonCode(rawValue: "owner_configuration")
    /// SSO is active and licensed for logins.
    public static let ssoAvailable = ReasonCode(rawValue: "sso_available")
    /// Password login is available to this actor.
    public static let passwordLoginAvailable = ReasonCode(rawValue: "password_login_available")
    /// No rule permitted the action (deny by default).
    public static let noPermit = ReasonCode(rawValue: "no_permit")

    // MARK: Who
    /// The organization has no owner.
    public static let orgHasNoOwner = ReasonCode(rawValue: "org_has_no_owner")
    /// The actor is not an owner.
    public static let notOwner = ReasonCode(rawValue: "not_owner")
    /// The actor must re-authenticate first.
    public static let reauthRequired = ReasonCode(rawValue: "reauth_required")

    // MARK: License
    /// No license is installed.
    public static let licenseMissing = ReasonCode(rawValue: "license_missing")
    /// The license failed verification.
    public static let licenseInvalid = ReasonCode(rawValue: "license_invalid")
    /// The license is for another product.
    public static let licenseWrongProduct = ReasonCode(rawValue: "license_wrong_product")
    /// The license is for another organization.
    public static let licenseOrgMismatch = ReasonCode(rawValue: "license_org_mismatch")
    /// The license is revoked.
    public static let licenseRevoked = ReasonCode(rawValue: "license_revoked")
    /// A newer (or paid) license replaced this one.
    public static let licenseSuperseded = ReasonCode(rawValue: "license_superseded")
    /// The license is expired (past grace).
    public static let licenseExpired = ReasonCode(rawValue: "license_expired")
    /// The license is not activated.
    public static let licenseNotActivated = ReasonCode(rawValue: "license_not_activated")
    /// The license's validity has not started.
    public static let licenseNotStarted = ReasonCode(rawValue: "license_not_started")
    /// The license is in grace: configuration changes are blocked.
    public static let licenseInGrace = ReasonCode(rawValue: "license_in_grace")
    /// The license lacks the `sso` feature.
    public static let ssoNotLicensed = ReasonCode(rawValue: "sso_not_licensed")
    /// The license lacks the `scim` feature.
    public static let scimNotLicensed = ReasonCode(rawValue: "scim_not_licensed")
    /// The license lacks the `directory_import` feature.
    public static let directoryImportNotLicensed = ReasonCode(rawValue: "directory_import_not_licensed")

    // MARK: Integrations
    /// The organization already has an SSO connection.
    public static let ssoConnectionExists = ReasonCode(rawValue: "sso_connection_exists")
    /// The organization has no SSO connection.
    public static let ssoConnectionMissing = ReasonCode(rawValue: "sso_connection_missing")
    /// There is no SP certificate to rotate.
    public static let spCertificateMissing = ReasonCode(rawValue: "sp_certificate_missing")
    /// Activation needs more (the explanation lists what).
    public static let ssoNotReady = ReasonCode(rawValue: "sso_not_ready")
    /// SSO is not active.
    public static let ssoNotActive = ReasonCode(rawValue: "sso_not_active")
    /// The change would lock users out.
    public static let wouldLockOut = ReasonCode(rawValue: "would_lock_out")
    /// SCIM depends on the SSO connection being deleted.
    public static let scimDependsOnSSO = ReasonCode(rawValue: "scim_depends_on_sso")
    /// No owner keeps a break-glass path.
    public static let noBreakGlass = ReasonCode(rawValue: "no_break_glass")
    /// The organization already has a SCIM integration.
    public static let scimIntegrationExists = ReasonCode(rawValue: "scim_integration_exists")
    /// SCIM needs SSO set up (an active connection) first.
    public static let ssoNotConfigured = ReasonCode(rawValue: "sso_not_configured")
    /// There is no SCIM integration.
    public static let scimNotEnabled = ReasonCode(rawValue: "scim_not_enabled")
    /// There is no directory import to remove.
    public static let directoryImportMissing = ReasonCode(rawValue: "directory_import_missing")
    /// The license's seats are used up (only blocks just-in-time creation).
    public static let seatLimitReached = ReasonCode(rawValue: "seat_limit_reached")
    /// Password login is disabled for this actor.
    public static let passwordLoginDisabled = ReasonCode(rawValue: "password_login_disabled")
    /// The login mode requires SSO for this actor.
    public static let ssoRequired = ReasonCode(rawValue: "sso_required")

    // MARK: Advice (warnings)
    /// An owner signs in with a password because SSO is unusable (license lapsed or SSO inactive).
    public static let ownerLoginFallback = ReasonCode(rawValue: "owner_login_fallback")
    /// An owner uses the break-glass password path while SSO is required or password login disabled.
    public static let breakGlassLogin = ReasonCode(rawValue: "break_glass_login")
}
